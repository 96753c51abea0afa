package io.graphstreaming.core.stream;

import java.util.Objects;

/**
 * A change of a stream's status, with why it happened.
 *
 * @param previous the status before
 * @param current the status now
 * @param reason a short explanation, for example {@code "consumer cancelled"}
 */
public record StreamStatusChange(StreamStatus previous, StreamStatus current, String reason) {

	public StreamStatusChange {
		Objects.requireNonNull(previous, "previous");
		Objects.requireNonNull(current, "current");
		Objects.requireNonNull(reason, "reason");
	}

}
