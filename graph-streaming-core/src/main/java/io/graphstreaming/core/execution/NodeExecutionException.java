package io.graphstreaming.core.execution;

/**
 * Carries a node's failure up the run so that {@code ExecutionFailed} can name the node
 * and the original error.
 */
final class NodeExecutionException extends RuntimeException {

	private final String nodeId;

	NodeExecutionException(String nodeId, Throwable cause) {
		super(cause.getMessage(), cause, false, false);
		this.nodeId = nodeId;
	}

	String nodeId() {
		return this.nodeId;
	}

}
