package io.graphstreaming.core.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The executor began a run; always the first event (sequence 1) of an execution.
 *
 * @param executionId the execution this event belongs to
 * @param graphId the id of the graph (executor) that runs
 * @param sequence the position of this event in its execution, starting at 1
 * @param timestamp when the event happened
 * @param startNode the node the run starts at
 * @param input the input state the run was started with
 */
public record ExecutionStartedEvent(String executionId, String graphId, long sequence, Instant timestamp,
		String startNode, Map<String, Object> input) implements GraphExecutionEvent {

	public ExecutionStartedEvent {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(startNode, "startNode");
		Objects.requireNonNull(input, "input");
	}

	@Override
	public GraphExecutionEventType eventType() {
		return GraphExecutionEventType.EXECUTION_STARTED;
	}

}
