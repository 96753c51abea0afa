package io.graphstreaming.core.stream;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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

	private static final int PREFETCH = 32;

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

		/** When the last item went out; written by {@code onNext} only. */
		private final AtomicLong lastSent;

		/** When a heartbeat was last due (sent, or dropped for want of demand). */
		private volatile long lastDue;

		private final AtomicLong requested = new AtomicLong();

		private final AtomicLong delivered = new AtomicLong();

		Silence(long interval, Scheduler timer) {
			this.interval = interval;
			this.timer = timer;
			long now = now();
			this.lastSent = new AtomicLong(now);
			this.lastDue = now;
		}

		private long now() {
			return this.timer.now(TimeUnit.NANOSECONDS);
		}

		private long lastActivity() {
			return Math.max(this.lastSent.get(), this.lastDue);
		}

		/** The time left until a heartbeat is due, as things stand. */
		Duration untilDue() {
			long idle = now() - lastActivity();
			return Duration.ofNanos(Math.max(0, this.interval - idle));
		}

		/**
		 * Whether a heartbeat goes out now: the interval has passed since the last item
		 * and the consumer has demand. When it has passed without demand, the heartbeat is
		 * dropped and the next one is due an interval later.
		 */
		boolean heartbeatDue() {
			long now = now();
			if (now - lastActivity() < this.interval) {
				return false;
			}
			// also when sent: the heartbeat may reach onNext after the timer is re-armed
			this.lastDue = now;
			return this.requested.get() - this.delivered.get() > 0;
		}

		void requested(long n) {
			this.requested.getAndUpdate((current) -> Operators.addCap(current, n));
		}

		void sent() {
			// single writer: onNext calls are serialized; lazySet spares the hot path a fence
			this.delivered.lazySet(this.delivered.get() + 1);
			this.lastSent.lazySet(now());
		}

	}

}
