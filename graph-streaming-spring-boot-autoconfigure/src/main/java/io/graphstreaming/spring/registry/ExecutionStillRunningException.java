package io.graphstreaming.spring.registry;

/**
 * An execution cannot be resumed while it runs: two runs would go on from the same
 * point. Cancel it and let it end first. Transports answer 409.
 */
public class ExecutionStillRunningException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param graphId the graph
	 * @param executionId the execution that still runs
	 */
	public ExecutionStillRunningException(String graphId, String executionId) {
		super("Execution '" + executionId + "' of graph '" + graphId
				+ "' is still running; cancel it and let it end before resuming it from a checkpoint");
	}

}
