package io.graphstreaming.redis.journal;

import java.time.Duration;
import java.util.Objects;

/**
 * What fences a write into an execution's stream: the token its writer holds the lease
 * with (this instance's id and a random part, unique per claim, so that an instance's
 * earlier, abandoned run of the same execution does not hold it either) and the lease's
 * duration, for re-taking a lease that expired while Redis was unreachable.
 *
 * @param token the lease holder's token
 * @param lease the lease duration
 */
public record LeaseFence(String token, Duration lease) {

	public LeaseFence {
		Objects.requireNonNull(token, "token");
		Objects.requireNonNull(lease, "lease");
	}

}
