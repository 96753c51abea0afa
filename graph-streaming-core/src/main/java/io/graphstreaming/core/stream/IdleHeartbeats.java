package io.graphstreaming.core.stream;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * Merges heartbeats into a stream while it is idle: once {@code interval} has passed
 * since the last item went out (an item of the stream or a heartbeat), one heartbeat is
 * emitted. An idle consumer therefore hears something every interval, and a busy one (an
 * item at least every interval) hears no heartbeat. Heartbeats are dropped, not queued,
 * while the consumer has no demand, and they stop when the stream ends. The in-process
 * stream and every transport use this one operator, so heartbeats behave alike
 * everywhere.
 *
 * <p>Items only record when they went out; one timer per stream is armed at a time.
 * When it fires before the interval has passed since the last item, it is re-armed for
 * the time left: a busy stream costs at most one timer per interval, never one per item.
 */
public final class IdleHeartbeats {

	/**
	 * The merge's queue per source. Each open stream holds two (a heap histogram of 4,000
	 * idle SSE streams showed them at 424 bytes each with 32 slots, the largest item of a
	 * stream's own state); eight slots keep the saving while a busy stream pays one more
	 * request to its source every six items.
	 */
	private static final int PREFETCH = 8;

	private IdleHeartbeats() {
	}

	/**
	 * Adds idle heartbeats to a stream.
	 * @param <T> the item type
	 * @param items the stream
	 * @param interval the idle time after which a heartbeat goes out, strictly positive
	 * @param timer the scheduler of the timer, and the clock items are timed with
	 * @param heartbeat makes one heartbeat item (called once per heartbeat sent)
	 * @return the items with heartbeats merged in, ending with the items
	 * @throws IllegalArgumentException if the interval is not strictly positive
	 */
	public static <T> Flux<T> merge(Flux<? extends T> items, Duration interval, Scheduler timer,
			Supplier<? extends T> heartbeat) {
		Objects.requireNonNull(items, "items");
		Objects.requireNonNull(interval, "interval");
		Objects.requireNonNull(timer, "timer");
		Objects.requireNonNull(heartbeat, "heartbeat");
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("heartbeat interval must be strictly positive but was " + interval);
		}
		long intervalNanos = interval.toNanos();
		return Flux.defer(() -> {
			Silence silence = new Silence(intervalNanos, timer);
			Sinks.Empty<Void> itemsEnded = Sinks.empty();
			Flux<T> source = Flux.<T>from(items).doFinally((signal) -> itemsEnded.tryEmitEmpty());
			Flux<T> heartbeats = Mono.defer(() -> Mono.delay(silence.untilDue(), timer))
				.repeat()
				.onBackpressureDrop()
				.filter((tick) -> silence.heartbeatDue())
				.<T>map((tick) -> heartbeat.get())
				.takeUntilOther(itemsEnded.asMono());
			return Flux.merge(PREFETCH, source, heartbeats)
				.doOnRequest(silence::requested)
				.doOnNext((item) -> silence.sent());
		});
	}

	/**
	 * How long one subscription has been silent, and whether its consumer has demand.
	 * {@link #sent()} runs on the serialized {@code onNext} path and
	 * {@link #requested(long)} on the serialized {@code request} path; the timer reads
	 * both.
	 */
	private static final class Silence {

		private final long interval;

		private final Scheduler timer;

		// field updaters, not AtomicLongs: one Silence per open stream, and idle streams
		// are counted in thousands
		private static final AtomicLongFieldUpdater<Silence> LAST_SENT = AtomicLongFieldUpdater
			.newUpdater(Silence.class, "lastSent");

		private static final AtomicLongFieldUpdater<Silence> REQUESTED = AtomicLongFieldUpdater
			.newUpdater(Silence.class, "requested");

		private static final AtomicLongFieldUpdater<Silence> DELIVERED = AtomicLongFieldUpdater
			.newUpdater(Silence.class, "delivered");

		/** When the last item went out; written by {@code onNext} only. */
		private volatile long lastSent;

		/** When a heartbeat was last due (sent, or dropped for want of demand). */
		private volatile long lastDue;

		private volatile long requested;

		private volatile long delivered;

		Silence(long interval, Scheduler timer) {
			this.interval = interval;
			this.timer = timer;
			long now = now();
			this.lastSent = now;
			this.lastDue = now;
		}

		private long now() {
			return this.timer.now(TimeUnit.NANOSECONDS);
		}

		private long lastActivity() {
			return Math.max(this.lastSent, this.lastDue);
		}

		/**
		 * The time left until a heartbeat is due, as things stand; never more than one
		 * interval, so that a clock set back (the scheduler's clock may be the wall clock)
		 * delays no heartbeat by more than that.
		 */
		Duration untilDue() {
			long idle = now() - lastActivity();
			return Duration.ofNanos((idle < 0) ? this.interval : Math.max(0, this.interval - idle));
		}

		/**
		 * Whether a heartbeat goes out now: the interval has passed since the last item
		 * and the consumer has demand. When it has passed without demand, the heartbeat is
		 * dropped and the next one is due an interval later.
		 */
		boolean heartbeatDue() {
			long now = now();
			long idle = now - lastActivity();
			// idle < 0: the clock was set back since the last item; the timer waited a full
			// interval (see untilDue), so a heartbeat is due
			if (idle >= 0 && idle < this.interval) {
				return false;
			}
			// also when sent: the heartbeat may reach onNext after the timer is re-armed
			this.lastDue = now;
			return this.requested - this.delivered > 0;
		}

		void requested(long n) {
			Operators.addCap(REQUESTED, this, n);
		}

		void sent() {
			// single writer: onNext calls are serialized; lazySet spares the hot path a fence
			DELIVERED.lazySet(this, this.delivered + 1);
			LAST_SENT.lazySet(this, now());
		}

	}

}
