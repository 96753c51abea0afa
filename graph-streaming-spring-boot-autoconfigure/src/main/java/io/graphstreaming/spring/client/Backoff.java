package io.graphstreaming.spring.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The exponential back-off of one stream's reconnects, with jitter, between the initial
 * and the maximum delay. Not thread-safe: one stream's reconnects happen one after the
 * other.
 */
final class Backoff {

	private final long initialNanos;

	private final long maxNanos;

	private final ReconnectJitter jitter;

	private long previousNanos;

	/**
	 * Creates a back-off.
	 * @param initial the shortest delay, strictly positive
	 * @param max the longest delay, at least the initial one
	 * @param jitter how delays are randomised
	 */
	Backoff(Duration initial, Duration max, ReconnectJitter jitter) {
		this.initialNanos = initial.toNanos();
		this.maxNanos = Math.max(this.initialNanos, max.toNanos());
		this.jitter = Objects.requireNonNull(jitter, "jitter");
		this.previousNanos = this.initialNanos;
	}

	/**
	 * The delay before a reconnect.
	 * @param attempt the reconnect's number in the current run of failures, from 1
	 * @return the delay, between the initial and the maximum delay
	 */
	Duration next(int attempt) {
		long ceiling;
		if (this.jitter == ReconnectJitter.FULL) {
			int shift = Math.min(Math.max(attempt, 1), 62);
			ceiling = (this.initialNanos > (this.maxNanos >> shift)) ? this.maxNanos : this.initialNanos << shift;
		}
		else {
			ceiling = (this.previousNanos > this.maxNanos / 3) ? this.maxNanos : this.previousNanos * 3;
		}
		ceiling = Math.min(this.maxNanos, ceiling);
		long delay = (ceiling > this.initialNanos)
				? ThreadLocalRandom.current().nextLong(this.initialNanos, ceiling + 1) : this.initialNanos;
		this.previousNanos = delay;
		return Duration.ofNanos(delay);
	}

	/**
	 * Starts over after a successful resume.
	 */
	void reset() {
		this.previousNanos = this.initialNanos;
	}

}
