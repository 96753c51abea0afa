package io.graphstreaming.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The run was cancelled (by its subscriber, an API call or shutdown); a terminal event.
 *
 * @param executionId the execution this event belongs to
 * @param graphId the id of the graph (executor) that runs
 * @param sequence the position of this event in its execution, starting at 1
 * @param timestamp when the event happened
 * @param duration how long the run took until it was cancelled
 * @param nodeId the node that was running when the run was cancelled, or {@code null}
 * @param reason why the run was cancelled
 */
public record ExecutionCancelledEvent(String executionId, String graphId, long sequence, Instant timestamp,
		Duration duration, @Nullable String nodeId, String reason) implements GraphExecutionEvent {

	public ExecutionCancelledEvent {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(duration, "duration");
		Objects.requireNonNull(reason, "reason");
	}

	@Override
	public GraphExecutionEventType eventType() {
		return GraphExecutionEventType.EXECUTION_CANCELLED;
	}

}
