package io.graphstreaming.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The run ended with an error; a terminal event.
 *
 * @param executionId the execution this event belongs to
 * @param graphId the id of the graph (executor) that runs
 * @param sequence the position of this event in its execution, starting at 1
 * @param timestamp when the event happened
 * @param duration how long the run took until it failed
 * @param nodeId the node whose failure ended the run, or {@code null} when no node was at fault
 * @param errorType the simple class name of the error
 * @param errorMessage the error's message (empty when it had none)
 */
public record ExecutionFailedEvent(String executionId, String graphId, long sequence, Instant timestamp,
		Duration duration, @Nullable String nodeId, String errorType, String errorMessage) implements GraphExecutionEvent {

	public ExecutionFailedEvent {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(duration, "duration");
		Objects.requireNonNull(errorType, "errorType");
		Objects.requireNonNull(errorMessage, "errorMessage");
	}

	@Override
	public GraphExecutionEventType eventType() {
		return GraphExecutionEventType.EXECUTION_FAILED;
	}

}
