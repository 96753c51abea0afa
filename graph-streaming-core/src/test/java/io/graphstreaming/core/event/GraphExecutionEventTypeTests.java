package io.graphstreaming.core.event;

import java.util.Arrays;
import java.util.EnumSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Wire names of event types: the contract's PascalCase names, parsed strictly, with an
 * error that lists the valid names.
 */
class GraphExecutionEventTypeTests {

	@Test
	void wireNamesAreTheContractNames() {
		assertThat(Arrays.stream(GraphExecutionEventType.values()).map(GraphExecutionEventType::wireName))
			.containsExactly("ExecutionStarted", "NodeStarted", "NodeCompleted", "NodeFailed", "ExecutionCompleted",
					"ExecutionFailed", "ExecutionCancelled", "NodeEntered", "NodeExited", "ConditionEvaluated",
					"StateMergeConflictDetected", "CircuitBreakerStateChanged", "ResourceBudgetExhausted",
					"RetryAttempted", "CheckpointCreated", "CheckpointRestored", "NodeOutputChunk");
	}

	@Test
	void onlyCompletedFailedAndCancelledAreTerminal() {
		assertThat(EnumSet.allOf(GraphExecutionEventType.class).stream().filter(GraphExecutionEventType::isTerminal))
			.containsExactlyInAnyOrder(GraphExecutionEventType.EXECUTION_COMPLETED,
					GraphExecutionEventType.EXECUTION_FAILED, GraphExecutionEventType.EXECUTION_CANCELLED);
	}

	@ParameterizedTest
	@EnumSource(GraphExecutionEventType.class)
	void fromWireNameRoundTripsEveryType(GraphExecutionEventType type) {
		assertThat(GraphExecutionEventType.fromWireName(type.wireName())).isSameAs(type);
		assertThat(GraphExecutionEventType.fromWireName("  " + type.wireName() + " ")).isSameAs(type);
	}

	@ParameterizedTest
	@ValueSource(strings = { "Bogus", "nodeStarted", "NODE_STARTED", "NodeStartedEvent", "" })
	void fromWireNameRejectsUnknownNamesListingTheValidOnes(String name) {
		assertThatIllegalArgumentException().isThrownBy(() -> GraphExecutionEventType.fromWireName(name))
			.withMessageStartingWith("Unknown event type '" + name + "'; expected one of ExecutionStarted, NodeStarted, ")
			.withMessageEndingWith(", CheckpointRestored, NodeOutputChunk");
	}

	@ParameterizedTest
	@NullSource
	void fromWireNameRejectsNull(String name) {
		assertThatIllegalArgumentException().isThrownBy(() -> GraphExecutionEventType.fromWireName(name))
			.withMessageStartingWith("Unknown event type 'null'; expected one of ");
	}

}
