package io.graphstreaming.core.execution;

/**
 * No execution with that id is known (never existed, or belongs to another graph).
 */
public class ExecutionNotFoundException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param executionId the id asked for
	 */
	public ExecutionNotFoundException(String executionId) {
		super("No execution '" + executionId + "'");
	}

}
