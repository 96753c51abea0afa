package io.graphstreaming.core.execution;

import java.util.Locale;

/**
 * Where an execution is in its life.
 */
public enum ExecutionStatus {

	/** Created, waiting for its first consumer or an explicit start. */
	CREATED,

	/** Running. */
	RUNNING,

	/** Ended with {@code ExecutionCompleted}. */
	COMPLETED,

	/** Ended with {@code ExecutionFailed}. */
	FAILED,

	/** Ended with {@code ExecutionCancelled}. */
	CANCELLED;

	/**
	 * Whether the execution has ended.
	 * @return {@code true} for completed, failed and cancelled
	 */
	public boolean isFinished() {
		return this == COMPLETED || this == FAILED || this == CANCELLED;
	}

	/**
	 * The lower-case name used on the wire ({@code running}, {@code completed}, ...); a
	 * created execution reports {@code running}, since it starts as soon as it is
	 * consumed.
	 * @return the wire value
	 */
	public String wireValue() {
		return (this == CREATED) ? "running" : name().toLowerCase(Locale.ROOT);
	}

}
