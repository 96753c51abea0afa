package io.graphstreaming.spring.registry;

/**
 * The store that shares executions between instances (see {@link ExecutionSharing}) did
 * not answer in time. Over HTTP it is a 503 with {@code Retry-After}: the request may
 * succeed once the store is back.
 */
public class SharedStoreUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message what could not be done, safe to show a client (no host names)
	 * @param cause the store's error
	 */
	public SharedStoreUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
