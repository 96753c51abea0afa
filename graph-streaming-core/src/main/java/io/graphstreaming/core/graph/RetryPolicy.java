package io.graphstreaming.core.graph;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * When and how a failed node runs again: at most {@code maxAttempts} attempts in all,
 * separated by an exponential back-off from {@code initialDelay} (times
 * {@code multiplier} per retry, capped at {@code maxDelay}) shortened by a random
 * {@code jitter} fraction, so that many executions failing together do not retry in
 * lock-step. Only errors that {@code retryOn} accepts are retried.
 *
 * <p>Errors that retrying cannot cure are never retried, whatever {@code retryOn} says:
 * an open circuit breaker, an exhausted budget, an iteration limit, a merge conflict,
 * and JVM errors. Set a policy on one node with {@link GraphNode#withRetry} or on the
 * whole graph with {@code GraphExecutor.retryPolicy}.
 *
 * @param maxAttempts attempts in all, first included; 1 means no retry
 * @param initialDelay the back-off before the first retry
 * @param maxDelay the longest back-off
 * @param multiplier how much each back-off grows, at least 1
 * @param jitter the fraction (0 to 1) by which a back-off may be randomly shortened
 * @param retryOn which errors are retried
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier, double jitter,
		Predicate<Throwable> retryOn) {

	public RetryPolicy {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1 but was " + maxAttempts);
		}
		Objects.requireNonNull(initialDelay, "initialDelay");
		Objects.requireNonNull(maxDelay, "maxDelay");
		Objects.requireNonNull(retryOn, "retryOn");
		if (initialDelay.isNegative()) {
			throw new IllegalArgumentException("initialDelay must not be negative but was " + initialDelay);
		}
		if (maxDelay.compareTo(initialDelay) < 0) {
			throw new IllegalArgumentException(
					"maxDelay (" + maxDelay + ") must not be shorter than initialDelay (" + initialDelay + ")");
		}
		if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
			throw new IllegalArgumentException("multiplier must be a finite number >= 1 but was " + multiplier);
		}
		if (!(jitter >= 0.0 && jitter <= 1.0)) {
			throw new IllegalArgumentException("jitter must be between 0 and 1 but was " + jitter);
		}
	}

	/**
	 * A builder, starting from 3 attempts, 100 ms doubling up to 10 s, jitter 0.5, every
	 * exception retried.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * A policy of {@code maxAttempts} attempts with the builder's other defaults.
	 * @param maxAttempts attempts in all
	 * @return the policy
	 */
	public static RetryPolicy maxAttempts(int maxAttempts) {
		return builder().maxAttempts(maxAttempts).build();
	}

	/**
	 * Whether an attempt that failed with an error is followed by another.
	 * @param attempt the attempt that failed, from 1
	 * @param error its error
	 * @return {@code true} to retry
	 */
	public boolean shouldRetry(int attempt, Throwable error) {
		return attempt < this.maxAttempts && !neverRetried(error) && this.retryOn.test(error);
	}

	/**
	 * The back-off before an attempt.
	 * @param attempt the attempt about to start, from 2
	 * @param random a uniform random number in [0, 1)
	 * @return the delay, between {@code (1 - jitter)} times the exponential delay and
	 * that delay
	 */
	public Duration delayBefore(int attempt, DoubleSupplier random) {
		if (attempt < 2) {
			throw new IllegalArgumentException("The first retry is attempt 2 but got " + attempt);
		}
		double nanos = this.initialDelay.toNanos() * Math.pow(this.multiplier, attempt - 2);
		nanos = Math.min(nanos, this.maxDelay.toNanos());
		nanos = nanos * (1.0 - this.jitter * random.getAsDouble());
		return Duration.ofNanos((long) nanos);
	}

	private static boolean neverRetried(Throwable error) {
		return error instanceof Error || error instanceof NotRetryable;
	}

	/**
	 * Marks errors that no retry can cure (open breaker, exhausted budget, ...).
	 */
	public interface NotRetryable {

	}

	/**
	 * Builds a {@link RetryPolicy}.
	 */
	public static final class Builder {

		private int maxAttempts = 3;

		private Duration initialDelay = Duration.ofMillis(100);

		private Duration maxDelay = Duration.ofSeconds(10);

		private double multiplier = 2.0;

		private double jitter = 0.5;

		private Predicate<Throwable> retryOn = (error) -> error instanceof Exception;

		private Builder() {
		}

		/**
		 * Attempts in all, first included.
		 * @param attempts at least 1
		 * @return this builder
		 */
		public Builder maxAttempts(int attempts) {
			this.maxAttempts = attempts;
			return this;
		}

		/**
		 * The first back-off.
		 * @param delay not negative
		 * @return this builder
		 */
		public Builder initialDelay(Duration delay) {
			this.initialDelay = delay;
			return this;
		}

		/**
		 * The longest back-off.
		 * @param delay at least the initial delay
		 * @return this builder
		 */
		public Builder maxDelay(Duration delay) {
			this.maxDelay = delay;
			return this;
		}

		/**
		 * The growth of the back-off per retry.
		 * @param factor at least 1
		 * @return this builder
		 */
		public Builder multiplier(double factor) {
			this.multiplier = factor;
			return this;
		}

		/**
		 * The random fraction by which a back-off may be shortened (0 for exact delays).
		 * @param fraction 0 to 1
		 * @return this builder
		 */
		public Builder jitter(double fraction) {
			this.jitter = fraction;
			return this;
		}

		/**
		 * Which errors are retried.
		 * @param predicate the test
		 * @return this builder
		 */
		public Builder retryOn(Predicate<Throwable> predicate) {
			this.retryOn = Objects.requireNonNull(predicate, "predicate");
			return this;
		}

		/**
		 * Retries only errors of these types (and their subclasses).
		 * @param types the error types
		 * @return this builder
		 */
		@SafeVarargs
		public final Builder retryOn(Class<? extends Throwable>... types) {
			Class<? extends Throwable>[] copy = types.clone();
			return retryOn((error) -> {
				for (Class<? extends Throwable> type : copy) {
					if (type.isInstance(error)) {
						return true;
					}
				}
				return false;
			});
		}

		/**
		 * Builds the policy.
		 * @return the policy
		 * @throws IllegalArgumentException naming an invalid setting
		 */
		public RetryPolicy build() {
			return new RetryPolicy(this.maxAttempts, this.initialDelay, this.maxDelay, this.multiplier, this.jitter,
					this.retryOn);
		}

	}

}
