package io.graphstreaming.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A node's function threw or signalled an error. Only the error's type and message travel, never a stack trace.
 *
 * @param executionId the execution this event belongs to
 * @param graphId the id of the graph (executor) that runs
 * @param sequence the position of this event in its execution, starting at 1
 * @param timestamp when the event happened
 * @param nodeId the node
 * @param duration how long the node ran before it failed
 * @param errorType the simple class name of the error
 * @param errorMessage the error's message (empty when it had none)
 */
public record NodeFailedEvent(String executionId, String graphId, long sequence, Instant timestamp,
		String nodeId, Duration duration, String errorType, String errorMessage) implements GraphExecutionEvent {

	public NodeFailedEvent {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(nodeId, "nodeId");
		Objects.requireNonNull(duration, "duration");
		Objects.requireNonNull(errorType, "errorType");
		Objects.requireNonNull(errorMessage, "errorMessage");
	}

	@Override
	public GraphExecutionEventType eventType() {
		return GraphExecutionEventType.NODE_FAILED;
	}

}
