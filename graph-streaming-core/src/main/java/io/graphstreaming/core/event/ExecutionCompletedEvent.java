package io.graphstreaming.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The run finished normally; a terminal event. Carries the final state unless the options leave it out.
 *
 * @param executionId the execution this event belongs to
 * @param graphId the id of the graph (executor) that runs
 * @param sequence the position of this event in its execution, starting at 1
 * @param timestamp when the event happened
 * @param duration how long the whole run took
 * @param output the final state, or {@code null} when the options leave it out
 */
public record ExecutionCompletedEvent(String executionId, String graphId, long sequence, Instant timestamp,
		Duration duration, @Nullable Map<String, @Nullable Object> output) implements GraphExecutionEvent {

	public ExecutionCompletedEvent {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(duration, "duration");
	}

	@Override
	public GraphExecutionEventType eventType() {
		return GraphExecutionEventType.EXECUTION_COMPLETED;
	}

}
