package io.graphstreaming.core.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A node's circuit breaker changed state (for example from CLOSED to OPEN).
 *
 * @param executionId the execution this event belongs to
 * @param graphId the id of the graph (executor) that runs
 * @param sequence the position of this event in its execution, starting at 1
 * @param timestamp when the event happened
 * @param nodeId the node the breaker guards
 * @param fromState the state before
 * @param toState the state after
 */
public record CircuitBreakerStateChangedEvent(String executionId, String graphId, long sequence, Instant timestamp,
		String nodeId, String fromState, String toState) implements GraphExecutionEvent {

	public CircuitBreakerStateChangedEvent {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(nodeId, "nodeId");
		Objects.requireNonNull(fromState, "fromState");
		Objects.requireNonNull(toState, "toState");
	}

	@Override
	public GraphExecutionEventType eventType() {
		return GraphExecutionEventType.CIRCUIT_BREAKER_STATE_CHANGED;
	}

}
