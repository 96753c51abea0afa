package io.graphstreaming.core.stream;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * Merges heartbeats into a stream while it is idle: at each tick of the interval during
 * which no item passed, one heartbeat is emitted. An idle consumer therefore hears
 * something at least every two intervals, and a busy one (an item at least every
 * interval) hears no heartbeat. Ticks are dropped, not queued, while the consumer has no
 * demand, and they stop when the stream ends. The in-process stream and every transport
 * use this one operator, so heartbeats behave alike everywhere.
 */
public final class IdleHeartbeats {

	private static final int PREFETCH = 32;

	private IdleHeartbeats() {
	}

	/**
	 * Adds idle heartbeats to a stream.
	 * @param <T> the item type
	 * @param items the stream
	 * @param interval the tick, strictly positive
	 * @param timer the scheduler of the ticks
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
		return Flux.defer(() -> {
			AtomicBoolean itemSinceTick = new AtomicBoolean();
			Sinks.Empty<Void> itemsEnded = Sinks.empty();
			Flux<T> source = Flux.<T>from(items)
				.doOnNext((item) -> itemSinceTick.lazySet(true))
				.doFinally((signal) -> itemsEnded.tryEmitEmpty());
			Flux<T> heartbeats = Flux.interval(interval, interval, timer)
				.onBackpressureDrop()
				.filter((tick) -> !itemSinceTick.getAndSet(false))
				.<T>map((tick) -> heartbeat.get())
				.takeUntilOther(itemsEnded.asMono());
			return Flux.merge(PREFETCH, source, heartbeats);
		});
	}

}
