package io.graphstreaming.core.event;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A piece of partial output a node emitted while it runs (for example LLM tokens), in emission order.
 *
 * @param executionId the execution this event belongs to
 * @param graphId the id of the graph (executor) that runs
 * @param sequence the position of this event in its execution, starting at 1
 * @param timestamp when the event happened
 * @param nodeId the node
 * @param chunkIndex the position of this chunk among the node's chunks, starting at 0
 * @param chunk the partial output
 */
public record NodeOutputChunkEvent(String executionId, String graphId, long sequence, Instant timestamp,
		String nodeId, long chunkIndex, @Nullable Object chunk) implements GraphExecutionEvent {

	public NodeOutputChunkEvent {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(nodeId, "nodeId");
	}

	@Override
	public GraphExecutionEventType eventType() {
		return GraphExecutionEventType.NODE_OUTPUT_CHUNK;
	}

}
