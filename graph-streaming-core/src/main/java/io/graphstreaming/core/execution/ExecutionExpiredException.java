package io.graphstreaming.core.execution;

/**
 * The execution existed but its retention has passed: its events are no longer kept.
 * Transports answer 410 Gone.
 */
public class ExecutionExpiredException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param executionId the id asked for
	 */
	public ExecutionExpiredException(String executionId) {
		super("Execution '" + executionId + "' has ended and its events are no longer kept");
	}

}
