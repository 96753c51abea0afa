package io.graphstreaming.core.event;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A resource budget of the run (duration, node executions or a user budget) was used up.
 *
 * @param executionId the execution this event belongs to
 * @param graphId the id of the graph (executor) that runs
 * @param sequence the position of this event in its execution, starting at 1
 * @param timestamp when the event happened
 * @param nodeId the node that used the last of the budget, or {@code null}
 * @param budget the budget's name
 * @param limit the budget's limit
 * @param used how much was used
 */
public record ResourceBudgetExhaustedEvent(String executionId, String graphId, long sequence, Instant timestamp,
		@Nullable String nodeId, String budget, double limit, double used) implements GraphExecutionEvent {

	public ResourceBudgetExhaustedEvent {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(budget, "budget");
	}

	@Override
	public GraphExecutionEventType eventType() {
		return GraphExecutionEventType.RESOURCE_BUDGET_EXHAUSTED;
	}

}
