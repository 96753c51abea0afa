package io.graphstreaming.sample;

/**
 * The transient failure the {@code synthetic} graph injects when its input asks for
 * {@code retries}: each step, branch and loop node fails with it that many times, and
 * the nodes' retry policy (which retries only this exception) runs it again. Its simple
 * name is the {@code errorType} of the {@code RetryAttempted} events.
 */
public class SyntheticRetryableException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param nodeId the node that fails
	 * @param attempt the attempt that fails, from 1
	 * @param retries the input's {@code retries}
	 */
	public SyntheticRetryableException(String nodeId, int attempt, int retries) {
		super("Synthetic transient failure of node '" + nodeId + "' at attempt " + attempt + " (input retries="
				+ retries + ")");
	}

}
