package io.graphstreaming.spring.web;

import java.time.Duration;

/**
 * A client tried to start more executions per minute than it may (see
 * {@link ExecutionRateLimiter}). Answered with 429 and {@code Retry-After}.
 */
public class ExecutionRateExceededException extends RuntimeException {

	private final Duration retryAfter;

	/**
	 * Creates the exception.
	 * @param perMinute the allowance reached
	 * @param retryAfter when the client may start the next one
	 */
	public ExecutionRateExceededException(int perMinute, Duration retryAfter) {
		super("Too many executions started by this client: the limit is " + perMinute + " per minute", null, false,
				false);
		this.retryAfter = retryAfter;
	}

	/**
	 * When the client may start the next execution.
	 * @return the delay
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}
