package io.graphstreaming.spring.client;

import org.jspecify.annotations.Nullable;

/**
 * A {@link GraphStreamClient} request or stream failed for good: the server refused it
 * (a 4xx answer, a WebSocket error message) or the reconnect attempts ran out. The
 * message says what happened, where
 * ({@code host:port}), after how many reconnect attempts, and the last cause.
 */
public class GraphStreamClientException extends RuntimeException {

	private final String address;

	private final int statusCode;

	private final int reconnectAttempts;

	private final boolean executionMayHaveStarted;

	/**
	 * Creates an exception.
	 * @param message what happened, naming the address, attempts and last cause
	 * @param cause the last cause, if any
	 * @param address the server's {@code host:port}
	 * @param statusCode the HTTP (or WebSocket error message) status that ended the
	 * stream, or 0 when none did
	 * @param reconnectAttempts reconnect attempts made in a row before giving up
	 * @param executionMayHaveStarted whether the stream gave up on starting an execution
	 * after a start request that was cut off after it was sent (or answered with a 5xx
	 * other than 503), so that the server may run an execution whose id the client never
	 * learnt
	 */
	public GraphStreamClientException(String message, @Nullable Throwable cause, String address, int statusCode,
			int reconnectAttempts, boolean executionMayHaveStarted) {
		super(message, cause);
		this.address = address;
		this.statusCode = statusCode;
		this.reconnectAttempts = reconnectAttempts;
		this.executionMayHaveStarted = executionMayHaveStarted;
	}

	/**
	 * The server's address.
	 * @return {@code host:port}
	 */
	public String address() {
		return this.address;
	}

	/**
	 * The status of the answer that ended the request or stream.
	 * @return the HTTP status (or a WebSocket error message's status), 0 when the failure
	 * was not an answer (a network failure, a timeout)
	 */
	public int statusCode() {
		return this.statusCode;
	}

	/**
	 * Reconnect attempts made in a row before the stream gave up.
	 * @return the count; 0 for a failure that is not retried
	 */
	public int reconnectAttempts() {
		return this.reconnectAttempts;
	}

	/**
	 * Whether the stream gave up on starting its execution after a start request that
	 * may have reached the server (cut off after it was sent, or a 5xx other than 503):
	 * the server may run an execution whose id the client never learnt. The client
	 * repeats start requests with the same {@code Idempotency-Key}, so a graph never runs
	 * twice for one subscription; this only tells that it may have run once.
	 * @return {@code true} for an uncertain start
	 */
	public boolean executionMayHaveStarted() {
		return this.executionMayHaveStarted;
	}

}
