package io.graphstreaming.core.journal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.options.OverflowPolicy;

/**
 * The ordered record of one execution's events, and the only buffer between the
 * execution and its consumers.
 *
 * <p>The execution appends each event once, in sequence order. Every consumer is a
 * {@linkplain JournalCursor cursor} over the journal: "the events after sequence k that
 * match my filter", driven by the consumer's Reactor demand. Joining a running execution
 * is a cursor at 0 and resuming is a cursor at the last sequence received, so replay and
 * live delivery are one mechanism with no gap and no duplicate. Memory is the journal's,
 * once, however many consumers there are.
 *
 * <p>Backpressure is the distance between the newest event and the slowest attached
 * consumer. Under the {@code block} policy, {@link #awaitCapacity()} suspends the
 * execution (no thread is held) while some consumer is {@code maxBufferSize} behind;
 * drop and fail policies act on the one consumer instead. Retention keeps at most
 * {@code maxEvents} events, but never trims what an attached lossless consumer has yet to
 * read.
 *
 * <p><b>Spill</b> (when created with {@link SpillSettings}): the journal keeps its newest
 * {@code inMemoryEvents} events in memory and writes older ones, in order and serialized
 * once, to append-only memory-mapped segment files; a cursor reads whichever holds its
 * position (a spilled event is read back and deserialized on each read, nothing is
 * cached, so the heap stays flat however long the backlog). Under the {@code block}
 * policy a slow consumer then no longer pauses the execution at {@code maxBufferSize}:
 * it pauses only when the disk budget is exhausted (no room for a new segment in the
 * execution's or the JVM's budget) and some {@code block} consumer is
 * {@code maxBufferSize} or more behind; it resumes, as without spill, when that consumer
 * is back within {@code maxBufferSize}. The other policies act at {@code maxBufferSize}
 * exactly as without spill. While the budget is exhausted new events stay in memory.
 * Segments wholly trimmed by retention are deleted at once; the rest are deleted by
 * {@link #close()} (once no consumer is attached), after which the spilled events count
 * as trimmed: {@link #firstRetained()} is the oldest event still in memory.
 *
 * <p>Threading: {@link #append} must be called by one thread at a time (the execution's
 * sequencer serializes it); everything else is safe from any thread. Readers never lock:
 * an entry is written before the volatile head that publishes it.
 */
public final class ExecutionJournal {

	private static final int CHUNK_SHIFT = 8;

	private static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;

	private static final int CHUNK_MASK = CHUNK_SIZE - 1;

	/**
	 * The first chunk starts this small and grows (by four, up to a full chunk) as events
	 * arrive: most executions are short, and a full chunk of references costs 1 KB per
	 * execution, retained as long as the execution is.
	 */
	private static final int FIRST_CHUNK_INITIAL_SIZE = 16;

	private static final JournalCursor[] NO_CURSORS = new JournalCursor[0];

	private final String executionId;

	private final int maxEvents;

	private final PauseListener pauseListener;

	private volatile JournalEntry[] @Nullable [] chunks = new JournalEntry[16][];

	private volatile long head;

	private volatile long firstRetained = 1;

	private volatile boolean terminated;

	private volatile JournalCursor[] cursors = NO_CURSORS;

	private final AtomicReference<@Nullable MonoSink<Void>> capacityWaiter = new AtomicReference<>();

	private volatile long pauseStartedNanos;

	private final Queue<AppendWaiter> appendWaiters = new ConcurrentLinkedQueue<>();

	private volatile @Nullable LongConsumer detachListener;

	private final @Nullable SpillStore spill;

	private final int inMemoryEvents;

	private volatile long firstInMemory = 1;

	private volatile boolean spillFull;

	private volatile boolean closeRequested;

	/** Whether the segments were released: spilled events are gone. */
	private volatile boolean spillReleased;

	/** Bytes cached on the entries held in memory; see {@link #memoryBytes()}. */
	private final AtomicLong memoryBytes = new AtomicLong();

	/**
	 * Creates an empty journal.
	 * @param executionId the execution it records
	 * @param maxEvents the most events kept for replay, strictly positive
	 * @param pauseListener told how long the execution waited each time backpressure
	 * paused it
	 */
	public ExecutionJournal(String executionId, int maxEvents, PauseListener pauseListener) {
		this(executionId, maxEvents, pauseListener, null);
	}

	/**
	 * Creates an empty journal that spills older events to memory-mapped segments.
	 * @param executionId the execution it records
	 * @param maxEvents the most events kept for replay, strictly positive
	 * @param pauseListener told how long the execution waited each time backpressure
	 * paused it
	 * @param spillSettings how to spill, or {@code null} to keep everything in memory
	 */
	public ExecutionJournal(String executionId, int maxEvents, PauseListener pauseListener,
			@Nullable SpillSettings spillSettings) {
		this(executionId, maxEvents, pauseListener, spillSettings, 0);
	}

	/**
	 * Creates a journal whose first event will have sequence {@code startAfter + 1}: the
	 * journal of an execution that continues elsewhere-recorded events (a run taken over
	 * from another instance, or a replica of a journal shared through an external store).
	 * Reading from before {@code startAfter} is an {@link EventsExpiredException}, as for
	 * trimmed events.
	 * @param executionId the execution it records
	 * @param maxEvents the most events kept for replay, strictly positive
	 * @param pauseListener told how long the execution waited each time backpressure
	 * paused it
	 * @param spillSettings how to spill, or {@code null} to keep everything in memory
	 * @param startAfter the sequence before the first one this journal records, {@code >= 0}
	 */
	public ExecutionJournal(String executionId, int maxEvents, PauseListener pauseListener,
			@Nullable SpillSettings spillSettings, long startAfter) {
		if (startAfter < 0) {
			throw new IllegalArgumentException("startAfter must be >= 0 but was " + startAfter);
		}
		this.head = startAfter;
		this.firstRetained = startAfter + 1;
		this.firstInMemory = startAfter + 1;
		this.executionId = Objects.requireNonNull(executionId, "executionId");
		if (maxEvents <= 0) {
			throw new IllegalArgumentException("maxEvents must be strictly positive but was " + maxEvents);
		}
		this.maxEvents = maxEvents;
		this.pauseListener = Objects.requireNonNull(pauseListener, "pauseListener");
		this.spill = (spillSettings != null) ? new SpillStore(executionId, spillSettings) : null;
		this.inMemoryEvents = (spillSettings != null) ? spillSettings.inMemoryEvents() : Integer.MAX_VALUE;
	}

	/**
	 * Whether this journal spills older events to memory-mapped segments.
	 * @return {@code true} when created with spill settings
	 */
	public boolean spills() {
		return this.spill != null;
	}

	/**
	 * Whether the last attempt to spill found no room (disk budget exhausted, segment not
	 * creatable, or journal closed): new events stay in memory meanwhile.
	 * @return {@code true} while spilling is blocked
	 */
	public boolean spillFull() {
		return this.spillFull;
	}

	/**
	 * Bytes of segment files this journal holds now.
	 * @return bytes, 0 without spill
	 */
	public long spilledBytes() {
		SpillStore store = this.spill;
		return (store != null) ? store.reservedBytes() : 0;
	}

	/**
	 * Bytes of serialized events cached on the entries this journal holds in memory: the
	 * bytes the transports send ({@link JournalEntry#serialized}) and the compressed forms
	 * kept with them ({@link JournalEntry#compressed}), counted as an entry caches them and
	 * taken out when the entry leaves memory (trimmed by retention or spilled to a
	 * segment). A running count, read without walking the events. Events nothing has
	 * serialized (read in-process only) count nothing; the event objects themselves are
	 * not counted. {@link #close()} leaves it unchanged: the in-memory events stay
	 * readable.
	 * @return bytes, 0 when no held entry has been serialized
	 */
	public long memoryBytes() {
		return this.memoryBytes.get();
	}

	/**
	 * Segment files this journal holds now.
	 * @return the count, 0 without spill
	 */
	public int spilledSegments() {
		SpillStore store = this.spill;
		return (store != null) ? store.segmentCount() : 0;
	}

	/**
	 * The directory of this journal's segment files.
	 * @return the directory, or {@code null} if it never spilled
	 */
	public @Nullable Path spillDirectory() {
		SpillStore store = this.spill;
		return (store != null) ? store.directory() : null;
	}

	/**
	 * The oldest sequence held in memory; older retained events are in segments.
	 * @return the first in-memory sequence
	 */
	public long firstInMemory() {
		return Math.max(this.firstInMemory, this.firstRetained);
	}

	/**
	 * Releases the segment files (unmapped, deleted, their bytes returned to the budget)
	 * once no consumer is attached: at once if none is, otherwise when the last one
	 * detaches. Spilled events are then gone, as trimmed ones are. Idempotent; without
	 * spill it does nothing. An execution outside a registry calls it once it has ended;
	 * the registry when it evicts the execution and when it is closed.
	 */
	public void close() {
		this.closeRequested = true;
		SpillStore store = this.spill;
		if (store != null && this.cursors.length == 0) {
			releaseSpill(store);
		}
	}

	private void releaseSpill(SpillStore store) {
		store.close();
		this.spillReleased = true;
	}

	/**
	 * The execution this journal records.
	 * @return the execution id
	 */
	public String executionId() {
		return this.executionId;
	}

	/**
	 * The sequence of the newest event.
	 * @return the last appended sequence, 0 when empty
	 */
	public long head() {
		return this.head;
	}

	/**
	 * The oldest sequence still kept.
	 * @return the first retained sequence ({@code head + 1} when everything was trimmed)
	 */
	public long firstRetained() {
		return this.spillReleased ? firstInMemory() : this.firstRetained;
	}

	/**
	 * Whether the terminal event has been appended; nothing follows it.
	 * @return {@code true} once the execution has ended
	 */
	public boolean isTerminated() {
		return this.terminated;
	}

	/**
	 * The consumers currently attached.
	 * @return the number of cursors
	 */
	public int consumerCount() {
		return this.cursors.length;
	}

	/**
	 * Registers a callback run each time a consumer cancels its subscription, with the
	 * number of consumers still attached; an execution uses it to stop when its last
	 * consumer leaves. A consumer that ends because its stream completed or failed (for
	 * example under the {@code fail} overflow policy) did not leave by choice and does not
	 * trigger it.
	 * @param listener the callback
	 */
	public void onDetach(LongConsumer listener) {
		this.detachListener = listener;
	}

	/**
	 * Appends the next event. Called by one thread at a time.
	 * @param event the event, whose sequence must be {@link #head()} + 1
	 * @return the journal's entry for it
	 * @throws IllegalStateException if the sequence is out of order or the journal has
	 * already recorded a terminal event
	 */
	public JournalEntry append(GraphExecutionEvent event) {
		long sequence = event.sequence();
		if (this.terminated) {
			throw new IllegalStateException("Journal of execution " + this.executionId + " already ended");
		}
		if (sequence != this.head + 1) {
			throw new IllegalStateException(
					"Expected sequence " + (this.head + 1) + " but got " + sequence + " in " + this.executionId);
		}
		JournalEntry entry = new JournalEntry(event, this.memoryBytes);
		store(sequence, entry);
		// head before terminated: whoever sees terminated also sees the terminal event's head
		this.head = sequence;
		if (event.isTerminal()) {
			this.terminated = true;
		}
		trim(sequence);
		if (this.spill != null) {
			spillOlder(sequence);
		}
		for (JournalCursor cursor : this.cursors) {
			cursor.onAppended(entry);
		}
		if (!this.appendWaiters.isEmpty()) {
			wakeWaiters(sequence);
		}
		return entry;
	}

	/**
	 * Completes the waiters that were waiting for an event newer than one now older than
	 * {@code newHead}. A woken waiter runs its continuation here, on the appending thread,
	 * and may register again (a long poll whose filter matched nothing new): it then waits
	 * for a sequence at or above {@code newHead} and is passed over, so this loop ends and
	 * no waiter is completed without a newer event. (Completing every queued waiter, as
	 * this once did, completed a waiter registered during the loop at once, whose
	 * continuation registered again, and so on until the appending thread's stack
	 * overflowed.)
	 */
	private void wakeWaiters(long newHead) {
		for (AppendWaiter waiter : this.appendWaiters) {
			if (waiter.sequence < newHead && this.appendWaiters.remove(waiter)) {
				waiter.sink.success();
			}
		}
	}

	private void store(long sequence, JournalEntry entry) {
		int chunkIndex = (int) ((sequence - 1) >>> CHUNK_SHIFT);
		JournalEntry[][] current = this.chunks;
		if (chunkIndex >= current.length) {
			current = Arrays.copyOf(current, Math.max(current.length * 2, chunkIndex + 1));
			this.chunks = current;
		}
		JournalEntry[] chunk = current[chunkIndex];
		int offset = (int) ((sequence - 1) & CHUNK_MASK);
		if (chunk == null) {
			chunk = new JournalEntry[(chunkIndex == 0) ? firstChunkSize(offset) : CHUNK_SIZE];
			current[chunkIndex] = chunk;
		}
		else if (offset >= chunk.length) {
			// Only the first chunk grows. Readers see the grown copy: they read the volatile
			// head before the chunk, and the copy is stored before the head is published.
			chunk = Arrays.copyOf(chunk, Math.min(CHUNK_SIZE, chunk.length * 4));
			current[chunkIndex] = chunk;
		}
		chunk[offset] = entry;
	}

	/**
	 * The size of a new first chunk whose first entry goes at {@code offset}: the initial
	 * size, grown as appends would have grown it, for a journal that starts after a
	 * sequence ({@code startAfter}) and so may begin in the middle of its first chunk.
	 */
	private static int firstChunkSize(int offset) {
		int size = FIRST_CHUNK_INITIAL_SIZE;
		while (size <= offset) {
			size = Math.min(CHUNK_SIZE, size * 4);
		}
		return size;
	}

	private void trim(long newHead) {
		long keepFrom = newHead - this.maxEvents + 1;
		long first = this.firstRetained;
		if (keepFrom <= first) {
			return;
		}
		for (JournalCursor cursor : this.cursors) {
			if (cursor.protectsUnread()) {
				keepFrom = Math.min(keepFrom, cursor.position() + 1);
			}
		}
		if (keepFrom <= first) {
			return;
		}
		this.firstRetained = keepFrom;
		releaseInMemory(Math.max(first, this.firstInMemory), keepFrom);
		JournalEntry[][] current = this.chunks;
		long firstChunk = (first - 1) >>> CHUNK_SHIFT;
		long lastFreeChunk = ((keepFrom - 1) >>> CHUNK_SHIFT) - 1;
		for (long index = firstChunk; index <= lastFreeChunk; index++) {
			current[(int) index] = null;
		}
		SpillStore store = this.spill;
		if (store != null) {
			store.releaseBefore(keepFrom);
		}
	}

	private void spillOlder(long newHead) {
		SpillStore store = this.spill;
		long keepFrom = newHead - this.inMemoryEvents + 1;
		long previous = this.firstInMemory;
		long next = Math.max(previous, this.firstRetained);
		boolean full = false;
		while (next < keepFrom) {
			JournalEntry entry = inMemory(next);
			if (entry == null || !store.append(entry)) {
				full = true;
				break;
			}
			entry.release();
			next++;
		}
		if (next != previous) {
			// published after the records: a reader seeing the new value finds them spilled
			this.firstInMemory = next;
			JournalEntry[][] current = this.chunks;
			long lastFreeChunk = ((next - 1) >>> CHUNK_SHIFT) - 1;
			for (long index = (previous - 1) >>> CHUNK_SHIFT; index <= lastFreeChunk; index++) {
				current[(int) index] = null;
			}
		}
		this.spillFull = full;
	}

	/**
	 * Takes the entries of sequences {@code from} (included) to {@code to} (excluded) out
	 * of {@link #memoryBytes()}: retention trimmed them.
	 */
	private void releaseInMemory(long from, long to) {
		for (long sequence = from; sequence < to; sequence++) {
			JournalEntry entry = inMemory(sequence);
			if (entry != null) {
				entry.release();
			}
		}
	}

	private @Nullable JournalEntry inMemory(long sequence) {
		JournalEntry[] chunk = this.chunks[(int) ((sequence - 1) >>> CHUNK_SHIFT)];
		return (chunk != null) ? chunk[(int) ((sequence - 1) & CHUNK_MASK)] : null;
	}

	/**
	 * The entry of a sequence, if still kept.
	 * @param sequence the sequence
	 * @return the entry, or {@code null} if not yet appended or already trimmed
	 */
	public @Nullable JournalEntry entry(long sequence) {
		if (sequence < this.firstRetained || sequence > this.head || sequence <= 0) {
			return null;
		}
		SpillStore store = this.spill;
		if (store == null) {
			return inMemory(sequence);
		}
		if (sequence < this.firstInMemory) {
			return store.read(sequence);
		}
		JournalEntry entry = inMemory(sequence);
		// null: spilled (or trimmed) since firstInMemory was read
		return (entry != null) ? entry : store.read(sequence);
	}

	/**
	 * Reads up to {@code limit} events after a sequence that match a filter, without
	 * attaching: what a poll returns.
	 * @param afterSequence read events with a greater sequence
	 * @param limit the most events returned, strictly positive
	 * @param filter the events wanted
	 * @return the page
	 * @throws EventsExpiredException if events after {@code afterSequence} were trimmed
	 * @throws IllegalArgumentException if {@code afterSequence} is negative or beyond the
	 * newest event
	 */
	public JournalPage read(long afterSequence, int limit, EventFilter filter) {
		if (limit <= 0) {
			throw new IllegalArgumentException("limit must be strictly positive but was " + limit);
		}
		checkStart(afterSequence);
		List<JournalEntry> entries = new ArrayList<>(Math.min(limit, 256));
		long position = afterSequence;
		long newest = this.head;
		boolean terminalReached = false;
		while (position < newest && entries.size() < limit) {
			JournalEntry entry = entry(position + 1);
			if (entry == null) {
				throw new EventsExpiredException(this.executionId, position, firstRetained());
			}
			position++;
			if (filter.test(entry.event())) {
				entries.add(entry);
			}
			if (entry.event().isTerminal()) {
				terminalReached = true;
			}
		}
		if (this.terminated && position == this.head) {
			terminalReached = true;
		}
		return new JournalPage(entries, position, terminalReached);
	}

	/**
	 * Completes when an event newer than {@code sequence} exists (at once if it already
	 * does), and never before. Long polls wait on it. When an append completes it, the
	 * subscriber is told on the appending thread.
	 * @param sequence the sequence already seen
	 * @return a mono that completes, never errors
	 */
	public Mono<Void> awaitNewerThan(long sequence) {
		return Mono.create((sink) -> {
			if (this.head > sequence) {
				sink.success();
				return;
			}
			AppendWaiter waiter = new AppendWaiter(sequence, sink);
			this.appendWaiters.add(waiter);
			sink.onDispose(() -> this.appendWaiters.remove(waiter));
			// an append between the check above and the add may have missed the waiter
			if (this.head > sequence) {
				sink.success();
			}
		});
	}

	/**
	 * A subscriber of {@link #awaitNewerThan(long)}, waiting for an event past
	 * {@code sequence}; compared by identity.
	 */
	private static final class AppendWaiter {

		final long sequence;

		final MonoSink<Void> sink;

		AppendWaiter(long sequence, MonoSink<Void> sink) {
			this.sequence = sequence;
			this.sink = sink;
		}

	}

	/**
	 * The consumer stream of this journal for one consumer: each subscription attaches a
	 * new cursor, so the returned flux is cold and may be subscribed to again (for
	 * example after a reconnect, with a new start sequence).
	 * @param spec what the consumer wants
	 * @return the entries in sequence order, completing after the terminal event
	 */
	public Flux<JournalEntry> consume(ConsumerSpec spec) {
		Objects.requireNonNull(spec, "spec");
		return new Flux<>() {
			@Override
			public void subscribe(CoreSubscriber<? super JournalEntry> actual) {
				attach(spec, actual);
			}
		};
	}

	/**
	 * The consumer stream of this journal for one consumer that writes producer batches
	 * at once: the entries arrive as lists of at most {@code spec.producerBatchSize()},
	 * each what one release of the batch gate delivered (see
	 * {@link #consume(ConsumerSpec)} for the rest).
	 * @param spec what the consumer wants
	 * @return the entries in sequence order, grouped, completing after the terminal event
	 */
	public Flux<List<JournalEntry>> consumeBatches(ConsumerSpec spec) {
		Objects.requireNonNull(spec, "spec");
		return new Flux<>() {
			@Override
			public void subscribe(CoreSubscriber<? super List<JournalEntry>> actual) {
				attach(spec, new EntryBatcher(actual, spec.producerBatchSize()));
			}
		};
	}

	private void attach(ConsumerSpec spec, CoreSubscriber<? super JournalEntry> actual) {
		try {
			checkStart(spec.afterSequence());
		}
		catch (RuntimeException ex) {
			Operators.error(actual, ex);
			return;
		}
		JournalCursor cursor = new JournalCursor(this, spec, actual);
		synchronized (this) {
			JournalCursor[] current = this.cursors;
			JournalCursor[] next = Arrays.copyOf(current, current.length + 1);
			next[current.length] = cursor;
			this.cursors = next;
		}
		cursor.start();
	}

	private void checkStart(long afterSequence) {
		if (afterSequence < 0) {
			throw new IllegalArgumentException("A sequence must be >= 0 but was " + afterSequence);
		}
		long newest = this.head;
		if (afterSequence > newest) {
			throw new IllegalArgumentException("Sequence " + afterSequence + " is ahead of execution "
					+ this.executionId + ", whose newest event is " + newest);
		}
		long first = firstRetained();
		if (afterSequence < newest && afterSequence + 1 < first) {
			throw new EventsExpiredException(this.executionId, afterSequence, first);
		}
	}

	void detach(JournalCursor cursor, boolean cancelled) {
		int remaining;
		synchronized (this) {
			JournalCursor[] current = this.cursors;
			int index = -1;
			for (int i = 0; i < current.length; i++) {
				if (current[i] == cursor) {
					index = i;
					break;
				}
			}
			if (index < 0) {
				return;
			}
			JournalCursor[] next = new JournalCursor[current.length - 1];
			System.arraycopy(current, 0, next, 0, index);
			System.arraycopy(current, index + 1, next, index, current.length - index - 1);
			this.cursors = next;
			remaining = next.length;
		}
		SpillStore store = this.spill;
		if (remaining == 0 && store != null && this.closeRequested) {
			releaseSpill(store);
		}
		cursorMoved();
		LongConsumer listener = this.detachListener;
		if (cancelled && listener != null) {
			listener.accept(remaining);
		}
	}

	/**
	 * Whether every attached lossless consumer is less than its maximum buffer behind.
	 * @return {@code true} when the execution may emit without waiting
	 */
	public boolean hasCapacity() {
		long newest = this.head;
		for (JournalCursor cursor : this.cursors) {
			if (cursor.holdsProducer(newest)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * What the execution calls between steps: {@code null} when it may go on at once (the
	 * common case, which allocates nothing), otherwise a mono that completes when the
	 * slowest lossless consumer has caught up below its maximum buffer.
	 * @return {@code null} or a mono to wait on
	 */
	public @Nullable Mono<Void> awaitCapacity() {
		if (hasCapacity()) {
			return null;
		}
		return Mono.create((sink) -> {
			this.pauseStartedNanos = System.nanoTime();
			MonoSink<Void> previous = this.capacityWaiter.getAndSet(sink);
			if (previous != null) {
				previous.success();
			}
			sink.onCancel(() -> this.capacityWaiter.compareAndSet(sink, null));
			cursorMoved();
		});
	}

	void cursorMoved() {
		if (this.capacityWaiter.get() != null && hasCapacity()) {
			MonoSink<Void> waiter = this.capacityWaiter.getAndSet(null);
			if (waiter != null) {
				this.pauseListener.onPaused(Duration.ofNanos(System.nanoTime() - this.pauseStartedNanos));
				waiter.success();
			}
		}
	}

	static boolean isLossless(OverflowPolicy policy) {
		return policy == OverflowPolicy.BLOCK;
	}

	/**
	 * Told how long an execution was paused by backpressure.
	 */
	@FunctionalInterface
	public interface PauseListener {

		/** A listener that ignores pauses. */
		PauseListener NONE = (paused) -> {
		};

		/**
		 * The execution resumes after a pause.
		 * @param paused how long it waited
		 */
		void onPaused(Duration paused);

	}

}
