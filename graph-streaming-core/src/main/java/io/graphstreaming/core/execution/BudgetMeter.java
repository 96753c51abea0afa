package io.graphstreaming.core.execution;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one run has used of its user budgets. Nodes of parallel branches draw on it
 * concurrently, so every change is under the meter's lock; going over a limit is
 * reported once, through the run.
 */
final class BudgetMeter {

	private final ExecutionBudget budget;

	private final Exhaustion exhaustion;

	private final Map<String, Double> used = new LinkedHashMap<>();

	BudgetMeter(ExecutionBudget budget, Exhaustion exhaustion) {
		this.budget = budget;
		this.exhaustion = exhaustion;
		budget.limits().keySet().forEach((name) -> this.used.put(name, 0.0));
	}

	ExecutionBudget budget() {
		return this.budget;
	}

	/**
	 * Draws an amount from a budget.
	 * @return what is left
	 * @throws ResourceBudgetExhaustedException when the total goes over the limit
	 */
	double consume(String nodeId, String name, double amount) {
		Double limit = this.budget.limits().get(name);
		if (limit == null) {
			throw new IllegalArgumentException("Node '" + nodeId + "' consumed budget '" + name
					+ "' but the execution has no such budget; configured budgets: "
					+ (this.budget.limits().isEmpty() ? "none" : String.join(", ", this.budget.limits().keySet())));
		}
		if (!(amount >= 0) || Double.isInfinite(amount)) {
			throw new IllegalArgumentException("Node '" + nodeId + "' consumed " + amount + " of budget '" + name
					+ "'; an amount must be a finite number >= 0");
		}
		double total;
		synchronized (this) {
			total = this.used.merge(name, amount, Double::sum);
		}
		if (total > limit) {
			throw this.exhaustion.exhausted(nodeId, name, limit, total);
		}
		return limit - total;
	}

	synchronized Map<String, Double> usage() {
		return new LinkedHashMap<>(this.used);
	}

	synchronized void restore(Map<String, Double> usage) {
		usage.forEach((name, amount) -> {
			if (this.used.containsKey(name)) {
				this.used.put(name, amount);
			}
		});
	}

	/**
	 * Reports a budget used up; returns the exception to throw to the node.
	 */
	@FunctionalInterface
	interface Exhaustion {

		ResourceBudgetExhaustedException exhausted(String nodeId, String budget, double limit, double used);

	}

}
