package io.graphstreaming.sample;

/**
 * The failure the {@code synthetic} graph injects at the node execution its input's
 * {@code failAt} names. Its simple name is the {@code errorType} of the resulting
 * {@code NodeFailed} and {@code ExecutionFailed} events.
 */
public class SyntheticFailureException extends RuntimeException {

	private final int index;

	/**
	 * Creates the exception.
	 * @param index the 0-based index of the node execution that fails
	 */
	public SyntheticFailureException(int index) {
		super("Synthetic failure at node index " + index + " (input failAt=" + index + ")");
		this.index = index;
	}

	/**
	 * The node execution that failed.
	 * @return its 0-based index
	 */
	public int index() {
		return this.index;
	}

}
