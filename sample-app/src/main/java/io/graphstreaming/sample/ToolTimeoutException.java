package io.graphstreaming.sample;

/**
 * The simulated timeout of the {@code agent} graph's {@code search} tool, which fails
 * with it {@code failures} times (an input) before it answers. The tool's retry policy
 * retries only this exception; its simple name is the {@code errorType} of the
 * {@code RetryAttempted} events.
 */
public class ToolTimeoutException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param tool the tool that timed out
	 * @param afterMs how long it waited
	 * @param attempt the attempt that failed, from 1
	 */
	public ToolTimeoutException(String tool, long afterMs, int attempt) {
		super("Tool '" + tool + "' timed out after " + afterMs + " ms (simulated, attempt " + attempt + ")");
	}

}
