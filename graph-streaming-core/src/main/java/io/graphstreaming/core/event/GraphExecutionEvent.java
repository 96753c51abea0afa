package io.graphstreaming.core.event;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One step of a graph execution, as seen by consumers. Every event of an execution gets
 * a sequence number (1, 2, 3, ... with no gap) when it happens; the sequence is what
 * resume, replay and backpressure are measured in.
 *
 * <p>The hierarchy is sealed, one record per {@link GraphExecutionEventType}; switch on
 * {@link #eventType()} for an exhaustive dispatch.
 */
public sealed interface GraphExecutionEvent extends StreamItem permits ExecutionStartedEvent, NodeStartedEvent,
		NodeCompletedEvent, NodeFailedEvent, ExecutionCompletedEvent, ExecutionFailedEvent, ExecutionCancelledEvent,
		NodeEnteredEvent, NodeExitedEvent, ConditionEvaluatedEvent, StateMergeConflictDetectedEvent,
		CircuitBreakerStateChangedEvent, ResourceBudgetExhaustedEvent, RetryAttemptedEvent, CheckpointCreatedEvent,
		CheckpointRestoredEvent, NodeOutputChunkEvent {

	/**
	 * The execution this event belongs to.
	 * @return the execution id
	 */
	String executionId();

	/**
	 * The graph (executor) that runs.
	 * @return the graph id
	 */
	String graphId();

	/**
	 * The event's position in its execution: 1 for the first event, +1 for each next.
	 * @return the sequence number
	 */
	long sequence();

	/**
	 * When the event happened.
	 * @return the instant, UTC
	 */
	Instant timestamp();

	/**
	 * The kind of event.
	 * @return the type
	 */
	GraphExecutionEventType eventType();

	/**
	 * The node the event is about.
	 * @return the node id, or {@code null} for execution-level events
	 */
	default @Nullable String nodeId() {
		return null;
	}

	/**
	 * Whether this event ends the execution.
	 * @return {@code true} for completed, failed and cancelled execution events
	 */
	default boolean isTerminal() {
		return eventType().isTerminal();
	}

}
