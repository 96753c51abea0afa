package io.graphstreaming.redis.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * How an instance takes part in sharing executions through Redis.
 *
 * @param instanceId this instance's id, unique among the instances sharing a prefix
 * @param lease how long an owner's lease lasts without renewal (renewed every third of
 * it; an instance that stops renewing loses its runs after this long)
 * @param minRetryDelay first delay after a failed Redis write or read
 * @param maxRetryDelay longest delay between retries
 * @param lookupTimeout longest wait for Redis when finding an execution another instance
 * created
 */
public record RedisSharingSettings(String instanceId, Duration lease, Duration minRetryDelay, Duration maxRetryDelay,
		Duration lookupTimeout) {

	public RedisSharingSettings {
		Objects.requireNonNull(instanceId, "instanceId");
		if (instanceId.isBlank() || instanceId.contains(" ")) {
			throw new IllegalArgumentException("instanceId must be non-blank without spaces but was '" + instanceId + "'");
		}
		positive("lease", lease);
		positive("minRetryDelay", minRetryDelay);
		positive("maxRetryDelay", maxRetryDelay);
		positive("lookupTimeout", lookupTimeout);
		if (lease.toMillis() < 300) {
			throw new IllegalArgumentException("lease must be at least 300ms but was " + lease);
		}
		if (maxRetryDelay.compareTo(minRetryDelay) < 0) {
			throw new IllegalArgumentException(
					"maxRetryDelay (" + maxRetryDelay + ") must not be shorter than minRetryDelay (" + minRetryDelay + ")");
		}
	}

	private static void positive(String name, Duration value) {
		Objects.requireNonNull(value, name);
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be strictly positive but was " + value);
		}
	}

}
