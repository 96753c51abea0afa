package io.graphstreaming.core.event;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The kinds of {@link GraphExecutionEvent}. Each constant knows its wire name: the
 * reference guide's enum name without the {@code Event} suffix, in PascalCase, which is
 * what SSE {@code event:} lines, JSON {@code eventType} fields and filter parameters use.
 */
public enum GraphExecutionEventType {

	/** The run began; always sequence 1. */
	EXECUTION_STARTED("ExecutionStarted", false),

	/** A node's function was invoked. */
	NODE_STARTED("NodeStarted", false),

	/** A node's function returned. */
	NODE_COMPLETED("NodeCompleted", false),

	/** A node's function failed. */
	NODE_FAILED("NodeFailed", false),

	/** The run finished normally; terminal. */
	EXECUTION_COMPLETED("ExecutionCompleted", true),

	/** The run ended with an error; terminal. */
	EXECUTION_FAILED("ExecutionFailed", true),

	/** The run was cancelled; terminal. */
	EXECUTION_CANCELLED("ExecutionCancelled", true),

	/** The executor moved to a node. */
	NODE_ENTERED("NodeEntered", false),

	/** The executor left a node. */
	NODE_EXITED("NodeExited", false),

	/** An edge condition was evaluated. */
	CONDITION_EVALUATED("ConditionEvaluated", false),

	/** Parallel branches wrote different values to one state key. */
	STATE_MERGE_CONFLICT_DETECTED("StateMergeConflictDetected", false),

	/** A node's circuit breaker changed state. */
	CIRCUIT_BREAKER_STATE_CHANGED("CircuitBreakerStateChanged", false),

	/** A resource budget of the run was used up. */
	RESOURCE_BUDGET_EXHAUSTED("ResourceBudgetExhausted", false),

	/** A failed node is about to be retried. */
	RETRY_ATTEMPTED("RetryAttempted", false),

	/** A checkpoint of the state was saved. */
	CHECKPOINT_CREATED("CheckpointCreated", false),

	/** The run continues from a checkpoint. */
	CHECKPOINT_RESTORED("CheckpointRestored", false),

	/** A node emitted a piece of partial output while running. */
	NODE_OUTPUT_CHUNK("NodeOutputChunk", false);

	private static final Map<String, GraphExecutionEventType> BY_WIRE_NAME = new HashMap<>();

	static {
		for (GraphExecutionEventType type : values()) {
			BY_WIRE_NAME.put(type.wireName, type);
		}
	}

	private final String wireName;

	private final boolean terminal;

	GraphExecutionEventType(String wireName, boolean terminal) {
		this.wireName = wireName;
		this.terminal = terminal;
	}

	/**
	 * The name used on the wire, for example {@code NodeStarted}.
	 * @return the PascalCase wire name
	 */
	public String wireName() {
		return this.wireName;
	}

	/**
	 * Whether this type ends an execution: exactly one terminal event is the last event
	 * of every execution.
	 * @return {@code true} for the completed, failed and cancelled execution events
	 */
	public boolean isTerminal() {
		return this.terminal;
	}

	/**
	 * Parses a wire name (case-sensitive, surrounding blanks ignored).
	 * @param wireName a name such as {@code NodeCompleted}
	 * @return the matching type
	 * @throws IllegalArgumentException naming the bad value and the valid ones
	 */
	public static GraphExecutionEventType fromWireName(String wireName) {
		GraphExecutionEventType type = (wireName != null) ? BY_WIRE_NAME.get(wireName.strip()) : null;
		if (type == null) {
			throw new IllegalArgumentException("Unknown event type '" + wireName + "'; expected one of "
					+ Arrays.stream(values()).map(GraphExecutionEventType::wireName).collect(Collectors.joining(", ")));
		}
		return type;
	}

}
