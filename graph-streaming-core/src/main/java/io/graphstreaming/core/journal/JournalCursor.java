package io.graphstreaming.core.journal;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Operators;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.options.OverflowPolicy;

/**
 * One consumer's position in a journal, and the subscription that delivers to it.
 *
 * <p>Delivery is a classic drain loop: whoever changes something (new demand, a new
 * event, a flush timer, a cancel) increments a work counter, and the one thread that
 * took it from zero delivers until nothing is left. The position only moves forward.
 *
 * <p>Policies: {@code block} and {@code fail} read the journal directly, and the journal
 * keeps what they have not read. {@code drop-oldest} reads the journal too but never
 * further back than {@code maxBufferSize} from the newest event: what it skips is counted
 * as dropped (a ring buffer of the newest events, evaluated lazily). {@code drop-newest}
 * keeps references to at most {@code maxBufferSize} accepted entries in its own queue,
 * because the events it accepts are not contiguous.
 */
final class JournalCursor implements Subscription {

	private final ExecutionJournal journal;

	private final ConsumerSpec spec;

	private final EventFilter filter;

	private final CoreSubscriber<? super JournalEntry> actual;

	private final @Nullable PassListener passListener;

	private final AtomicLong requested = new AtomicLong();

	private final AtomicInteger wip = new AtomicInteger();

	private final AtomicReference<@Nullable Disposable> flushTimer = new AtomicReference<>();

	private volatile long position;

	private volatile boolean cancelled;

	private volatile boolean overflowed;

	private volatile boolean flushDue;

	private volatile boolean buffering;

	private volatile boolean subscribed;

	private boolean done;

	private long lagHighWaterMark;

	private final @Nullable ArrayDeque<JournalEntry> accepted;

	private long lastQueued;

	private boolean prefilled;

	private long droppedNewest;

	JournalCursor(ExecutionJournal journal, ConsumerSpec spec, CoreSubscriber<? super JournalEntry> actual) {
		this.journal = journal;
		this.spec = spec;
		this.filter = spec.filter();
		this.actual = actual;
		this.passListener = (actual instanceof PassListener listener) ? listener : null;
		this.position = spec.afterSequence();
		this.lastQueued = spec.afterSequence();
		this.accepted = (spec.overflowPolicy() == OverflowPolicy.DROP_NEWEST) ? new ArrayDeque<>() : null;
	}

	void start() {
		if (this.accepted != null) {
			prefill();
		}
		this.actual.onSubscribe(this);
		this.subscribed = true;
		drain();
	}

	private void prefill() {
		ArrayDeque<JournalEntry> queue = this.accepted;
		synchronized (queue) {
			long newest = this.journal.head();
			for (long sequence = this.lastQueued + 1; sequence <= newest; sequence++) {
				JournalEntry entry = this.journal.entry(sequence);
				if (entry != null) {
					queueOrDrop(queue, entry);
				}
			}
			this.lastQueued = newest;
			this.prefilled = true;
		}
	}

	private void queueOrDrop(ArrayDeque<JournalEntry> queue, JournalEntry entry) {
		if (queue.size() < this.spec.maxBufferSize() || entry.event().isTerminal()) {
			queue.add(entry);
		}
		else if (this.filter.test(entry.event())) {
			this.droppedNewest++;
		}
	}

	long position() {
		return this.position;
	}

	/**
	 * Whether the journal must keep the events this cursor has not read yet.
	 */
	boolean protectsUnread() {
		OverflowPolicy policy = this.spec.overflowPolicy();
		return policy == OverflowPolicy.BLOCK || policy == OverflowPolicy.FAIL;
	}

	/**
	 * Whether this cursor, at the given head, keeps the execution from going on.
	 */
	boolean holdsProducer(long head) {
		// With spill, the backlog lives in segments: block only once the disk budget is out.
		return this.spec.overflowPolicy() == OverflowPolicy.BLOCK && !this.cancelled
				&& head - this.position >= this.spec.maxBufferSize()
				&& (!this.journal.spills() || this.journal.spillFull());
	}

	/**
	 * Called by the journal's writer after each append.
	 */
	void onAppended(JournalEntry entry) {
		long sequence = entry.sequence();
		long lag;
		ArrayDeque<JournalEntry> queue = this.accepted;
		if (queue != null) {
			synchronized (queue) {
				if (!this.prefilled || sequence <= this.lastQueued) {
					return;
				}
				this.lastQueued = sequence;
				queueOrDrop(queue, entry);
				lag = queue.size();
			}
		}
		else {
			lag = sequence - this.position;
			if (this.spec.overflowPolicy() == OverflowPolicy.FAIL && lag > this.spec.maxBufferSize()) {
				this.overflowed = true;
			}
		}
		if (lag > this.lagHighWaterMark) {
			this.lagHighWaterMark = lag;
			this.spec.listener().onLagHighWaterMark(lag);
		}
		if (lag > this.spec.bufferSize() && !this.buffering) {
			this.buffering = true;
			this.spec.listener().onBuffering(true);
		}
		drain();
	}

	@Override
	public void request(long n) {
		if (Operators.validate(n)) {
			this.requested.getAndUpdate((current) -> Operators.addCap(current, n));
			drain();
		}
	}

	@Override
	public void cancel() {
		if (this.cancelled) {
			return;
		}
		this.cancelled = true;
		release(true);
	}

	private void release(boolean cancelledByConsumer) {
		Disposable timer = this.flushTimer.getAndSet(null);
		if (timer != null) {
			timer.dispose();
		}
		this.journal.detach(this, cancelledByConsumer);
	}

	private void drain() {
		// Nothing is signalled until onSubscribe has returned: an append on another thread
		// could otherwise complete or fail the subscriber before or while it gets its
		// subscription. start() drains once it has returned, so nothing is missed.
		if (!this.subscribed || this.wip.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		for (;;) {
			if (this.cancelled || this.done) {
				return;
			}
			if (this.overflowed) {
				fail(new BufferOverflowException(this.journal.executionId(), this.spec.maxBufferSize()));
				return;
			}
			boolean terminalPassed = (this.accepted != null) ? drainQueue() : drainJournal();
			if (!terminalPassed && this.journal.isTerminated() && this.position == this.journal.head()) {
				// Started at (or resumed after) the terminal event: nothing will follow.
				terminalPassed = true;
			}
			this.journal.cursorMoved();
			updateBuffering();
			if (terminalPassed) {
				complete();
				return;
			}
			missed = this.wip.addAndGet(-missed);
			if (missed == 0) {
				return;
			}
		}
	}

	/**
	 * Delivers from the journal; returns whether the terminal event was passed.
	 */
	private boolean drainJournal() {
		long pos = this.position;
		long newest = this.journal.head();
		if (batchGateClosed(newest - pos)) {
			return false;
		}
		long demand = this.requested.get();
		long emitted = 0;
		boolean terminal = false;
		boolean dropOldest = this.spec.overflowPolicy() == OverflowPolicy.DROP_OLDEST;
		long dropped = 0;
		while (pos < newest) {
			long next = pos + 1;
			if (dropOldest) {
				long oldestKept = Math.max(this.journal.firstRetained(), newest - this.spec.maxBufferSize() + 1);
				if (next < oldestKept) {
					dropped += countMatching(next, oldestKept - 1);
					pos = oldestKept - 1;
					this.position = pos;
					continue;
				}
			}
			JournalEntry entry = this.journal.entry(next);
			if (entry == null) {
				if (dropOldest) {
					newest = this.journal.head();
					continue;
				}
				fail(new EventsExpiredException(this.journal.executionId(), pos, this.journal.firstRetained()));
				return false;
			}
			boolean wanted = this.filter.test(entry.event());
			if (wanted && emitted == demand) {
				break;
			}
			pos = next;
			this.position = pos;
			if (wanted) {
				this.actual.onNext(entry);
				emitted++;
			}
			if (entry.event().isTerminal()) {
				terminal = true;
				break;
			}
			if (this.cancelled) {
				break;
			}
			if (pos == newest) {
				newest = this.journal.head();
			}
		}
		finishPass(emitted, demand, dropped);
		return terminal;
	}

	private long countMatching(long from, long to) {
		if (this.filter.acceptsAll()) {
			return to - from + 1;
		}
		long count = 0;
		for (long sequence = from; sequence <= to; sequence++) {
			JournalEntry entry = this.journal.entry(sequence);
			if (entry == null || this.filter.test(entry.event())) {
				count++;
			}
		}
		return count;
	}

	/**
	 * Delivers from the drop-newest queue; returns whether the terminal event was passed.
	 */
	private boolean drainQueue() {
		ArrayDeque<JournalEntry> queue = this.accepted;
		long demand = this.requested.get();
		long emitted = 0;
		boolean terminal = false;
		long dropped;
		int available;
		synchronized (queue) {
			available = queue.size();
			dropped = this.droppedNewest;
			this.droppedNewest = 0;
		}
		if (batchGateClosed(available)) {
			reportDropped(dropped);
			return false;
		}
		for (;;) {
			JournalEntry entry;
			synchronized (queue) {
				entry = queue.peek();
				if (entry == null) {
					break;
				}
				boolean wanted = this.filter.test(entry.event());
				if (wanted && emitted == demand) {
					break;
				}
				queue.poll();
				this.position = entry.sequence();
				if (!wanted) {
					entry = null;
				}
				else {
					emitted++;
				}
			}
			if (entry != null) {
				this.actual.onNext(entry);
				terminal = entry.event().isTerminal();
			}
			else {
				terminal = this.journal.isTerminated() && this.position == this.journal.head();
			}
			if (terminal || this.cancelled) {
				break;
			}
		}
		finishPass(emitted, demand, dropped);
		return terminal;
	}

	private void finishPass(long emitted, long demand, long dropped) {
		if (emitted != 0) {
			if (demand != Long.MAX_VALUE) {
				this.requested.addAndGet(-emitted);
			}
			this.flushDue = false;
			PassListener listener = this.passListener;
			if (listener != null) {
				listener.onPassEnded();
			}
		}
		reportDropped(dropped);
	}

	private void reportDropped(long dropped) {
		if (dropped > 0) {
			this.spec.listener().onDropped(dropped);
		}
	}

	/**
	 * Producer batching: with a batch size above one, nothing is delivered until a full
	 * batch is waiting, the flush interval has passed since the batch began, or the
	 * execution has ended.
	 */
	private boolean batchGateClosed(long available) {
		int batchSize = this.spec.producerBatchSize();
		if (batchSize <= 1 || available <= 0 || this.flushDue || available >= batchSize
				|| this.journal.isTerminated()) {
			if (available >= batchSize) {
				Disposable timer = this.flushTimer.getAndSet(null);
				if (timer != null) {
					timer.dispose();
				}
			}
			return false;
		}
		if (this.flushTimer.get() == null) {
			Disposable timer = this.spec.timer().schedule(() -> {
				this.flushTimer.set(null);
				this.flushDue = true;
				drain();
			}, this.spec.producerFlushInterval().toNanos(), TimeUnit.NANOSECONDS);
			if (!this.flushTimer.compareAndSet(null, timer)) {
				timer.dispose();
			}
		}
		return true;
	}

	private void updateBuffering() {
		if (this.buffering) {
			long lag;
			ArrayDeque<JournalEntry> queue = this.accepted;
			if (queue != null) {
				synchronized (queue) {
					lag = queue.size();
				}
			}
			else {
				lag = this.journal.head() - this.position;
			}
			if (lag <= this.spec.bufferSize()) {
				this.buffering = false;
				this.spec.listener().onBuffering(false);
			}
		}
	}

	private void complete() {
		this.done = true;
		release(false);
		this.actual.onComplete();
	}

	private void fail(Throwable error) {
		this.done = true;
		release(false);
		this.actual.onError(error);
	}

	/**
	 * A subscriber that wants to know where a delivery pass ends: the entries of one pass
	 * were available together (a released producer batch, or a backlog), so a transport
	 * may write them at once.
	 */
	interface PassListener {

		/**
		 * Called after the last entry of a pass that delivered at least one, on the
		 * delivering thread.
		 */
		void onPassEnded();

	}

}
