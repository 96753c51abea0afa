package io.graphstreaming.spring.metrics;

import java.util.Objects;

/**
 * The error an event reported, as an observation's {@linkplain
 * io.micrometer.observation.Observation#error(Throwable) error}: events carry the type
 * and message of a node's or an execution's error, not the throwable itself, which stays
 * in the engine. A tracer records it on the span (type and message in the message); it
 * has no stack trace.
 */
public final class ReportedError extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String errorType;

	/**
	 * Creates the error.
	 * @param errorType the simple class name of the original error, as the event gives it
	 * @param errorMessage its message
	 */
	public ReportedError(String errorType, String errorMessage) {
		super(Objects.requireNonNull(errorType, "errorType") + ": "
				+ Objects.requireNonNull(errorMessage, "errorMessage"), null, false, false);
		this.errorType = errorType;
	}

	/**
	 * The type of the original error.
	 * @return its simple class name, as the event gave it
	 */
	public String errorType() {
		return this.errorType;
	}

}
