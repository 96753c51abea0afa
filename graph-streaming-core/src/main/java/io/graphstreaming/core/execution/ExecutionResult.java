package io.graphstreaming.core.execution;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How an execution ended.
 *
 * @param executionId the execution
 * @param graphId the graph
 * @param status completed, failed or cancelled
 * @param output the final state (null when the options leave it out or the run did not
 * complete)
 * @param duration how long the run took
 * @param nodeId the node at fault or running when the run failed or was cancelled, if any
 * @param errorType the error's simple class name when failed
 * @param errorMessage the error's message when failed, or the reason when cancelled
 */
public record ExecutionResult(String executionId, String graphId, ExecutionStatus status,
		@Nullable Map<String, @Nullable Object> output, Duration duration, @Nullable String nodeId,
		@Nullable String errorType, @Nullable String errorMessage) {

	public ExecutionResult {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(status, "status");
		Objects.requireNonNull(duration, "duration");
	}

}
