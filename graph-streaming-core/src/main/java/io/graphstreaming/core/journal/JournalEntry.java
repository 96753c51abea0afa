package io.graphstreaming.core.journal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
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
 *
 * <p>An entry made by an {@link ExecutionJournal} counts the bytes it caches (its
 * serialized form and its compressed forms) in the journal's
 * {@linkplain ExecutionJournal#memoryBytes() memory bytes} while the journal holds it in
 * memory, and takes them out, once, when it leaves memory (trimmed or spilled); bytes
 * cached after that are not counted.
 */
public final class JournalEntry {

	/** The value of {@link #heldBytes} once the entry has left its journal's memory. */
	private static final long RELEASED = Long.MIN_VALUE;

	private static final VarHandle HELD_BYTES;

	static {
		try {
			HELD_BYTES = MethodHandles.lookup().findVarHandle(JournalEntry.class, "heldBytes", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final GraphExecutionEvent event;

	/** The journal's count of cached bytes, or {@code null} for an entry no journal holds. */
	private final @Nullable AtomicLong memoryBytes;

	private volatile @Nullable Object serializer;

	private volatile byte @Nullable [] bytes;

	private volatile @Nullable CompressedForms compressed;

	/** Bytes of this entry counted in {@link #memoryBytes}, or {@link #RELEASED}. */
	@SuppressWarnings("unused") // accessed through HELD_BYTES
	private volatile long heldBytes;

	/**
	 * Wraps a sequenced event, counting its cached bytes nowhere.
	 * @param event the event
	 */
	public JournalEntry(GraphExecutionEvent event) {
		this(event, null);
	}

	/**
	 * Wraps a sequenced event held in a journal's memory.
	 * @param event the event
	 * @param memoryBytes where to count the bytes it caches, or {@code null}
	 */
	JournalEntry(GraphExecutionEvent event, @Nullable AtomicLong memoryBytes) {
		this.event = Objects.requireNonNull(event, "event");
		this.memoryBytes = memoryBytes;
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
	 * in the common case (two threads racing may both compute it; the first to finish is
	 * kept and returned to both).
	 * @param serializer a stable serializer instance, typically one per application
	 * @return the bytes; callers must not modify them
	 */
	public byte[] serialized(Function<GraphExecutionEvent, byte[]> serializer) {
		byte[] cached = this.bytes;
		if (cached != null && this.serializer == serializer) {
			return cached;
		}
		byte[] computed = serializer.apply(this.event);
		synchronized (this) {
			cached = this.bytes;
			if (cached != null && this.serializer == serializer) {
				return cached;
			}
			this.bytes = null;
			this.serializer = serializer;
			this.bytes = computed;
			hold(computed.length - ((cached != null) ? cached.length : 0));
		}
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
					CompressedForms previous = forms;
					forms = new CompressedForms(serializer, serialized(serializer));
					this.compressed = forms;
					if (previous != null) {
						previous.discard();
					}
				}
			}
		}
		return forms.get(codec);
	}

	/**
	 * Counts {@code delta} more cached bytes, unless the entry has left memory. A growth
	 * is added to the journal's count before the entry's, so the count never dips below
	 * what the journal holds.
	 */
	private void hold(long delta) {
		AtomicLong count = this.memoryBytes;
		if (count == null || delta == 0) {
			return;
		}
		if (delta > 0) {
			count.addAndGet(delta);
		}
		long held;
		do {
			held = (long) HELD_BYTES.getVolatile(this);
			if (held == RELEASED) {
				if (delta > 0) {
					count.addAndGet(-delta);
				}
				return;
			}
		}
		while (!HELD_BYTES.compareAndSet(this, held, held + delta));
		if (delta < 0) {
			count.addAndGet(delta);
		}
	}

	/**
	 * Takes the bytes this entry counts out of its journal's count, once: the journal no
	 * longer holds it in memory (trimmed or spilled). Bytes cached later are not counted.
	 */
	void release() {
		AtomicLong count = this.memoryBytes;
		if (count == null) {
			return;
		}
		long held = (long) HELD_BYTES.getAndSet(this, RELEASED);
		if (held > 0) {
			count.addAndGet(-held);
		}
	}

	@Override
	public String toString() {
		return "JournalEntry[" + this.event + "]";
	}

	/**
	 * The compressed forms of one serializer's bytes, one slot per algorithm. Each form is
	 * counted in the entry's bytes while the entry keeps these forms.
	 */
	private final class CompressedForms {

		private final Object serializer;

		private final byte[] source;

		private final AtomicReferenceArray<byte[]> forms = new AtomicReferenceArray<>(
				CompressionAlgorithm.values().length);

		/** Bytes of the forms counted; guarded by this. */
		private long counted;

		/** Whether the entry replaced these forms; guarded by this. */
		private boolean discarded;

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
					if (!this.discarded) {
						this.counted += form.length;
						hold(form.length);
					}
				}
				return form;
			}
		}

		/**
		 * The entry no longer keeps these forms (another serializer's replaced them).
		 */
		synchronized void discard() {
			this.discarded = true;
			hold(-this.counted);
			this.counted = 0;
		}

	}

}
