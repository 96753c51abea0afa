package io.graphstreaming.core.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;

/**
 * Hands a cursor's deliveries on as lists, one list per producer batch, so that a
 * transport can write a batch as one buffer (one HTTP chunk, one write) instead of one
 * per event: that per-message cost, not the events themselves, bounds a batched stream.
 *
 * <p>A list ends where the cursor's delivery pass ends (the batch gate released what was
 * waiting) or when it holds {@code batchSize} entries, whichever comes first; an entry is
 * never held back waiting for a later one. Demand is counted in lists downstream and in
 * entries upstream, and at most {@code batchSize} entries are requested or held at a
 * time, so a list never exceeds the batch size and nothing is delivered unrequested.
 */
final class EntryBatcher implements CoreSubscriber<JournalEntry>, Subscription, JournalCursor.PassListener {

	private final CoreSubscriber<? super List<JournalEntry>> actual;

	private final int batchSize;

	private final AtomicInteger wip = new AtomicInteger();

	private @Nullable Subscription upstream;

	// guarded by this
	private List<JournalEntry> pending;

	private boolean passEnded;

	private long demand;

	private long outstanding;

	private boolean done;

	private @Nullable Throwable error;

	private volatile boolean cancelled;

	EntryBatcher(CoreSubscriber<? super List<JournalEntry>> actual, int batchSize) {
		if (batchSize <= 0) {
			throw new IllegalArgumentException("batchSize must be strictly positive but was " + batchSize);
		}
		this.actual = actual;
		this.batchSize = batchSize;
		this.pending = new ArrayList<>(batchSize);
	}

	@Override
	public void onSubscribe(Subscription subscription) {
		this.upstream = subscription;
		this.actual.onSubscribe(this);
	}

	@Override
	public void onNext(JournalEntry entry) {
		boolean full;
		synchronized (this) {
			this.pending.add(entry);
			this.outstanding--;
			full = this.pending.size() >= this.batchSize;
		}
		if (full) {
			drain();
		}
	}

	@Override
	public void onPassEnded() {
		synchronized (this) {
			if (this.pending.isEmpty()) {
				return;
			}
			this.passEnded = true;
		}
		drain();
	}

	@Override
	public void onError(Throwable failure) {
		synchronized (this) {
			this.error = failure;
			this.done = true;
		}
		drain();
	}

	@Override
	public void onComplete() {
		synchronized (this) {
			this.done = true;
		}
		drain();
	}

	@Override
	public void request(long n) {
		if (Operators.validate(n)) {
			synchronized (this) {
				this.demand = Operators.addCap(this.demand, n);
			}
			drain();
		}
	}

	@Override
	public void cancel() {
		this.cancelled = true;
		Subscription subscription = this.upstream;
		if (subscription != null) {
			subscription.cancel();
		}
	}

	/**
	 * Emits ready lists while there is demand and tops the upstream demand up to one
	 * batch; serialized, so lists go out in order whichever thread calls.
	 */
	private void drain() {
		if (this.wip.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		for (;;) {
			for (;;) {
				if (this.cancelled) {
					return;
				}
				List<JournalEntry> batch = null;
				long more = 0;
				boolean finish = false;
				Throwable failure = null;
				synchronized (this) {
					boolean ready = !this.pending.isEmpty()
							&& (this.passEnded || this.done || this.pending.size() >= this.batchSize);
					if (ready && this.demand > 0) {
						batch = this.pending;
						this.pending = new ArrayList<>(this.batchSize);
						this.passEnded = false;
						this.demand--;
					}
					else if (this.done && this.pending.isEmpty()) {
						finish = true;
						failure = this.error;
					}
					if (!this.done && this.demand > 0) {
						more = this.batchSize - this.pending.size() - this.outstanding;
						if (more > 0) {
							this.outstanding += more;
						}
					}
				}
				if (finish) {
					this.cancelled = true;
					if (failure != null) {
						this.actual.onError(failure);
					}
					else {
						this.actual.onComplete();
					}
					return;
				}
				if (more > 0) {
					Subscription subscription = this.upstream;
					if (subscription != null) {
						subscription.request(more);
					}
				}
				if (batch == null) {
					break;
				}
				this.actual.onNext(batch);
			}
			missed = this.wip.addAndGet(-missed);
			if (missed == 0) {
				return;
			}
		}
	}

}
