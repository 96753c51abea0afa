package io.graphstreaming.core.execution;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a shared store (such as the Redis execution registry) records about an execution
 * so that any instance can serve it: enough to build a replica with
 * {@link ExecutionRegistry#follow}.
 *
 * @param executionId the execution's id
 * @param graphId the graph it runs
 * @param createdAt when it was created, on whichever instance
 * @param owner the principal that started it, or {@code null}
 * @param resumedFrom the checkpoint it was resumed from, or {@code null}
 * @param startAfter the sequence before the first event the replica can still read
 * ({@code 0} when the shared journal holds every event)
 */
public record SharedExecution(String executionId, String graphId, Instant createdAt, @Nullable String owner,
		@Nullable String resumedFrom, long startAfter) {

	public SharedExecution {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(createdAt, "createdAt");
		if (startAfter < 0) {
			throw new IllegalArgumentException("startAfter must be >= 0 but was " + startAfter);
		}
	}

}
