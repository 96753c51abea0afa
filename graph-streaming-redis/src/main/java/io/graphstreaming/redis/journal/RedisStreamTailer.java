package io.graphstreaming.redis.journal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lettuce.core.StreamMessage;
import io.lettuce.core.UnblockType;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;

import io.graphstreaming.core.journal.EventsExpiredException;
import io.graphstreaming.redis.RedisKeys;

/**
 * Live tails of execution streams, all served by one blocking {@code XREAD} on one
 * dedicated connection: each round reads every tailed stream that has demand, from the
 * last id it delivered, and blocks until one of them has something new. A tail that
 * joins (or gets demand again) while a read is blocked interrupts it with
 * {@code CLIENT UNBLOCK}, so it waits at most a round trip, not the block time.
 *
 * <p>A tail delivers every entry after its start exactly once and in order; a gap (the
 * stream was trimmed past the tail's position) ends it with
 * {@link EventsExpiredException}. Demand is the backpressure: a tail without demand is
 * left out of the next read (each read takes at most {@value #COUNT} entries per
 * stream). While Redis is unreachable the reads are retried with a growing delay, and
 * the tails resume where they stopped.
 */
public final class RedisStreamTailer implements AutoCloseable {

	static final int COUNT = 256;

	/**
	 * {@code CLIENT UNBLOCK} attempts, 2 ms apart, for a tail left out of a read that
	 * has not reached Redis yet (an unblock then finds nothing blocked): enough to cover
	 * a busy machine's delay, after which the tail would wait for the block time.
	 */
	private static final int UNBLOCK_ATTEMPTS = 50;

	private static final System.Logger LOGGER = System.getLogger(RedisStreamTailer.class.getName());

	private final StatefulRedisConnection<String, byte[]> blocking;

	private final RedisAsyncCommands<String, String> control;

	private final Duration block;

	private final RetryBackoff backoff;

	private final Scheduler timer;

	private final Set<Tail> tails = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean reading = new AtomicBoolean();

	private volatile boolean changed;

	private volatile long blockedClientId = -1;

	private volatile boolean closed;

	private int failures;

	/**
	 * Creates the tailer.
	 * @param blocking a connection used for nothing else
	 * @param control commands on another connection (for {@code CLIENT UNBLOCK})
	 * @param block longest time one read blocks (shorter than the command timeout)
	 * @param minRetryDelay first delay after a failed read
	 * @param maxRetryDelay longest delay between retries
	 * @param timer schedules retries
	 */
	public RedisStreamTailer(StatefulRedisConnection<String, byte[]> blocking,
			RedisAsyncCommands<String, String> control, Duration block, Duration minRetryDelay,
			Duration maxRetryDelay, Scheduler timer) {
		this.blocking = Objects.requireNonNull(blocking, "blocking");
		this.control = Objects.requireNonNull(control, "control");
		this.block = block;
		this.backoff = new RetryBackoff(minRetryDelay, maxRetryDelay);
		this.timer = timer;
	}

	/**
	 * The entries of a stream after a sequence, then live ones, until cancelled.
	 * @param key the stream
	 * @param executionId the execution it records (for error messages)
	 * @param afterSequence deliver entries with a greater sequence
	 * @return the entries
	 */
	public Flux<StreamMessage<String, byte[]>> tail(String key, String executionId, long afterSequence) {
		return Flux.create((sink) -> {
			Tail tail = new Tail(key, executionId, afterSequence, sink);
			this.tails.add(tail);
			sink.onDispose(() -> this.tails.remove(tail));
			sink.onRequest((n) -> wake(tail));
		}, FluxSink.OverflowStrategy.BUFFER);
	}

	/**
	 * Tails open now.
	 * @return the count
	 */
	public int tailCount() {
		return this.tails.size();
	}

	private void wake(Tail tail) {
		this.changed = true;
		if (this.reading.compareAndSet(false, true)) {
			read();
		}
		else if (!tail.inFlight && tail.waiting) {
			// a new tail, or one that was left out for want of demand: only these need the
			// blocked read interrupted (a tail being served asks again after each event)
			unblock(tail, UNBLOCK_ATTEMPTS);
		}
	}

	private void unblock(Tail tail, int attemptsLeft) {
		long clientId = this.blockedClientId;
		if (clientId < 0 || this.closed) {
			return;
		}
		this.control.clientUnblock(clientId, UnblockType.TIMEOUT).whenComplete((unblocked, error) -> {
			// 0: the read was not blocked yet (or had already returned); try again shortly
			// unless the tail made it into a read meanwhile
			if (error == null && unblocked == 0 && attemptsLeft > 1 && !tail.inFlight && this.reading.get()) {
				this.timer.schedule(() -> unblock(tail, attemptsLeft - 1), 2, TimeUnit.MILLISECONDS);
			}
		});
	}

	private void read() {
		if (this.closed) {
			this.reading.set(false);
			return;
		}
		this.changed = false;
		Map<String, List<Tail>> ready = new LinkedHashMap<>();
		for (Tail tail : this.tails) {
			if (!tail.sink.isCancelled() && tail.sink.requestedFromDownstream() > 0) {
				tail.waiting = false;
				ready.computeIfAbsent(tail.key, (key) -> new ArrayList<>(1)).add(tail);
			}
			else {
				tail.waiting = true;
			}
		}
		if (ready.isEmpty()) {
			this.reading.set(false);
			if (this.changed && this.reading.compareAndSet(false, true)) {
				read();
			}
			return;
		}
		if (this.blockedClientId < 0) {
			this.blocking.async().clientId().whenComplete((id, error) -> {
				if (error != null) {
					retryLater(error);
				}
				else {
					this.blockedClientId = id;
					read();
				}
			});
			return;
		}
		List<StreamOffset<String>> offsets = new ArrayList<>(ready.size());
		for (Map.Entry<String, List<Tail>> stream : ready.entrySet()) {
			long from = Long.MAX_VALUE;
			for (Tail tail : stream.getValue()) {
				tail.inFlight = true;
				from = Math.min(from, tail.last);
			}
			offsets.add(StreamOffset.from(stream.getKey(), RedisKeys.entryId(from)));
		}
		@SuppressWarnings("unchecked")
		StreamOffset<String>[] streams = offsets.toArray(StreamOffset[]::new);
		this.blocking.async()
			.xread(XReadArgs.Builder.block(this.block).count(COUNT), streams)
			.whenComplete((messages, error) -> {
				for (List<Tail> waiting : ready.values()) {
					waiting.forEach((tail) -> tail.inFlight = false);
				}
				if (error != null) {
					retryLater(error);
					return;
				}
				this.failures = 0;
				if (messages != null) {
					for (StreamMessage<String, byte[]> message : messages) {
						List<Tail> readers = ready.get(message.getStream());
						if (readers != null) {
							readers.forEach((tail) -> tail.deliver(message));
						}
					}
				}
				read();
			});
	}

	private void retryLater(Throwable error) {
		this.blockedClientId = -1;
		if (this.closed) {
			this.reading.set(false);
			return;
		}
		int failure = ++this.failures;
		if (failure == 1) {
			LOGGER.log(System.Logger.Level.WARNING, "Reading execution streams from Redis failed (" + error
					+ "); retrying with backoff until it answers");
		}
		long delay = this.backoff.millisAfter(failure);
		this.timer.schedule(this::read, delay, TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() {
		this.closed = true;
		unblockQuietly();
	}

	private void unblockQuietly() {
		long clientId = this.blockedClientId;
		if (clientId >= 0) {
			try {
				this.control.clientUnblock(clientId, UnblockType.TIMEOUT);
			}
			catch (RuntimeException ex) {
				// closing anyway
			}
		}
	}

	private static final class Tail {

		final String key;

		final String executionId;

		final FluxSink<StreamMessage<String, byte[]>> sink;

		volatile long last;

		volatile boolean inFlight;

		/** Not in the reads yet, or left out of the last one for want of demand. */
		volatile boolean waiting = true;

		Tail(String key, String executionId, long after, FluxSink<StreamMessage<String, byte[]>> sink) {
			this.key = key;
			this.executionId = executionId;
			this.last = after;
			this.sink = sink;
		}

		void deliver(StreamMessage<String, byte[]> message) {
			long sequence = RedisKeys.sequenceOf(message.getId());
			if (sequence <= this.last || this.sink.isCancelled()) {
				return;
			}
			if (sequence != this.last + 1) {
				this.sink.error(new EventsExpiredException(this.executionId, this.last, sequence));
				return;
			}
			this.last = sequence;
			this.sink.next(message);
		}

	}

}
