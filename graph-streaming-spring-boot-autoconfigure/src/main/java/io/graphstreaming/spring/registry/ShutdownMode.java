package io.graphstreaming.spring.registry;

/**
 * What happens to running executions when the application stops.
 */
public enum ShutdownMode {

	/** Every running execution is cancelled at once and ends with {@code ExecutionCancelled}. */
	CANCEL,

	/**
	 * Running executions may finish within the shutdown grace period; those still running
	 * after it are cancelled.
	 */
	DRAIN

}
