package io.graphstreaming.spring.registry;

/**
 * An {@code Idempotency-Key} came back with another input than the request that first
 * used it: the server will not guess which one the client meant (422).
 */
public class IdempotencyKeyReusedException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param graphId the graph
	 * @param executionId the execution the key started
	 */
	public IdempotencyKeyReusedException(String graphId, String executionId) {
		super("This Idempotency-Key already started execution '" + executionId + "' of graph '" + graphId
				+ "' with another input; use a new key for a new execution");
	}

}
