package io.graphstreaming.core.execution;

/**
 * A new execution was refused because the registry is shutting down (see
 * {@link ExecutionRegistry#refuseNewExecutions()}): the application is stopping and lets
 * no new work in while it cancels or drains what runs. Transports answer 503 with
 * {@code Retry-After}, since another instance (or this one, restarted) may serve the
 * retry.
 */
public class RegistryShutdownException extends IllegalStateException {

	/**
	 * Creates the exception.
	 */
	public RegistryShutdownException() {
		super("The application is shutting down and starts no new executions");
	}

}
