package io.graphstreaming.core.stream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

/**
 * Batches whose target size adapts to load; see
 * {@link GraphExecutionEventStream#withAdaptiveBuffering(int, int, Duration, Scheduler)}.
 *
 * <p>Demand: {@code maxBatchSize} items are requested up front and each batch handed
 * downstream is replenished by its size, so no more than {@code maxBatchSize} items are
 * ever held here, and nothing is emitted without downstream demand (no "could not emit
 * buffer due to lack of requests"). State changes happen under this operator's lock;
 * emission happens outside it, in a drain loop.
 *
 * @param <T> the item type
 */
final class AdaptiveBufferFlux<T> extends Flux<List<T>> {

	private final Flux<T> source;

	private final int minBatchSize;

	private final int maxBatchSize;

	private final Duration targetLatency;

	private final Scheduler timer;

	AdaptiveBufferFlux(Flux<T> source, int minBatchSize, int maxBatchSize, Duration targetLatency, Scheduler timer) {
		if (minBatchSize <= 0) {
			throw new IllegalArgumentException("minBatchSize must be strictly positive but was " + minBatchSize);
		}
		if (maxBatchSize < minBatchSize) {
			throw new IllegalArgumentException(
					"maxBatchSize (" + maxBatchSize + ") must be >= minBatchSize (" + minBatchSize + ")");
		}
		Objects.requireNonNull(targetLatency, "targetLatency");
		if (targetLatency.isNegative() || targetLatency.isZero()) {
			throw new IllegalArgumentException("targetLatency must be strictly positive but was " + targetLatency);
		}
		this.source = source;
		this.minBatchSize = minBatchSize;
		this.maxBatchSize = maxBatchSize;
		this.targetLatency = targetLatency;
		this.timer = Objects.requireNonNull(timer, "timer");
	}

	@Override
	public void subscribe(CoreSubscriber<? super List<T>> actual) {
		this.source.subscribe(new AdaptiveBufferSubscriber(actual));
	}

	private final class AdaptiveBufferSubscriber implements CoreSubscriber<T>, Subscription {

		private final CoreSubscriber<? super List<T>> actual;

		private final AtomicInteger wip = new AtomicInteger();

		private final ArrayDeque<List<T>> ready = new ArrayDeque<>();

		private List<T> current = new ArrayList<>();

		private int target = AdaptiveBufferFlux.this.minBatchSize;

		private long requested;

		private boolean done;

		private @Nullable Throwable error;

		private @Nullable Disposable deadline;

		private long generation;

		private volatile boolean cancelled;

		private @Nullable Subscription upstream;

		AdaptiveBufferSubscriber(CoreSubscriber<? super List<T>> actual) {
			this.actual = actual;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (Operators.validate(this.upstream, subscription)) {
				this.upstream = subscription;
				this.actual.onSubscribe(this);
				subscription.request(AdaptiveBufferFlux.this.maxBatchSize);
			}
		}

		@Override
		public void onNext(T item) {
			synchronized (this) {
				if (this.done) {
					return;
				}
				this.current.add(item);
				if (this.current.size() >= this.target) {
					closeBatch(true);
				}
				else if (this.current.size() == 1) {
					long batch = this.generation;
					this.deadline = AdaptiveBufferFlux.this.timer.schedule(() -> onDeadline(batch),
							AdaptiveBufferFlux.this.targetLatency.toNanos(), TimeUnit.NANOSECONDS);
				}
			}
			drain();
		}

		private void onDeadline(long batch) {
			synchronized (this) {
				if (batch != this.generation || this.current.isEmpty()) {
					return;
				}
				closeBatch(false);
			}
			drain();
		}

		/**
		 * Moves the current batch to the ready queue and adapts the target: up when the
		 * batch filled before its deadline, down when the deadline cut it.
		 */
		private void closeBatch(boolean filled) {
			this.ready.add(this.current);
			this.current = new ArrayList<>(this.target);
			this.generation++;
			Disposable pending = this.deadline;
			if (pending != null) {
				pending.dispose();
				this.deadline = null;
			}
			if (filled) {
				this.target = Math.min(AdaptiveBufferFlux.this.maxBatchSize, this.target * 2);
			}
			else {
				this.target = Math.max(AdaptiveBufferFlux.this.minBatchSize, this.target / 2);
			}
		}

		@Override
		public void onError(Throwable throwable) {
			synchronized (this) {
				if (this.done) {
					Operators.onErrorDropped(throwable, this.actual.currentContext());
					return;
				}
				flushOnEnd();
				this.error = throwable;
			}
			drain();
		}

		@Override
		public void onComplete() {
			synchronized (this) {
				if (this.done) {
					return;
				}
				flushOnEnd();
			}
			drain();
		}

		private void flushOnEnd() {
			if (!this.current.isEmpty()) {
				this.ready.add(this.current);
				this.current = new ArrayList<>();
			}
			Disposable pending = this.deadline;
			if (pending != null) {
				pending.dispose();
			}
			this.done = true;
		}

		@Override
		public void request(long n) {
			if (Operators.validate(n)) {
				synchronized (this) {
					this.requested = Operators.addCap(this.requested, n);
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
			synchronized (this) {
				Disposable pending = this.deadline;
				if (pending != null) {
					pending.dispose();
				}
				this.ready.clear();
			}
		}

		private void drain() {
			if (this.wip.getAndIncrement() != 0) {
				return;
			}
			int missed = 1;
			for (;;) {
				long replenish = 0;
				for (;;) {
					List<T> batch;
					synchronized (this) {
						if (this.cancelled || this.requested == 0 || this.ready.isEmpty()) {
							break;
						}
						batch = this.ready.poll();
						if (this.requested != Long.MAX_VALUE) {
							this.requested--;
						}
					}
					this.actual.onNext(batch);
					replenish += batch.size();
				}
				boolean finished;
				Throwable failure;
				synchronized (this) {
					finished = this.done && this.ready.isEmpty() && !this.cancelled;
					failure = this.error;
				}
				if (finished) {
					if (failure != null) {
						this.actual.onError(failure);
					}
					else {
						this.actual.onComplete();
					}
					this.cancelled = true;
					return;
				}
				Subscription subscription = this.upstream;
				if (replenish > 0 && subscription != null) {
					subscription.request(replenish);
				}
				missed = this.wip.addAndGet(-missed);
				if (missed == 0) {
					return;
				}
			}
		}

	}

}
