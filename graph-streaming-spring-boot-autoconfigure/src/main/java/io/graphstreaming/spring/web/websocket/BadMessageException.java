package io.graphstreaming.spring.web.websocket;

/**
 * A client message the socket refuses, answered with
 * {@code {"type":"error","status":<status>,"detail":"<message>"}}. The message is meant
 * for the client: it names the problem, never an exception class or a stack trace.
 */
final class BadMessageException extends RuntimeException {

	private final int status;

	/**
	 * Creates the exception.
	 * @param status the HTTP-like status of the error message (400, 404, 409, 410, ...)
	 * @param detail what is wrong, for the client
	 */
	BadMessageException(int status, String detail) {
		super(detail, null, false, false);
		this.status = status;
	}

	/**
	 * The status sent to the client.
	 * @return the status
	 */
	int status() {
		return this.status;
	}

}
