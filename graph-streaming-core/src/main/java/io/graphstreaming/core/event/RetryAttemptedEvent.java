package io.graphstreaming.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A failed node is about to be retried.
 *
 * @param executionId the execution this event belongs to
 * @param graphId the id of the graph (executor) that runs
 * @param sequence the position of this event in its execution, starting at 1
 * @param timestamp when the event happened
 * @param nodeId the node
 * @param attempt the number of the attempt about to start (2 for the first retry)
 * @param delay the back-off before the attempt
 * @param errorType the simple class name of the error that caused the retry
 * @param errorMessage that error's message
 */
public record RetryAttemptedEvent(String executionId, String graphId, long sequence, Instant timestamp,
		String nodeId, int attempt, Duration delay, String errorType, String errorMessage) implements GraphExecutionEvent {

	public RetryAttemptedEvent {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(nodeId, "nodeId");
		Objects.requireNonNull(delay, "delay");
		Objects.requireNonNull(errorType, "errorType");
		Objects.requireNonNull(errorMessage, "errorMessage");
	}

	@Override
	public GraphExecutionEventType eventType() {
		return GraphExecutionEventType.RETRY_ATTEMPTED;
	}

}
