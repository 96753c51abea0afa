package io.graphstreaming.core.execution;

import io.graphstreaming.core.graph.RetryPolicy;

/**
 * A node in a cycle was about to run more often than its
 * {@code GraphNode.withMaxIterations} limit allows.
 */
public class IterationLimitExceededException extends RuntimeException implements RetryPolicy.NotRetryable {

	/**
	 * Creates the exception.
	 * @param nodeId the node (with its subgraph path)
	 * @param limit the limit
	 */
	public IterationLimitExceededException(String nodeId, int limit) {
		super("Node '" + nodeId + "' reached its limit of " + limit + " iterations in this execution; "
				+ "route out of the loop earlier or raise withMaxIterations");
	}

}
