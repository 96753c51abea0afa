package io.graphstreaming.sample;

/**
 * The simulated outage of the external service behind the {@code agent} graph's
 * {@code weather/forecast} node, which fails with it {@code weatherFailures} times (an
 * input) before it answers. The node's retry policy retries only this exception, and
 * only this exception counts as a failure for the node's circuit breaker.
 */
public class ServiceUnavailableException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param service the service that failed
	 * @param attempt the attempt that failed, from 1
	 */
	public ServiceUnavailableException(String service, int attempt) {
		super("Service '" + service + "' answered 503 Service Unavailable (simulated, attempt " + attempt + ")");
	}

}
