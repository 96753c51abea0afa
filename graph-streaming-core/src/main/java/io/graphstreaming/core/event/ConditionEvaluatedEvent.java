package io.graphstreaming.core.event;

import java.time.Instant;
import java.util.Objects;

/**
 * The condition of an edge leaving a node was evaluated.
 *
 * @param executionId the execution this event belongs to
 * @param graphId the id of the graph (executor) that runs
 * @param sequence the position of this event in its execution, starting at 1
 * @param timestamp when the event happened
 * @param nodeId the node the edge leaves
 * @param targetNode the node the edge leads to
 * @param condition the condition's label
 * @param result whether the condition held
 */
public record ConditionEvaluatedEvent(String executionId, String graphId, long sequence, Instant timestamp,
		String nodeId, String targetNode, String condition, boolean result) implements GraphExecutionEvent {

	public ConditionEvaluatedEvent {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(nodeId, "nodeId");
		Objects.requireNonNull(targetNode, "targetNode");
		Objects.requireNonNull(condition, "condition");
	}

	@Override
	public GraphExecutionEventType eventType() {
		return GraphExecutionEventType.CONDITION_EVALUATED;
	}

}
