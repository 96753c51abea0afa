package io.graphstreaming.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.stream.LongStream;

import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeStartedEvent;

/**
 * Views of event lists that make assertions read like the contract, and synthetic events
 * for journal-level tests.
 */
public final class TestEvents {

	private TestEvents() {
	}

	/**
	 * The wire names of events, in order.
	 * @param events the events
	 * @return e.g. {@code ExecutionStarted, NodeEntered, ...}
	 */
	public static List<String> wireNames(Collection<? extends GraphExecutionEvent> events) {
		return events.stream().map((event) -> event.eventType().wireName()).toList();
	}

	/**
	 * The sequences of events, in order.
	 * @param events the events
	 * @return the sequences
	 */
	public static List<Long> sequences(Collection<? extends GraphExecutionEvent> events) {
		return events.stream().map(GraphExecutionEvent::sequence).toList();
	}

	/**
	 * The sequences from one number to another, both included.
	 * @param from the first
	 * @param to the last
	 * @return {@code from, from + 1, ..., to}
	 */
	public static List<Long> range(long from, long to) {
		return LongStream.rangeClosed(from, to).boxed().toList();
	}

	/**
	 * A non-terminal event of execution {@code exec}, node {@code n}.
	 * @param sequence its sequence
	 * @return the event
	 */
	public static GraphExecutionEvent nodeStarted(long sequence) {
		return new NodeStartedEvent("exec", "g", sequence, Instant.EPOCH, "n");
	}

	/**
	 * The terminal event of execution {@code exec}.
	 * @param sequence its sequence
	 * @return the event
	 */
	public static GraphExecutionEvent completed(long sequence) {
		return new ExecutionCompletedEvent("exec", "g", sequence, Instant.EPOCH, Duration.ZERO, null);
	}

}
