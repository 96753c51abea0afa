package io.graphstreaming.core.execution;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The resources one execution may use: a total duration, a number of node executions
 * (retries and subgraph nodes included), and user budgets that nodes draw on with
 * {@code NodeContext.consume} (tokens, cost, API calls). Going over a limit emits
 * {@code ResourceBudgetExhausted} and ends the run as {@link #onExhausted()} says;
 * running nodes and branches are cancelled.
 *
 * @param maxDuration the longest run, or {@code null} for no limit
 * @param maxNodeExecutions the most node executions, or 0 for no limit
 * @param limits user budgets by name
 * @param onExhausted how the run ends when a budget is used up
 */
public record ExecutionBudget(@Nullable Duration maxDuration, int maxNodeExecutions, Map<String, Double> limits,
		OnExhausted onExhausted) {

	/** The name of the duration budget in events (its amounts are milliseconds). */
	public static final String DURATION = "duration";

	/** The name of the node-executions budget in events. */
	public static final String NODE_EXECUTIONS = "node-executions";

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

	private static final ExecutionBudget UNLIMITED = new ExecutionBudget(null, 0, Map.of(), OnExhausted.FAIL);

	public ExecutionBudget {
		if (maxDuration != null && (maxDuration.isNegative() || maxDuration.isZero())) {
			throw new IllegalArgumentException("maxDuration must be strictly positive but was " + maxDuration);
		}
		if (maxNodeExecutions < 0) {
			throw new IllegalArgumentException("maxNodeExecutions must not be negative but was " + maxNodeExecutions);
		}
		Objects.requireNonNull(onExhausted, "onExhausted");
		Map<String, Double> copy = new LinkedHashMap<>();
		limits.forEach((name, limit) -> {
			if (!NAME.matcher(name).matches() || DURATION.equals(name) || NODE_EXECUTIONS.equals(name)) {
				throw new IllegalArgumentException("Invalid budget name '" + name
						+ "': use 1 to 64 letters, digits, '-', '_' or '.', other than 'duration' and 'node-executions'");
			}
			if (limit == null || !(limit >= 0) || limit.isInfinite()) {
				throw new IllegalArgumentException(
						"The limit of budget '" + name + "' must be a finite number >= 0 but was " + limit);
			}
			copy.put(name, limit);
		});
		limits = Collections.unmodifiableMap(copy);
	}

	/**
	 * No limits.
	 * @return the unlimited budget
	 */
	public static ExecutionBudget unlimited() {
		return UNLIMITED;
	}

	/**
	 * A builder.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Whether any limit is set.
	 * @return {@code true} if the run must be metered
	 */
	public boolean isLimited() {
		return this.maxDuration != null || this.maxNodeExecutions > 0 || !this.limits.isEmpty();
	}

	/**
	 * How a run ends when a budget is used up.
	 */
	public enum OnExhausted {

		/** {@code ExecutionFailed} with a {@link ResourceBudgetExhaustedException}. The default. */
		FAIL,

		/** {@code ExecutionCancelled}, the reason naming the budget. */
		CANCEL,

		/** {@code ExecutionCompleted} with the state as it was when the budget ran out. */
		COMPLETE

	}

	/**
	 * Builds an {@link ExecutionBudget}.
	 */
	public static final class Builder {

		private @Nullable Duration maxDuration;

		private int maxNodeExecutions;

		private final Map<String, Double> limits = new LinkedHashMap<>();

		private OnExhausted onExhausted = OnExhausted.FAIL;

		private Builder() {
		}

		/**
		 * The longest run, measured from its start.
		 * @param duration strictly positive
		 * @return this builder
		 */
		public Builder maxDuration(Duration duration) {
			this.maxDuration = Objects.requireNonNull(duration, "duration");
			return this;
		}

		/**
		 * The most node executions (each attempt of a retried node counts).
		 * @param executions strictly positive
		 * @return this builder
		 */
		public Builder maxNodeExecutions(int executions) {
			if (executions <= 0) {
				throw new IllegalArgumentException("maxNodeExecutions must be strictly positive but was " + executions);
			}
			this.maxNodeExecutions = executions;
			return this;
		}

		/**
		 * A user budget that nodes draw on with {@code NodeContext.consume(name, amount)}.
		 * @param name the budget's name, for example {@code tokens}
		 * @param limit the amount available
		 * @return this builder
		 */
		public Builder limit(String name, double limit) {
			Objects.requireNonNull(name, "name");
			this.limits.put(name, limit);
			return this;
		}

		/**
		 * How the run ends when a budget is used up.
		 * @param action the action
		 * @return this builder
		 */
		public Builder onExhausted(OnExhausted action) {
			this.onExhausted = Objects.requireNonNull(action, "action");
			return this;
		}

		/**
		 * Builds the budget.
		 * @return the budget
		 * @throws IllegalArgumentException naming an invalid limit
		 */
		public ExecutionBudget build() {
			return new ExecutionBudget(this.maxDuration, this.maxNodeExecutions, this.limits, this.onExhausted);
		}

	}

}
