package io.graphstreaming.core.event;

import java.time.Instant;
import java.util.Objects;

/**
 * Sent to a consumer while no event has passed for the heartbeat interval. Not part of
 * the execution's sequence.
 *
 * @param timestamp when the heartbeat was produced
 */
public record Heartbeat(Instant timestamp) implements StreamItem {

	public Heartbeat {
		Objects.requireNonNull(timestamp, "timestamp");
	}

}
