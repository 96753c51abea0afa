package io.graphstreaming.core.execution;

/**
 * A new execution was refused because the configured number of concurrent executions is
 * running. Transports answer 429 with {@code Retry-After}.
 */
public class ExecutionLimitExceededException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param limit the limit that was reached
	 */
	public ExecutionLimitExceededException(int limit) {
		super("Too many concurrent executions: the limit is " + limit);
	}

}
