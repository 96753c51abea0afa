package io.graphstreaming.spring.client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.core.stream.ConnectionListener;
import io.graphstreaming.core.stream.StreamStatus;

/**
 * One subscription to a remote stream: starts the execution (for
 * {@link GraphStreamClient#stream}), connects, and after every failure the reconnect
 * policy allows, connects again and resumes after the last sequence received.
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

	private volatile int pollLimit = MAX_POLL_LIMIT;

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
	}

	/**
	 * The consumer's entries, until the terminal event (or the server's end of the stream).
	 * @return the entries; errors with a {@link GraphStreamClientException} when the
	 * stream fails for good
	 */
	Flux<JournalEntry> entries() {
		Flux<GraphExecutionEvent> events = Flux.defer(this::connect)
			.retryWhen(Retry.from((failures) -> failures.concatMap((signal) -> afterFailure(signal.failure()))))
			.filter(this.filter);
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
		return this.client.startExecution(this.graphId, (this.input != null) ? this.input : Map.of());
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

	Duration pollWait() {
		Duration wait = this.settings.pollWait();
		if (this.silence != null && this.options.heartbeatInterval().compareTo(wait) < 0) {
			return this.options.heartbeatInterval();
		}
		return wait;
	}

	/**
	 * The most events the next poll asks for: halved after each failed connection, so
	 * that a network that cuts long answers still lets small pages through; doubled
	 * after each answer.
	 */
	int pollLimit() {
		return this.pollLimit;
	}

	/** A poll was answered. */
	void onPollAnswered() {
		this.pollLimit = Math.min(MAX_POLL_LIMIT, this.pollLimit * 2);
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
				this.reconnectsInARow, false);
	}

	private GraphStreamClientException refusal(Throwable failure, int status) {
		String message = subject() + " failed at " + this.settings.address() + " over " + this.transport.displayName()
				+ ": " + ClientFailures.describe(failure) + " (not retried)";
		return new GraphStreamClientException(message, failure, this.settings.address(), status,
				this.reconnectsInARow, false);
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
