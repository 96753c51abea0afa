package io.graphstreaming.spring.web.websocket;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.codec.CompressionCodec;
import io.graphstreaming.core.codec.CompressionPolicy;
import io.graphstreaming.core.execution.ExecutionExpiredException;
import io.graphstreaming.core.execution.ExecutionLimitExceededException;
import io.graphstreaming.core.execution.ExecutionNotFoundException;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.RegistryShutdownException;
import io.graphstreaming.core.graph.Graph;
import io.graphstreaming.core.journal.ConsumerSpec;
import io.graphstreaming.core.options.CompressionAlgorithm;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.metrics.TransportMetrics;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.security.GraphAccess;
import io.graphstreaming.spring.security.GraphAccessControl;
import io.graphstreaming.spring.security.GraphAccessDeniedException;
import io.graphstreaming.spring.security.GraphAuthorizer;
import io.graphstreaming.spring.security.GraphCaller;
import io.graphstreaming.spring.security.GraphOperation;
import io.graphstreaming.spring.web.ClientKeyResolver;
import io.graphstreaming.spring.web.ExecutionRateExceededException;
import io.graphstreaming.spring.web.ExecutionRateLimiter;
import io.graphstreaming.spring.web.InputLimits;
import io.graphstreaming.spring.web.ProblemResponses;
import io.graphstreaming.spring.web.websocket.WebSocketCodecDelegate.FrameCompression;

/**
 * The WebSocket protocol of {@code /graphs/{graphId}/ws}: a socket streams one execution
 * of its graph, one event JSON per text frame, then closes with 1000.
 *
 * <p>Client messages are JSON text frames: {@code execute} (with an optional
 * {@code input} object and {@code eventTypes} / {@code nodes} filters), {@code resume}
 * ({@code executionId}, {@code after}, the same filters) and {@code cancel}. A message the
 * socket cannot act on gets {@code {"type":"error","status":<4xx>,"detail":"..."}} and
 * the socket stays usable: 400 for malformed or invalid messages and binary frames, 404
 * and 410 for an unknown or expired execution, 403 when the {@link GraphAuthorizer}
 * refuses the message, 409 for a second {@code execute} or
 * {@code resume} while one streams and for a {@code cancel} with nothing streaming, 429
 * when no execution may start (the limit of concurrent executions, or the client's
 * allowance of executions per minute). An {@code execute} whose input breaks the
 * {@link InputLimits} gets 400 (too deep) or 413 (too many values). The socket is closed with 1008 (policy violation) after a
 * message larger than the configured limit (with a 413 error first), after
 * {@value #MAX_CONSECUTIVE_BAD_MESSAGES} refused messages in a row (an accepted
 * {@code execute}, {@code resume} or {@code cancel} resets the count), and when a client
 * lets {@value #MAX_PENDING_REPLIES} error replies pile up unread.
 *
 * <p>Event frames are the journal entries' cached JSON bytes, sent as they are. A client
 * that adds {@code "compression":"gzip"} or {@code "brotli"} to its {@code execute} or
 * {@code resume} gets events at or above the graph's (adaptive) compression threshold as
 * binary frames (see {@link CompressedEventFrames}), when the graph's options enable event
 * compression; an unknown algorithm, or Brotli where it cannot load, is a 400. The
 * socket's send demand drives the consumer's cursor, so a slow client holds back its
 * own stream (and, under the {@code block} overflow policy, the execution) instead of
 * growing a queue. WebSocket pings are sent at a fixed interval while the socket is
 * open. When the client goes away mid-stream, the execution follows the configured
 * disconnect policy (applied by {@link GraphRegistry#create}).
 *
 * <p>At application shutdown ({@link #shutdown()}), sockets that stream nothing are
 * closed with 1001 ({@link #GOING_AWAY}); a streaming socket gets its execution's
 * terminal event ({@code ExecutionCancelled}, or the natural one when the shutdown
 * drains) and closes with 1000; an {@code execute} that arrives meanwhile gets a 503
 * error message.
 *
 * <p>This handler takes the graph id from the handshake URI ({@code .../{graphId}/ws});
 * {@link GraphWebSocketHandlerMapping} passes it explicitly and also refuses unknown
 * graphs and excess sessions before the upgrade.
 */
public class GraphWebSocketHandler implements WebSocketHandler {

	/** Closes a socket after its execution's terminal event (or the end of a resumed stream). */
	public static final CloseStatus EXECUTION_ENDED = new CloseStatus(1000, "Execution ended");

	/** Closes a socket after a message over the size limit. */
	public static final CloseStatus MESSAGE_TOO_BIG = new CloseStatus(1008, "Message too big");

	/** Closes a socket after too many refused messages in a row. */
	public static final CloseStatus TOO_MANY_BAD_MESSAGES = new CloseStatus(1008, "Too many bad messages");

	/** Closes a socket opened for a graph that does not exist. */
	public static final CloseStatus UNKNOWN_GRAPH = new CloseStatus(1008, "Unknown graph");

	/** Closes a socket whose event stream failed after it started. */
	public static final CloseStatus STREAM_FAILED = new CloseStatus(1011, "Stream failed");

	/** Closes a socket that streams nothing when the application shuts down. */
	public static final CloseStatus GOING_AWAY = new CloseStatus(1001, "Server shutting down");

	/** Refused messages in a row after which the socket is closed with 1008. */
	public static final int MAX_CONSECUTIVE_BAD_MESSAGES = 10;

	/** The reason carried by the {@code ExecutionCancelled} event of a client's cancel. */
	public static final String CANCEL_REASON = "cancelled by the WebSocket client";

	private static final String TRANSPORT = GraphWebSocketHandlerMapping.TRANSPORT;

	private static final System.Logger logger = System.getLogger(GraphWebSocketHandler.class.getName());

	/** Error replies queued for a client that does not read them before it is cut off. */
	static final int MAX_PENDING_REPLIES = 32;

	private final GraphRegistry registry;

	private final WebSocketCodecDelegate codec;

	private final Duration pingInterval;

	private final int maxMessageBytes;

	private final TransportMetrics metrics;

	private final Set<SessionState> sessions = ConcurrentHashMap.newKeySet();

	private volatile boolean shuttingDown;

	private final @Nullable ExecutionRateLimiter rateLimiter;

	private final GraphAccessControl access;

	/**
	 * Creates the handler.
	 * @param registry the graphs and executions
	 * @param jsonWriter the application's event writer, whose cached bytes are sent
	 * @param jsonMapper the application's mapper, for client messages and error replies
	 * @param pingInterval the interval of keep-alive pings; zero or negative for none
	 * @param maxMessageBytes the largest client message accepted, strictly positive
	 * @param metrics told of pings ({@code heartbeatSent}), resumes and clients that leave
	 * mid-stream, with the transport {@value GraphWebSocketHandlerMapping#TRANSPORT}
	 */
	public GraphWebSocketHandler(GraphRegistry registry, GraphEventJsonWriter jsonWriter, JsonMapper jsonMapper,
			Duration pingInterval, int maxMessageBytes, TransportMetrics metrics) {
		this(registry, jsonWriter, jsonMapper, pingInterval, maxMessageBytes, metrics, InputLimits.defaults(), null);
	}

	/**
	 * Creates the handler with input limits and a per-client limit of executions started.
	 * @param registry the graphs and executions
	 * @param jsonWriter the application's event writer, whose cached bytes are sent
	 * @param jsonMapper the application's mapper, for client messages and error replies
	 * @param pingInterval the interval of keep-alive pings; zero or negative for none
	 * @param maxMessageBytes the largest client message accepted, strictly positive
	 * @param metrics told of pings ({@code heartbeatSent}), resumes and clients that leave
	 * mid-stream, with the transport {@value GraphWebSocketHandlerMapping#TRANSPORT}
	 * @param inputLimits the limits on an {@code execute}'s input
	 * @param rateLimiter limits the executions a client starts per minute (an
	 * {@code execute} over it gets a 429 error message), or {@code null} for no limit
	 */
	public GraphWebSocketHandler(GraphRegistry registry, GraphEventJsonWriter jsonWriter, JsonMapper jsonMapper,
			Duration pingInterval, int maxMessageBytes, TransportMetrics metrics, InputLimits inputLimits,
			@Nullable ExecutionRateLimiter rateLimiter) {
		this(registry, jsonWriter, jsonMapper, pingInterval, maxMessageBytes, metrics, inputLimits, rateLimiter,
				GraphAuthorizer.permitAll());
	}

	/**
	 * Creates the handler with input limits, a per-client limit of executions started and
	 * an authorizer: {@code execute} is an {@code EXECUTE} of the socket's graph (the
	 * handshake's principal owns the new execution), {@code resume} a {@code READ} and
	 * {@code cancel} a {@code CANCEL} of the execution; a refused message gets an error
	 * message with status 403 and the socket stays usable.
	 * @param registry the graphs and executions
	 * @param jsonWriter the application's event writer, whose cached bytes are sent
	 * @param jsonMapper the application's mapper, for client messages and error replies
	 * @param pingInterval the interval of keep-alive pings; zero or negative for none
	 * @param maxMessageBytes the largest client message accepted, strictly positive
	 * @param metrics told of pings ({@code heartbeatSent}), resumes and clients that leave
	 * mid-stream, with the transport {@value GraphWebSocketHandlerMapping#TRANSPORT}
	 * @param inputLimits the limits on an {@code execute}'s input
	 * @param rateLimiter limits the executions a client starts per minute (an
	 * {@code execute} over it gets a 429 error message), or {@code null} for no limit
	 * @param authorizer decides who may do what
	 */
	public GraphWebSocketHandler(GraphRegistry registry, GraphEventJsonWriter jsonWriter, JsonMapper jsonMapper,
			Duration pingInterval, int maxMessageBytes, TransportMetrics metrics, InputLimits inputLimits,
			@Nullable ExecutionRateLimiter rateLimiter, GraphAuthorizer authorizer) {
		this.access = new GraphAccessControl(authorizer);
		this.registry = Objects.requireNonNull(registry, "registry");
		this.rateLimiter = rateLimiter;
		this.codec = new WebSocketCodecDelegate(jsonWriter, jsonMapper, inputLimits);
		this.pingInterval = Objects.requireNonNull(pingInterval, "pingInterval");
		if (maxMessageBytes <= 0) {
			throw new IllegalArgumentException("maxMessageBytes must be strictly positive but was " + maxMessageBytes);
		}
		this.maxMessageBytes = maxMessageBytes;
		this.metrics = Objects.requireNonNull(metrics, "metrics");
	}

	/**
	 * The largest client message accepted.
	 * @return the limit in bytes
	 */
	public int maxMessageBytes() {
		return this.maxMessageBytes;
	}

	/**
	 * The interval of keep-alive pings.
	 * @return the interval; zero or negative when pings are off
	 */
	public Duration pingInterval() {
		return this.pingInterval;
	}

	/**
	 * Serves a session, taking the graph id from the handshake URI's path
	 * ({@code .../{graphId}/ws}).
	 * @param session the session
	 * @return completes when the session ends
	 */
	@Override
	public Mono<Void> handle(WebSocketSession session) {
		return handle(session, graphIdOf(session.getHandshakeInfo().getUri().getPath()));
	}

	/**
	 * Serves a session of a graph, for the client at the session's remote address.
	 * @param session the session
	 * @param graphId the graph the socket executes; an unknown one gets an error (404)
	 * and a close with {@link #UNKNOWN_GRAPH}
	 * @return completes when the session ends
	 */
	public Mono<Void> handle(WebSocketSession session, String graphId) {
		return handle(session, graphId, ClientKeyResolver.addressKey(session.getHandshakeInfo().getRemoteAddress()));
	}

	/**
	 * Serves a session of a graph for a client.
	 * @param session the session
	 * @param graphId the graph the socket executes; an unknown one gets an error (404)
	 * and a close with {@link #UNKNOWN_GRAPH}
	 * @param client the client's key (see {@link ClientKeyResolver}), whose allowance of
	 * executions per minute its {@code execute} messages use
	 * @return completes when the session ends
	 */
	public Mono<Void> handle(WebSocketSession session, String graphId, String client) {
		Graph graph = this.registry.graphIds().contains(graphId) ? this.registry.executor(graphId).graph() : null;
		SessionState state = new SessionState(session, graphId, graph, Objects.requireNonNull(client, "client"));
		if (graph == null) {
			state.refuse(404, "No graph '" + graphId + "'", UNKNOWN_GRAPH);
		}
		this.sessions.add(state);
		if (this.shuttingDown) {
			state.abort(GOING_AWAY);
		}
		Mono<Void> inbound = session.receive()
			.map(state::onMessage)
			.concatMap(Function.identity())
			.then()
			.onErrorResume((ex) -> {
				logger.log(Level.DEBUG, "WebSocket session " + session.getId() + " inbound failed", ex);
				return Mono.empty();
			})
			.doFinally((signal) -> state.clientGone());
		Mono<Void> outbound = session.send(state.outbound())
			.then(Mono.defer(state::close))
			.onErrorResume((ex) -> {
				logger.log(Level.DEBUG, "WebSocket session " + session.getId() + " outbound failed", ex);
				return Mono.empty();
			})
			.doFinally((signal) -> state.clientGone());
		return Mono.when(inbound, outbound).doFinally((signal) -> this.sessions.remove(state));
	}

	/**
	 * Starts the shutdown of the sockets: from now on a socket that streams no execution
	 * is closed with {@link #GOING_AWAY}, both those open now and those opened later. A
	 * socket that streams goes on until its execution's terminal event (the application's
	 * shutdown cancels or drains the executions), then closes with 1000 as usual.
	 * @return how many idle sockets this call closed
	 */
	public int shutdown() {
		this.shuttingDown = true;
		int closed = 0;
		for (SessionState state : this.sessions) {
			if (state.execution == null) {
				state.abort(GOING_AWAY);
				closed++;
			}
		}
		return closed;
	}

	/**
	 * Ends the shutdown started by {@link #shutdown()}: new sockets are served again (an
	 * application context started again after a stop).
	 */
	public void reopen() {
		this.shuttingDown = false;
	}

	/**
	 * Sockets open now.
	 * @return the count
	 */
	public int openSessions() {
		return this.sessions.size();
	}

	static String graphIdOf(String path) {
		String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
		if (trimmed.endsWith("/ws")) {
			trimmed = trimmed.substring(0, trimmed.length() - 3);
		}
		return trimmed.substring(trimmed.lastIndexOf('/') + 1);
	}

	/**
	 * The protocol state of one socket. Client messages are handled one at a time on the
	 * inbound thread; replies, events and pings are merged into the one outbound stream.
	 * The outbound completes after the stream's last frame (then the socket is closed
	 * with the recorded status), or when the socket is aborted.
	 */
	private final class SessionState {

		private final WebSocketSession session;

		private final String graphId;

		private final @Nullable Graph graph;

		private final String client;

		/** Error replies; bounded, a client that does not read them is cut off. */
		private final Sinks.Many<WebSocketMessage> replies = Sinks.many()
			.unicast()
			.onBackpressureBuffer(Queues.<WebSocketMessage>get(MAX_PENDING_REPLIES).get());

		/** The one event stream of this socket, once a request is accepted. */
		private final Sinks.One<Flux<WebSocketMessage>> stream = Sinks.one();

		/** Cuts the event stream short: abuse, or the client went away. */
		private final Sinks.One<Boolean> aborted = Sinks.one();

		/** Ends replies and pings: nothing more will be sent. */
		private final Sinks.One<Boolean> ended = Sinks.one();

		private final AtomicReference<@Nullable CloseStatus> closeStatus = new AtomicReference<>();

		private volatile @Nullable GraphExecution execution;

		private volatile boolean finished;

		private int consecutiveBadMessages;

		/** The handshake's principal, resolved once (in the session's Reactor context). */
		private final Mono<GraphCaller> caller;

		/** The name executions started on this socket record as their owner. */
		private volatile @Nullable String owner;

		SessionState(WebSocketSession session, String graphId, @Nullable Graph graph, String client) {
			this.session = session;
			this.graphId = graphId;
			this.graph = graph;
			this.client = client;
			this.caller = session.getHandshakeInfo()
				.getPrincipal()
				.map(GraphCaller::new)
				.defaultIfEmpty(GraphCaller.ANONYMOUS)
				.doOnNext((resolved) -> this.owner = resolved.name())
				.cache();
		}

		Flux<WebSocketMessage> outbound() {
			Flux<WebSocketMessage> events = this.stream.asMono()
				.flatMapMany(Function.identity())
				.takeUntilOther(this.aborted.asMono());
			return Flux.merge(this.replies.asFlux(), events, pings());
		}

		private Flux<WebSocketMessage> pings() {
			Duration interval = GraphWebSocketHandler.this.pingInterval;
			if (interval.isZero() || interval.isNegative()) {
				return Flux.empty();
			}
			return Flux.interval(interval, interval)
				.onBackpressureDrop()
				.map((tick) -> GraphWebSocketHandler.this.codec.ping(this.session))
				.doOnNext((ping) -> GraphWebSocketHandler.this.metrics.heartbeatSent(TRANSPORT))
				.takeUntilOther(this.ended.asMono());
		}

		Mono<Void> close() {
			CloseStatus status = this.closeStatus.get();
			return (status != null) ? this.session.close(status) : Mono.empty();
		}

		/**
		 * Reads a message at once (its payload is released when this returns); what it
		 * asks for is done by the returned mono, once authorized. The monos of a socket's
		 * messages run one after the other, in order.
		 */
		Mono<Void> onMessage(WebSocketMessage message) {
			if (this.finished || this.graph == null) {
				return Mono.empty();
			}
			switch (message.getType()) {
				case TEXT -> {
					return onText(message.getPayload(), this.graph);
				}
				case BINARY -> reject(400, "Binary frames are not supported; send JSON text frames");
				case PING, PONG -> {
				}
			}
			return Mono.empty();
		}

		private Mono<Void> onText(DataBuffer payload, Graph graph) {
			int size = payload.readableByteCount();
			if (size > GraphWebSocketHandler.this.maxMessageBytes) {
				refuse(413, "The message is larger than the limit of " + GraphWebSocketHandler.this.maxMessageBytes
						+ " bytes", MESSAGE_TOO_BIG);
				return Mono.empty();
			}
			ClientMessage message;
			try {
				message = GraphWebSocketHandler.this.codec.read(payload, graph);
			}
			catch (BadMessageException ex) {
				reject(ex.status(), ex.getMessage());
				return Mono.empty();
			}
			return this.caller
				.flatMap((caller) -> GraphWebSocketHandler.this.access.require(access(message, caller)))
				.then(Mono.fromRunnable(() -> act(message)))
				.onErrorResume(BadMessageException.class, (ex) -> {
					reject(ex.status(), ex.getMessage());
					return Mono.empty();
				})
				.onErrorResume(GraphAccessDeniedException.class, (ex) -> {
					reject(403, ex.getMessage());
					return Mono.empty();
				})
				.then();
		}

		/**
		 * What a message asks the {@link GraphAuthorizer} for; the execution it names must
		 * exist (404, 410) and a {@code cancel} needs one streaming (409) first.
		 */
		private GraphAccess access(ClientMessage message, GraphCaller caller) {
			if (message instanceof ClientMessage.Execute) {
				return GraphAccess.toGraph(GraphOperation.EXECUTE, this.graphId, caller.principal());
			}
			if (message instanceof ClientMessage.Resume resume) {
				return GraphAccess.toExecution(GraphOperation.READ, find(resume.executionId()), caller.principal());
			}
			GraphExecution current = this.execution;
			if (current == null) {
				throw new BadMessageException(409, "No execution is streaming on this socket");
			}
			return GraphAccess.toExecution(GraphOperation.CANCEL, current, caller.principal());
		}

		private void act(ClientMessage message) {
			if (this.finished) {
				return;
			}
			if (message instanceof ClientMessage.Execute execute) {
				execute(execute);
			}
			else if (message instanceof ClientMessage.Resume resume) {
				resume(resume);
			}
			else {
				cancel();
			}
		}

		private void execute(ClientMessage.Execute execute) {
			requireIdle();
			ExecutionRateLimiter rate = GraphWebSocketHandler.this.rateLimiter;
			if (rate != null) {
				try {
					rate.acquire(this.client);
				}
				catch (ExecutionRateExceededException ex) {
					throw new BadMessageException(429,
							ex.getMessage() + "; retry in " + ProblemResponses.retryAfterSeconds(ex.retryAfter()) + " s");
				}
			}
			GraphExecution created;
			try {
				created = GraphWebSocketHandler.this.registry.create(this.graphId, execute.input(), this.owner);
			}
			catch (ExecutionLimitExceededException ex) {
				refund(rate);
				throw new BadMessageException(429, ex.getMessage());
			}
			catch (RegistryShutdownException ex) {
				refund(rate);
				throw new BadMessageException(503, ex.getMessage());
			}
			catch (RuntimeException ex) {
				refund(rate);
				throw ex;
			}
			if (!startStream(created, ConsumerSpec.of(created.options(), 0, execute.filter()),
					execute.compression())) {
				created.cancel("the WebSocket closed before the stream started");
			}
		}

		private void refund(@Nullable ExecutionRateLimiter rate) {
			if (rate != null) {
				rate.refund(this.client);
			}
		}

		private void resume(ClientMessage.Resume resume) {
			requireIdle();
			GraphExecution found = find(resume.executionId());
			long head = found.journal().head();
			if (resume.after() > head) {
				throw new BadMessageException(400, "Field 'after' (" + resume.after() + ") is ahead of execution "
						+ found.executionId() + ", whose newest event is " + head);
			}
			long firstRetained = found.journal().firstRetained();
			if (resume.after() < head && resume.after() + 1 < firstRetained) {
				throw new BadMessageException(410, "Events after sequence " + resume.after() + " of execution "
						+ found.executionId() + " are no longer kept; the oldest kept is " + firstRetained);
			}
			GraphWebSocketHandler.this.metrics.resumeServed(TRANSPORT);
			startStream(found, ConsumerSpec.of(found.options(), resume.after(), resume.filter()), resume.compression());
		}

		private GraphExecution find(String executionId) {
			try {
				return GraphWebSocketHandler.this.registry.execution(this.graphId, executionId);
			}
			catch (ExecutionNotFoundException ex) {
				throw new BadMessageException(404, ex.getMessage());
			}
			catch (ExecutionExpiredException ex) {
				throw new BadMessageException(410, ex.getMessage());
			}
		}

		private void cancel() {
			GraphExecution current = this.execution;
			if (current == null) {
				throw new BadMessageException(409, "No execution is streaming on this socket");
			}
			this.consecutiveBadMessages = 0;
			current.cancel(CANCEL_REASON);
		}

		private void requireIdle() {
			GraphExecution current = this.execution;
			if (current != null) {
				throw new BadMessageException(409, "Execution " + current.executionId()
						+ " is streaming on this socket; a socket streams one execution at a time");
			}
		}

		/**
		 * Hands the execution's entries to the outbound; returns whether the socket was
		 * still open to take them.
		 */
		private boolean startStream(GraphExecution target, ConsumerSpec spec,
				@Nullable CompressionAlgorithm compression) {
			this.execution = target;
			this.consecutiveBadMessages = 0;
			WebSocketCodecDelegate codec = GraphWebSocketHandler.this.codec;
			FrameCompression frameCompression = frameCompression(target.options(), compression);
			Flux<WebSocketMessage> frames = target.entries(spec)
				.map((entry) -> (frameCompression != null) ? codec.event(this.session, entry, frameCompression)
						: codec.event(this.session, entry))
				.onErrorResume(this::streamFailed)
				.doOnComplete(() -> finish(EXECUTION_ENDED));
			return this.stream.tryEmitValue(frames).isSuccess();
		}

		/**
		 * The compression of this stream: the client's algorithm with the graph's
		 * threshold policy, when the graph's options enable event compression; none
		 * otherwise (all frames stay text).
		 */
		private @Nullable FrameCompression frameCompression(StreamingExecutionOptions options,
				@Nullable CompressionAlgorithm requested) {
			if (requested == null || !options.enableEventCompression()) {
				return null;
			}
			return new FrameCompression(CompressionCodec.of(requested), CompressionPolicy.of(options),
					GraphWebSocketHandler.this.metrics);
		}

		/**
		 * The stream failed after it was accepted: the client gets an error reply, then
		 * the socket closes with {@link #STREAM_FAILED}.
		 */
		private Mono<WebSocketMessage> streamFailed(Throwable error) {
			this.closeStatus.compareAndSet(null, STREAM_FAILED);
			return Mono.just(GraphWebSocketHandler.this.codec.streamError(this.session, error));
		}

		private void reject(int status, String detail) {
			reply(errorMessage(status, detail));
			if (++this.consecutiveBadMessages >= MAX_CONSECUTIVE_BAD_MESSAGES) {
				abort(TOO_MANY_BAD_MESSAGES);
			}
		}

		void refuse(int status, String detail, CloseStatus close) {
			reply(errorMessage(status, detail));
			abort(close);
		}

		private WebSocketMessage errorMessage(int status, String detail) {
			return GraphWebSocketHandler.this.codec.error(this.session, status, detail);
		}

		private synchronized void reply(WebSocketMessage message) {
			if (this.finished) {
				return;
			}
			Sinks.EmitResult result = this.replies.tryEmitNext(message);
			if (result == Sinks.EmitResult.FAIL_OVERFLOW) {
				abort(TOO_MANY_BAD_MESSAGES);
			}
		}

		/**
		 * Nothing more is sent after what is queued; the socket closes with the first
		 * status recorded.
		 */
		synchronized void finish(@Nullable CloseStatus status) {
			if (status != null) {
				this.closeStatus.compareAndSet(null, status);
			}
			if (this.finished) {
				return;
			}
			this.finished = true;
			this.replies.tryEmitComplete();
			this.ended.tryEmitValue(Boolean.TRUE);
		}

		/**
		 * The inbound ended: the client closed the socket or the connection dropped.
		 */
		synchronized void clientGone() {
			if (!this.finished && this.execution != null) {
				GraphWebSocketHandler.this.metrics.consumerDisconnected(TRANSPORT);
			}
			abort(null);
		}

		/**
		 * Finishes and cuts the event stream short (its cursor detaches).
		 */
		void abort(@Nullable CloseStatus status) {
			finish(status);
			this.aborted.tryEmitValue(Boolean.TRUE);
			this.stream.tryEmitEmpty();
		}

	}

}
