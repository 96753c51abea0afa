package io.graphstreaming.spring.client;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.journal.BufferOverflowException;
import io.graphstreaming.core.journal.ConsumerListener;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;

/**
 * The local buffer of a remote stream, between the network and the consumer, holding at
 * most {@code maxBufferSize} events and acting on the options' overflow policy as an
 * in-process cursor does:
 *
 * <ul>
 * <li>{@code block}: asks the network for at most {@code maxBufferSize} events ahead of
 * the consumer, so that a full buffer stops reading (TCP, WebSocket and polling then
 * pace the server); lossless.</li>
 * <li>{@code drop-oldest}: reads as fast as the network delivers; a new event pushes the
 * oldest buffered one out.</li>
 * <li>{@code drop-newest}: reads as fast as the network delivers; a new event is not
 * buffered while the buffer is full (the terminal event always is).</li>
 * <li>{@code fail}: reads as fast as the network delivers; an event that does not fit
 * ends the stream with a {@link BufferOverflowException}, before the buffered ones.</li>
 * </ul>
 *
 * Dropped events are counted through {@link ConsumerListener#onDropped}; while more than
 * {@code bufferSize} events wait, {@link ConsumerListener#onBuffering} says so. Upstream
 * errors and completion wait until the buffered events are delivered.
 */
final class RemoteBuffer extends Flux<GraphExecutionEvent> {

	private final Flux<GraphExecutionEvent> source;

	private final int bufferSize;

	private final int maxBufferSize;

	private final OverflowPolicy policy;

	private final ConsumerListener listener;

	private final Supplier<String> executionId;

	/**
	 * Creates the buffer.
	 * @param source the events from the network
	 * @param options buffer size, maximum buffer size and overflow policy
	 * @param listener told of buffering, drops and lag
	 * @param executionId the execution, for the overflow message
	 */
	RemoteBuffer(Flux<GraphExecutionEvent> source, StreamingExecutionOptions options, ConsumerListener listener,
			Supplier<String> executionId) {
		this.source = Objects.requireNonNull(source, "source");
		this.bufferSize = options.bufferSize();
		this.maxBufferSize = options.maxBufferSize();
		this.policy = options.overflowPolicy();
		this.listener = Objects.requireNonNull(listener, "listener");
		this.executionId = Objects.requireNonNull(executionId, "executionId");
	}

	@Override
	public void subscribe(CoreSubscriber<? super GraphExecutionEvent> actual) {
		this.source.subscribe(new BufferSubscriber(actual));
	}

	/**
	 * One subscription: a drain loop (whoever changes something drains; one thread at a
	 * time delivers) over a queue guarded by its own monitor.
	 */
	private final class BufferSubscriber implements CoreSubscriber<GraphExecutionEvent>, Subscription {

		private final CoreSubscriber<? super GraphExecutionEvent> actual;

		private final ArrayDeque<GraphExecutionEvent> queue = new ArrayDeque<>();

		private final AtomicLong requested = new AtomicLong();

		private final AtomicInteger wip = new AtomicInteger();

		private @Nullable Subscription upstream;

		private volatile boolean done;

		private volatile @Nullable Throwable error;

		private volatile boolean overflowed;

		private volatile boolean cancelled;

		private boolean buffering;

		private long lagHighWaterMark;

		BufferSubscriber(CoreSubscriber<? super GraphExecutionEvent> actual) {
			this.actual = actual;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (Operators.validate(this.upstream, subscription)) {
				this.upstream = subscription;
				this.actual.onSubscribe(this);
				subscription.request((RemoteBuffer.this.policy == OverflowPolicy.BLOCK)
						? RemoteBuffer.this.maxBufferSize : Long.MAX_VALUE);
			}
		}

		@Override
		public void onNext(GraphExecutionEvent event) {
			if (this.done) {
				return;
			}
			boolean dropped = false;
			synchronized (this.queue) {
				if (this.queue.size() < RemoteBuffer.this.maxBufferSize) {
					this.queue.add(event);
				}
				else {
					switch (RemoteBuffer.this.policy) {
						case DROP_OLDEST -> {
							this.queue.poll();
							this.queue.add(event);
							dropped = true;
						}
						case DROP_NEWEST -> {
							if (event.isTerminal()) {
								this.queue.add(event);
							}
							else {
								dropped = true;
							}
						}
						case FAIL -> this.overflowed = true;
						// BLOCK asks for no more than fits: an extra event is kept, never lost.
						case BLOCK -> this.queue.add(event);
					}
				}
			}
			if (dropped) {
				RemoteBuffer.this.listener.onDropped(1);
			}
			if (this.overflowed) {
				this.done = true;
				cancelUpstream();
			}
			drain();
		}

		@Override
		public void onError(Throwable throwable) {
			if (this.done) {
				Operators.onErrorDropped(throwable, this.actual.currentContext());
				return;
			}
			this.error = throwable;
			this.done = true;
			drain();
		}

		@Override
		public void onComplete() {
			if (this.done) {
				return;
			}
			this.done = true;
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
			if (!this.cancelled) {
				this.cancelled = true;
				cancelUpstream();
				drain();
			}
		}

		private void cancelUpstream() {
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.cancel();
			}
		}

		private void drain() {
			if (this.wip.getAndIncrement() != 0) {
				return;
			}
			int missed = 1;
			for (;;) {
				if (this.cancelled) {
					clear();
					return;
				}
				if (this.overflowed) {
					clear();
					this.actual.onError(new BufferOverflowException(RemoteBuffer.this.executionId.get(),
							RemoteBuffer.this.maxBufferSize));
					return;
				}
				long demand = this.requested.get();
				long emitted = 0;
				while (emitted != demand) {
					boolean finished = this.done;
					GraphExecutionEvent next;
					synchronized (this.queue) {
						next = this.queue.poll();
					}
					if (next == null) {
						if (finished) {
							terminate();
							return;
						}
						break;
					}
					this.actual.onNext(next);
					emitted++;
					if (this.cancelled || this.overflowed) {
						break;
					}
				}
				int backlog;
				synchronized (this.queue) {
					backlog = this.queue.size();
				}
				if (backlog == 0 && this.done && !this.overflowed && !this.cancelled) {
					terminate();
					return;
				}
				if (emitted > 0) {
					if (demand != Long.MAX_VALUE) {
						this.requested.addAndGet(-emitted);
					}
					if (RemoteBuffer.this.policy == OverflowPolicy.BLOCK && !this.done) {
						Subscription subscription = this.upstream;
						if (subscription != null) {
							subscription.request(emitted);
						}
					}
				}
				report(backlog);
				missed = this.wip.addAndGet(-missed);
				if (missed == 0) {
					return;
				}
			}
		}

		/** Reports lag and buffering changes; only the draining thread calls it. */
		private void report(int backlog) {
			if (backlog > this.lagHighWaterMark) {
				this.lagHighWaterMark = backlog;
				RemoteBuffer.this.listener.onLagHighWaterMark(backlog);
			}
			boolean behind = backlog > RemoteBuffer.this.bufferSize;
			if (behind != this.buffering) {
				this.buffering = behind;
				RemoteBuffer.this.listener.onBuffering(behind);
			}
		}

		private void terminate() {
			Throwable failure = this.error;
			if (failure != null) {
				this.actual.onError(failure);
			}
			else {
				this.actual.onComplete();
			}
		}

		private void clear() {
			synchronized (this.queue) {
				this.queue.clear();
			}
		}

	}

}
