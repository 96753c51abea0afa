package io.graphstreaming.core.stream;

/**
 * The state of one consumer's stream. An in-process stream goes
 * {@code NOT_STARTED -> ACTIVE (<-> BUFFERING) -> COMPLETED | FAILED | CANCELLED}. A remote
 * stream (one whose events come over a network connection, such as the Spring module's
 * {@code GraphStreamClient}) goes {@code NOT_STARTED -> CONNECTING -> CONNECTED ->
 * (RECONNECTING -> CONNECTED)* -> COMPLETED | FAILED | CANCELLED}. Every change carries a
 * reason ({@link StreamStatusChange#reason()}).
 */
public enum StreamStatus {

	/** Not subscribed yet. */
	NOT_STARTED,

	/** Receiving events, less than the buffer size behind. */
	ACTIVE,

	/** More than the buffer size behind: backpressure is building up. */
	BUFFERING,

	/** A remote stream is opening its first connection. */
	CONNECTING,

	/** A remote stream's connection is open and events flow over it. */
	CONNECTED,

	/** A remote stream lost its connection and is opening a new one to resume. */
	RECONNECTING,

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
