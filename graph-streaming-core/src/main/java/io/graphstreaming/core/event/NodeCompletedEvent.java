package io.graphstreaming.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A node's function returned; carries the state values it wrote.
 *
 * @param executionId the execution this event belongs to
 * @param graphId the id of the graph (executor) that runs
 * @param sequence the position of this event in its execution, starting at 1
 * @param timestamp when the event happened
 * @param nodeId the node
 * @param duration how long the node's function ran
 * @param output the state values the node wrote
 */
public record NodeCompletedEvent(String executionId, String graphId, long sequence, Instant timestamp,
		String nodeId, Duration duration, Map<String, @Nullable Object> output) implements GraphExecutionEvent {

	public NodeCompletedEvent {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(nodeId, "nodeId");
		Objects.requireNonNull(duration, "duration");
		Objects.requireNonNull(output, "output");
	}

	@Override
	public GraphExecutionEventType eventType() {
		return GraphExecutionEventType.NODE_COMPLETED;
	}

}
