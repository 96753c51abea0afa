package io.graphstreaming.spring.client;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

import io.graphstreaming.core.event.GraphExecutionEventType;

/**
 * One connection of a remote stream: what it asks the server for (the execution, the
 * sequence to resume after, the filters the server applies) and what it tells the stream
 * (connected, something arrived, progress made). It also watches for silence: while the
 * consumer is waiting for events and nothing at all arrives for the silence timeout, the
 * connection fails with {@link ClientFailures.SilenceFailure}. Time during which the
 * consumer asked for nothing is not silence: a slow consumer is not a dead server.
 */
final class Attempt {

	private final RemoteConsumer owner;

	private final String graphId;

	private final String executionId;

	private final long after;

	private final ConnectionType transport;

	private final @Nullable Set<GraphExecutionEventType> eventTypes;

	private final @Nullable Set<String> nodes;

	private final Scheduler timer;

	private final AtomicLong demand = new AtomicLong();

	private volatile long lastHeard;

	private volatile boolean silent;

	private volatile boolean connected;

	Attempt(RemoteConsumer owner, String graphId, String executionId, long after, ConnectionType transport,
			@Nullable Set<GraphExecutionEventType> eventTypes, @Nullable Set<String> nodes, Scheduler timer) {
		this.owner = owner;
		this.graphId = graphId;
		this.executionId = executionId;
		this.after = after;
		this.transport = transport;
		this.eventTypes = eventTypes;
		this.nodes = nodes;
		this.timer = timer;
		this.lastHeard = now();
	}

	String graphId() {
		return this.graphId;
	}

	String executionId() {
		return this.executionId;
	}

	/** The last sequence received: the server sends the events after it. */
	long after() {
		return this.after;
	}

	ConnectionType transport() {
		return this.transport;
	}

	/** The event types the server should send, or {@code null} for all. */
	@Nullable Set<GraphExecutionEventType> eventTypes() {
		return this.eventTypes;
	}

	/** The nodes whose events the server should send, or {@code null} for all. */
	@Nullable Set<String> nodes() {
		return this.nodes;
	}

	/** The longest wait of one long poll. */
	Duration pollWait() {
		return this.owner.pollWait();
	}

	/** The most events the next poll asks for. */
	int pollLimit() {
		return this.owner.pollLimit();
	}

	/** A poll was answered. */
	void pollAnswered() {
		this.owner.onPollAnswered();
	}

	/**
	 * The server refused a poll's wait as longer than its longest.
	 * @param serverMax the server's longest wait
	 * @return whether the next poll waits less, so that it may be sent at once
	 */
	boolean pollWaitRefused(Duration serverMax) {
		return this.owner.onPollWaitRefused(serverMax);
	}

	/** How long a poll may stay unanswered past its wait. */
	Duration pollGrace() {
		return this.owner.pollGrace();
	}

	/** The server accepted the connection (a 200, a WebSocket handshake, a poll answer). */
	void connected() {
		if (!this.connected) {
			this.connected = true;
			this.owner.onConnected(this);
		}
	}

	/** Bytes arrived: the connection is alive. */
	void heard() {
		this.lastHeard = now();
	}

	/** A whole item arrived (an event, a heartbeat, a ping, a poll answer). */
	void progressed() {
		heard();
		this.owner.onProgress();
	}

	/**
	 * Fails a connection's events with {@link ClientFailures.SilenceFailure} when nothing
	 * is {@link #heard()} for {@code silence} while the consumer has demand.
	 * @param <T> the event type
	 * @param events the connection's events
	 * @param silence the silence timeout, or {@code null} to watch nothing
	 * @return the watched events
	 */
	<T> Flux<T> watch(Flux<T> events, @Nullable Duration silence) {
		if (silence == null) {
			return events;
		}
		long silenceNanos = silence.toNanos();
		long period = Math.max(5, silence.toMillis() / 4);
		return Flux.defer(() -> {
			Sinks.Empty<Void> expired = Sinks.empty();
			heard();
			Disposable checks = this.timer.schedulePeriodically(() -> {
				if (this.demand.get() > 0 && now() - this.lastHeard > silenceNanos) {
					this.silent = true;
					expired.tryEmitEmpty();
				}
			}, period, period, TimeUnit.MILLISECONDS);
			return events.doOnRequest((n) -> {
				if (this.demand.getAndUpdate((d) -> Operators.addCap(d, n)) == 0) {
					heard();
				}
			})
				.doOnNext((event) -> this.demand.getAndUpdate((d) -> (d == Long.MAX_VALUE) ? d : d - 1))
				.takeUntilOther(expired.asMono())
				.concatWith(Mono.defer(() -> this.silent ? Mono.error(new ClientFailures.SilenceFailure("nothing "
						+ "arrived (no event, heartbeat or ping) for " + silence.toMillis() + " ms")) : Mono.empty()))
				.doFinally((signal) -> checks.dispose());
		});
	}

	private static long now() {
		return System.nanoTime();
	}

}
