package io.graphstreaming.core.stream;

/**
 * The state of one consumer's stream.
 */
public enum StreamStatus {

	/** Not subscribed yet. */
	NOT_STARTED,

	/** Receiving events, less than the buffer size behind. */
	ACTIVE,

	/** More than the buffer size behind: backpressure is building up. */
	BUFFERING,

	/** Ended after an {@code ExecutionCompleted} event. */
	COMPLETED,

	/** Ended after an {@code ExecutionFailed} event, or with an error. */
	FAILED,

	/** Ended after an {@code ExecutionCancelled} event, or cancelled by the consumer. */
	CANCELLED;

	/**
	 * Whether the stream has ended.
	 * @return {@code true} for completed, failed and cancelled
	 */
	public boolean isTerminal() {
		return this == COMPLETED || this == FAILED || this == CANCELLED;
	}

}
