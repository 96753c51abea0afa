package io.graphstreaming.core.execution;

import io.graphstreaming.core.graph.RetryPolicy;

/**
 * A node's circuit breaker rejected the call: it is open (or half-open with its trial
 * calls taken), so the node fails fast instead of calling a service that keeps failing.
 */
public class CircuitBreakerOpenException extends RuntimeException implements RetryPolicy.NotRetryable {

	/**
	 * Creates the exception.
	 * @param nodeId the node
	 * @param breaker the breaker's name
	 * @param state the breaker's state
	 * @param cause resilience4j's rejection
	 */
	public CircuitBreakerOpenException(String nodeId, String breaker, String state, Throwable cause) {
		super("Circuit breaker '" + breaker + "' of node '" + nodeId + "' is " + state
				+ ": the call was rejected without running the node", cause);
	}

}
