package io.graphstreaming.spring.client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.journal.ConsumerListener;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.core.stream.ConnectionListener;
import io.graphstreaming.core.stream.StreamStatus;

/**
 * One subscription to a remote stream: starts the execution (for
 * {@link GraphStreamClient#stream}), connects, and after every failure the reconnect
 * policy allows, connects again and resumes after the last sequence received. The start
 * request carries an {@code Idempotency-Key} drawn once per subscription, so that it is
 * retried under the same policy as connections: the server answers a repeated key with
 * the execution it already started for it, never a second one.
 *
 * <p>Events pass here in one place for every transport: an event of another execution is
 * a protocol failure, one at or below the last sequence received is a duplicate and is
 * dropped, so that each sequence reaches the consumer exactly once and in order; the
 * stream completes after the terminal event. Connections happen one after the other, so
 * the state needs no locking; fields are volatile because consecutive connections run on
 * different threads.
 */
final class RemoteConsumer {

	private static final System.Logger logger = System.getLogger(RemoteConsumer.class.getName());

	/** The most events one poll asks for. */
	static final int MAX_POLL_LIMIT = 256;

	/** How long a poll may stay unanswered past its wait when no heartbeat interval is known. */
	private static final Duration DEFAULT_POLL_GRACE = Duration.ofSeconds(30);

	private final GraphStreamClient client;

	private final ClientSettings settings;

	private final String graphId;

	private final @Nullable Map<String, ?> input;

	private final StreamingExecutionOptions options;

	private final EventFilter filter;

	private final ConnectionListener connection;

	private final Backoff backoff;

	private final @Nullable Duration silence;

	private volatile @Nullable String executionId;

	private volatile long lastSequence;

	private volatile boolean terminalSeen;

	private volatile ConnectionType transport;

	private volatile boolean transportSettled;

	private volatile int reconnectsInARow;

	private volatile boolean everConnected;

	private volatile boolean reconnecting;

	private final int maxPollLimit;

	private volatile int pollLimit;

	private volatile @Nullable Duration serverMaxPollWait;

	private final @Nullable String idempotencyKey;

	private volatile boolean startUncertain;

	/**
	 * Creates a consumer.
	 * @param client the client, for the start and cancel requests
	 * @param graphId the graph
	 * @param input the input of a new execution, or {@code null} to attach to
	 * {@code executionId}
	 * @param executionId the execution to attach to, or {@code null} to start one
	 * @param after the sequence to resume after
	 * @param options reconnect and heartbeat settings
	 * @param filter the consumer's filter: types and nodes are also sent to the server
	 * @param connection told of connection changes
	 */
	RemoteConsumer(GraphStreamClient client, String graphId, @Nullable Map<String, ?> input,
			@Nullable String executionId, long after, StreamingExecutionOptions options, EventFilter filter,
			ConnectionListener connection) {
		this.client = client;
		this.settings = client.settings();
		this.graphId = graphId;
		this.input = input;
		this.executionId = executionId;
		this.lastSequence = after;
		this.options = options;
		this.filter = filter;
		this.connection = connection;
		this.backoff = new Backoff(options.initialReconnectDelay(), options.maxReconnectDelay(),
				this.settings.jitter());
		this.silence = options.enableHeartbeat() ? this.settings.silenceTimeout(options.heartbeatInterval()) : null;
		this.transport = (this.settings.connectionType() == ConnectionType.AUTO) ? ConnectionType.WEBSOCKET
				: this.settings.connectionType();
		this.transportSettled = this.settings.connectionType() != ConnectionType.AUTO;
		this.maxPollLimit = Math.min(MAX_POLL_LIMIT, options.maxBufferSize());
		this.pollLimit = this.maxPollLimit;
		this.idempotencyKey = (input != null) ? UUID.randomUUID().toString() : null;
	}

	/**
	 * The consumer's entries, until the terminal event (or the server's end of the stream),
	 * through the local buffer ({@link RemoteBuffer}). Only the consumer's own cancel
	 * cancels a started execution; a stream that fails (the {@code fail} policy's
	 * overflow included) leaves it running, as an in-process consumer does.
	 * @param listener told of the local buffer's state and drops
	 * @return the entries; errors with a {@link GraphStreamClientException} when the
	 * stream fails for good, with a
	 * {@link io.graphstreaming.core.journal.BufferOverflowException} under the
	 * {@code fail} policy
	 */
	Flux<JournalEntry> entries(ConsumerListener listener) {
		Flux<GraphExecutionEvent> received = Flux.defer(this::connect)
			.retryWhen(Retry.from((failures) -> failures.concatMap((signal) -> afterFailure(signal.failure()))))
			.filter(this.filter);
		Flux<GraphExecutionEvent> events = new RemoteBuffer(received, this.options, listener,
				() -> String.valueOf(this.executionId));
		if (this.input != null) {
			events = events.doOnCancel(this::cancelStartedExecution);
		}
		return events.map(JournalEntry::new);
	}

	private Flux<GraphExecutionEvent> connect() {
		String known = this.executionId;
		Mono<String> execution = (known != null) ? Mono.just(known) : start();
		return execution.flatMapMany((id) -> {
			this.executionId = id;
			Attempt attempt = new Attempt(this, this.graphId, id, this.lastSequence, this.transport,
					serverTypes(), this.filter.nodeIds(), this.settings.timer());
			Flux<GraphExecutionEvent> received = this.client.transport(this.transport)
				.open(attempt)
				.filter(this::isNew)
				.takeUntil(GraphExecutionEvent::isTerminal);
			return attempt.watch(received, this.silence);
		});
	}

	/**
	 * The event types the server should send: the filter's, plus the terminal types, so
	 * that the end of the execution is always seen (the local filter drops them again).
	 */
	private @Nullable Set<GraphExecutionEventType> serverTypes() {
		Set<GraphExecutionEventType> types = this.filter.eventTypes();
		if (types == null) {
			return null;
		}
		EnumSet<GraphExecutionEventType> withTerminal = EnumSet.of(GraphExecutionEventType.EXECUTION_COMPLETED,
				GraphExecutionEventType.EXECUTION_FAILED, GraphExecutionEventType.EXECUTION_CANCELLED);
		withTerminal.addAll(types);
		return withTerminal;
	}

	private Mono<String> start() {
		String key = Objects.requireNonNull(this.idempotencyKey, "idempotencyKey");
		return this.client.startExecution(this.graphId, (this.input != null) ? this.input : Map.of(), key)
			.doOnError((failure) -> {
				if (HttpRequests.mayHaveStarted(failure)) {
					this.startUncertain = true;
				}
			});
	}

	private boolean isNew(GraphExecutionEvent event) {
		if (!event.executionId().equals(this.executionId)) {
			throw new ClientFailures.ProtocolFailure("The server sent an event of execution '" + event.executionId()
					+ "' on the stream of execution '" + this.executionId + "'", false);
		}
		onProgress();
		if (event.sequence() <= this.lastSequence) {
			return false;
		}
		this.lastSequence = event.sequence();
		if (event.isTerminal()) {
			this.terminalSeen = true;
		}
		return true;
	}

	/** The connection of an attempt was accepted. */
	void onConnected(Attempt attempt) {
		this.transportSettled = true;
		String where = this.settings.address() + " over " + attempt.transport().displayName();
		String reason = this.everConnected
				? "reconnected to " + where + ", resuming execution " + attempt.executionId() + " after sequence "
						+ attempt.after()
				: "connected to " + where + ", execution " + attempt.executionId();
		this.everConnected = true;
		this.connection.onConnection(StreamStatus.CONNECTED, reason);
	}

	/** Something whole arrived: a run of failures is over. */
	void onProgress() {
		if (this.reconnecting) {
			this.reconnecting = false;
			this.reconnectsInARow = 0;
			this.backoff.reset();
		}
	}

	/**
	 * The wait of the next long poll: the client's, at most one heartbeat interval with
	 * heartbeats on (so that each answer works as a heartbeat), and at most the server's
	 * longest once a poll learnt it.
	 */
	Duration pollWait() {
		Duration wait = this.settings.pollWait();
		if (this.silence != null && this.options.heartbeatInterval().compareTo(wait) < 0) {
			wait = this.options.heartbeatInterval();
		}
		Duration serverMax = this.serverMaxPollWait;
		return (serverMax != null && serverMax.compareTo(wait) < 0) ? serverMax : wait;
	}

	/**
	 * The server refused a poll's wait as longer than its longest.
	 * @param serverMax the server's longest wait
	 * @return whether the next poll waits less than the refused one did
	 */
	boolean onPollWaitRefused(Duration serverMax) {
		Duration refused = pollWait();
		this.serverMaxPollWait = serverMax;
		logger.log(Level.DEBUG, () -> this.settings.address() + " allows long polls of at most " + serverMax.toMillis()
				+ " ms; polling with that wait");
		return serverMax.compareTo(refused) < 0;
	}

	/**
	 * The most events the next poll asks for: at most {@link #MAX_POLL_LIMIT} and the
	 * options' {@code maxBufferSize} (a page is read ahead of the consumer whole); halved
	 * after each failed connection, so that a network that cuts long answers still lets
	 * small pages through; doubled after each answer.
	 */
	int pollLimit() {
		return this.pollLimit;
	}

	/** A poll was answered. */
	void onPollAnswered() {
		this.pollLimit = Math.min(this.maxPollLimit, this.pollLimit * 2);
	}

	Duration pollGrace() {
		return (this.silence != null) ? this.silence : DEFAULT_POLL_GRACE;
	}

	/**
	 * Decides what follows a failed connection: a reconnect after a delay, the next
	 * transport of {@link ConnectionType#AUTO}, or the end of the stream.
	 */
	private Mono<?> afterFailure(Throwable failure) {
		if (failure instanceof GraphStreamClientException fatal) {
			return Mono.error(fatal);
		}
		if (!this.transportSettled && isHandshakeRefusal(failure) && this.transport != ConnectionType.POLLING) {
			ConnectionType next = (this.transport == ConnectionType.WEBSOCKET) ? ConnectionType.SSE
					: ConnectionType.POLLING;
			logger.log(Level.DEBUG, () -> this.settings.address() + " refused " + this.transport.displayName() + " ("
					+ ClientFailures.describe(failure) + "); trying " + next.displayName());
			this.transport = next;
			return Mono.just(0L);
		}
		Duration retryAfter = null;
		if (failure instanceof ClientFailures.StatusFailure refused) {
			if (!refused.retryable()) {
				return Mono.error(refusal(refused, refused.status()));
			}
			retryAfter = refused.retryAfter();
		}
		else if (failure instanceof ClientFailures.CloseFailure closed) {
			if (!closed.retryable()) {
				return Mono.error(refusal(closed, 0));
			}
		}
		else if (!ClientFailures.isNetworkFailure(failure)) {
			return Mono.error(refusal(failure, 0));
		}
		return reconnect(failure, retryAfter);
	}

	private static boolean isHandshakeRefusal(Throwable failure) {
		if (failure instanceof ClientFailures.StatusFailure refused) {
			return refused.handshake() && refused.status() != 429;
		}
		return failure instanceof ClientFailures.ProtocolFailure protocol && protocol.handshake();
	}

	private Mono<?> reconnect(Throwable failure, @Nullable Duration retryAfter) {
		int maxAttempts = this.options.enableAutoReconnect() ? this.options.maxReconnectAttempts() : 0;
		if (this.reconnectsInARow >= maxAttempts) {
			return Mono.error(exhausted(failure, maxAttempts));
		}
		int attempt = ++this.reconnectsInARow;
		this.reconnecting = true;
		this.pollLimit = Math.max(1, this.pollLimit / 2);
		Duration delay = (failure instanceof ClientFailures.PrematureEnd && attempt == 1) ? Duration.ZERO
				: this.backoff.next(attempt);
		if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
			delay = retryAfter;
		}
		String what = (this.executionId != null) ? "connection to " + this.settings.address() + " over "
				+ this.transport.displayName() + " lost" : "could not start an execution at " + this.settings.address();
		this.connection.onConnection(StreamStatus.RECONNECTING, what + " (" + ClientFailures.describe(failure)
				+ "); reconnect " + attempt + " of " + maxAttempts + " in " + delay.toMillis() + " ms"
				+ ((this.executionId != null) ? ", resuming after sequence " + this.lastSequence : ""));
		return Mono.delay(delay, this.settings.timer());
	}

	private GraphStreamClientException exhausted(Throwable failure, int maxAttempts) {
		String message = subject() + " failed at " + this.settings.address() + " over " + this.transport.displayName()
				+ ": " + (this.options.enableAutoReconnect()
						? "gave up after " + this.reconnectsInARow + " reconnect attempt"
								+ ((this.reconnectsInARow == 1) ? "" : "s") + " in a row (max " + maxAttempts + ")"
						: "auto-reconnect is off")
				+ "; last cause: " + ClientFailures.describe(failure);
		int status = (failure instanceof ClientFailures.StatusFailure refused) ? refused.status() : 0;
		return new GraphStreamClientException(message, failure, this.settings.address(), status,
				this.reconnectsInARow, mayHaveStarted());
	}

	private GraphStreamClientException refusal(Throwable failure, int status) {
		String message = subject() + " failed at " + this.settings.address() + " over " + this.transport.displayName()
				+ ": " + ClientFailures.describe(failure) + " (not retried)";
		return new GraphStreamClientException(message, failure, this.settings.address(), status,
				this.reconnectsInARow, mayHaveStarted());
	}

	/**
	 * Whether the stream gives up without an execution id after a start request that may
	 * have reached the server: an execution may run that the client never learnt of.
	 */
	private boolean mayHaveStarted() {
		return this.executionId == null && this.startUncertain;
	}

	private String subject() {
		String id = this.executionId;
		return (id != null) ? "The stream of execution " + id + " of graph '" + this.graphId + "'"
				: "Starting an execution of graph '" + this.graphId + "'";
	}

	/**
	 * The consumer of {@link GraphStreamClient#stream} cancelled before the end: cancel
	 * the execution too, as cancelling an in-process stream cancels its run.
	 */
	private void cancelStartedExecution() {
		String id = this.executionId;
		if (id != null && !this.terminalSeen) {
			this.client.cancel(this.graphId, id).subscribe(null, (error) -> logger.log(Level.DEBUG,
					() -> "Cancelling execution " + id + " after the consumer left failed: " + error));
		}
	}

}
