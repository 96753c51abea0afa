package io.graphstreaming.redis.journal;

import java.time.Duration;
import java.util.Objects;

/**
 * The delay before the n-th retry of a failed Redis write or read: doubling from the
 * first delay, never longer than the last.
 *
 * @param first the delay after the first failure
 * @param longest the longest delay
 */
record RetryBackoff(Duration first, Duration longest) {

	RetryBackoff {
		Objects.requireNonNull(first, "first");
		Objects.requireNonNull(longest, "longest");
	}

	/**
	 * The delay before retrying after a number of failures in a row.
	 * @param failures how many attempts failed in a row, at least 1
	 * @return the delay in milliseconds
	 */
	long millisAfter(int failures) {
		return Math.min(this.longest.toMillis(), this.first.toMillis() << Math.min(failures - 1, 10));
	}

}
