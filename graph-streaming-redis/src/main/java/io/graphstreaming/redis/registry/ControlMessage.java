package io.graphstreaming.redis.registry;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A message on the control channel: for now one kind, "cancel this execution".
 * Encoded as {@code cancel <executionId> <reason>} (the id has no spaces).
 *
 * @param type the kind
 * @param executionId the execution
 * @param reason the reason
 */
record ControlMessage(String type, String executionId, String reason) {

	static final String CANCEL = "cancel";

	ControlMessage {
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(reason, "reason");
	}

	static ControlMessage cancel(String executionId, String reason) {
		return new ControlMessage(CANCEL, executionId, reason);
	}

	String encode() {
		return this.type + " " + this.executionId + " " + this.reason;
	}

	static @Nullable ControlMessage decode(String message) {
		int first = message.indexOf(' ');
		int second = (first < 0) ? -1 : message.indexOf(' ', first + 1);
		if (second < 0) {
			return null;
		}
		return new ControlMessage(message.substring(0, first), message.substring(first + 1, second),
				message.substring(second + 1));
	}

}
