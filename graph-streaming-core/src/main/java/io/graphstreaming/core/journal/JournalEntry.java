package io.graphstreaming.core.journal;

import java.util.Objects;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.event.GraphExecutionEvent;

/**
 * One event as the journal holds it, with room for its serialized form. The first
 * consumer that needs bytes (a transport, a spill segment) serializes the event once;
 * every other consumer of the same event reuses those bytes. In-process consumers never
 * pay for serialization.
 */
public final class JournalEntry {

	private final GraphExecutionEvent event;

	private volatile @Nullable Object serializer;

	private volatile byte @Nullable [] bytes;

	/**
	 * Wraps a sequenced event.
	 * @param event the event
	 */
	public JournalEntry(GraphExecutionEvent event) {
		this.event = Objects.requireNonNull(event, "event");
	}

	/**
	 * The event.
	 * @return the event
	 */
	public GraphExecutionEvent event() {
		return this.event;
	}

	/**
	 * The event's sequence number.
	 * @return the sequence
	 */
	public long sequence() {
		return this.event.sequence();
	}

	/**
	 * The serialized form made by {@code serializer}, computed at most once per serializer
	 * in the common case (two threads racing may both compute it; both results are equal
	 * and either is kept, as with {@link String#hashCode()}).
	 * @param serializer a stable serializer instance, typically one per application
	 * @return the bytes; callers must not modify them
	 */
	public byte[] serialized(Function<GraphExecutionEvent, byte[]> serializer) {
		byte[] cached = this.bytes;
		if (cached != null && this.serializer == serializer) {
			return cached;
		}
		byte[] computed = serializer.apply(this.event);
		this.bytes = null;
		this.serializer = serializer;
		this.bytes = computed;
		return computed;
	}

	@Override
	public String toString() {
		return "JournalEntry[" + this.event + "]";
	}

}
