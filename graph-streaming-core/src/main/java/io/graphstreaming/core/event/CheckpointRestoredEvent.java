package io.graphstreaming.core.event;

import java.time.Instant;
import java.util.Objects;

/**
 * The run continues from a saved checkpoint.
 *
 * @param executionId the execution this event belongs to
 * @param graphId the id of the graph (executor) that runs
 * @param sequence the position of this event in its execution, starting at 1
 * @param timestamp when the event happened
 * @param nodeId the node after which the checkpoint had been taken
 * @param checkpointId the checkpoint's id in its store
 */
public record CheckpointRestoredEvent(String executionId, String graphId, long sequence, Instant timestamp,
		String nodeId, String checkpointId) implements GraphExecutionEvent {

	public CheckpointRestoredEvent {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(nodeId, "nodeId");
		Objects.requireNonNull(checkpointId, "checkpointId");
	}

	@Override
	public GraphExecutionEventType eventType() {
		return GraphExecutionEventType.CHECKPOINT_RESTORED;
	}

}
