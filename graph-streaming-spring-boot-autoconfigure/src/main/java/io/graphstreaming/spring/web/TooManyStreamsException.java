package io.graphstreaming.spring.web;

import java.time.Duration;

/**
 * A stream was refused because the configured number of concurrent streams is open, in
 * total or to the client. Answered with 429 and {@code Retry-After}.
 */
public class TooManyStreamsException extends RuntimeException {

	private final Duration retryAfter;

	/**
	 * Creates the exception.
	 * @param limit the limit reached
	 * @param retryAfter when the client may try again
	 */
	public TooManyStreamsException(int limit, Duration retryAfter) {
		this("Too many concurrent streams: the limit is " + limit, retryAfter);
	}

	/**
	 * Creates the exception.
	 * @param detail what limit was reached, for the client
	 * @param retryAfter when the client may try again
	 */
	public TooManyStreamsException(String detail, Duration retryAfter) {
		super(detail, null, false, false);
		this.retryAfter = retryAfter;
	}

	/**
	 * When the client may try again.
	 * @return the delay
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}
