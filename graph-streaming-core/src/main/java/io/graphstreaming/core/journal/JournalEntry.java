package io.graphstreaming.core.journal;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.codec.CompressionCodec;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.options.CompressionAlgorithm;

/**
 * One event as the journal holds it, with room for its serialized form. The first
 * consumer that needs bytes (a transport, a spill segment) serializes the event once;
 * every other consumer of the same event reuses those bytes. In-process consumers never
 * pay for serialization. The same holds for compression: the first consumer that needs
 * the event compressed with an algorithm compresses it, once, and the others reuse that.
 */
public final class JournalEntry {

	private final GraphExecutionEvent event;

	private volatile @Nullable Object serializer;

	private volatile byte @Nullable [] bytes;

	private volatile @Nullable CompressedForms compressed;

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

	/**
	 * The serialized form made by {@code serializer}, compressed by {@code codec}. Each
	 * algorithm's form is computed at most once per serialized form (concurrent callers
	 * wait for the one computing it) and kept with the entry; a codec of the same
	 * algorithm with other parameters reuses the form already made.
	 * @param serializer a stable serializer instance, as for {@link #serialized(Function)}
	 * @param codec the codec
	 * @return the compressed bytes; callers must not modify them
	 */
	public byte[] compressed(Function<GraphExecutionEvent, byte[]> serializer, CompressionCodec codec) {
		if (codec.algorithm() == CompressionAlgorithm.NONE) {
			return serialized(serializer);
		}
		CompressedForms forms = this.compressed;
		if (forms == null || forms.serializer != serializer) {
			synchronized (this) {
				forms = this.compressed;
				if (forms == null || forms.serializer != serializer) {
					forms = new CompressedForms(serializer, serialized(serializer));
					this.compressed = forms;
				}
			}
		}
		return forms.get(codec);
	}

	@Override
	public String toString() {
		return "JournalEntry[" + this.event + "]";
	}

	/**
	 * The compressed forms of one serializer's bytes, one slot per algorithm.
	 */
	private static final class CompressedForms {

		private final Object serializer;

		private final byte[] source;

		private final AtomicReferenceArray<byte[]> forms = new AtomicReferenceArray<>(
				CompressionAlgorithm.values().length);

		CompressedForms(Object serializer, byte[] source) {
			this.serializer = serializer;
			this.source = source;
		}

		byte[] get(CompressionCodec codec) {
			int slot = codec.algorithm().ordinal();
			byte[] form = this.forms.get(slot);
			if (form != null) {
				return form;
			}
			synchronized (this) {
				form = this.forms.get(slot);
				if (form == null) {
					form = codec.compress(this.source);
					this.forms.set(slot, form);
				}
				return form;
			}
		}

	}

}
