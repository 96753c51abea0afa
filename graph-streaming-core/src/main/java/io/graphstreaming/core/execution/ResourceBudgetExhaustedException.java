package io.graphstreaming.core.execution;

import io.graphstreaming.core.graph.RetryPolicy;

/**
 * A resource budget of the execution was used up; the run ends as the budget's
 * {@link ExecutionBudget.OnExhausted} setting says. Thrown to the node whose
 * {@code NodeContext.consume} call went over the limit, so that it stops at once.
 */
public class ResourceBudgetExhaustedException extends RuntimeException implements RetryPolicy.NotRetryable {

	private final String budget;

	private final double limit;

	private final double used;

	/**
	 * Creates the exception.
	 * @param budget the budget's name
	 * @param limit its limit
	 * @param used what was used, over the limit
	 */
	public ResourceBudgetExhaustedException(String budget, double limit, double used) {
		super("Resource budget '" + budget + "' exhausted: used " + format(used) + " of " + format(limit));
		this.budget = budget;
		this.limit = limit;
		this.used = used;
	}

	static String format(double value) {
		return (value == Math.rint(value) && Math.abs(value) < 1e15) ? Long.toString((long) value)
				: Double.toString(value);
	}

	/**
	 * The budget's name: {@code duration} (milliseconds), {@code node-executions}, or a
	 * user budget's name.
	 * @return the name
	 */
	public String budget() {
		return this.budget;
	}

	/**
	 * The limit.
	 * @return the limit
	 */
	public double limit() {
		return this.limit;
	}

	/**
	 * What was used.
	 * @return the amount
	 */
	public double used() {
		return this.used;
	}

}
