package io.graphstreaming.core.event;

import java.time.Instant;
import java.util.Objects;

/**
 * The executor left a node, after it completed or failed.
 *
 * @param executionId the execution this event belongs to
 * @param graphId the id of the graph (executor) that runs
 * @param sequence the position of this event in its execution, starting at 1
 * @param timestamp when the event happened
 * @param nodeId the node
 */
public record NodeExitedEvent(String executionId, String graphId, long sequence, Instant timestamp,
		String nodeId) implements GraphExecutionEvent {

	public NodeExitedEvent {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(nodeId, "nodeId");
	}

	@Override
	public GraphExecutionEventType eventType() {
		return GraphExecutionEventType.NODE_EXITED;
	}

}
