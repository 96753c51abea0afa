package io.graphstreaming.spring.web.sse;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.graphstreaming.core.codec.CompressionCodec;
import io.graphstreaming.core.codec.CompressionPolicy;
import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.journal.ConsumerSpec;
import io.graphstreaming.core.journal.EventsExpiredException;
import io.graphstreaming.core.journal.ExecutionJournal;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.core.options.CompressionAlgorithm;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.core.stream.IdleHeartbeats;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.metrics.TransportMetrics;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.registry.IdempotencyKey;
import io.graphstreaming.spring.registry.IdempotentStart;
import io.graphstreaming.spring.security.GraphAccessControl;
import io.graphstreaming.spring.security.GraphAuthorizer;
import io.graphstreaming.spring.security.GraphOperation;
import io.graphstreaming.spring.web.ClientKeyResolver;
import io.graphstreaming.spring.web.ConsumerParameters;
import io.graphstreaming.spring.web.GraphInputReader;
import io.graphstreaming.spring.web.IdempotencyKeyHeader;
import io.graphstreaming.spring.web.StreamLimiter;

/**
 * Streams executions over Server-Sent Events, or as newline-delimited JSON when the
 * client prefers {@code application/x-ndjson}.
 *
 * <p>Each stream takes a permit of the {@link StreamLimiter} for its client (the key the
 * router resolved, see {@link ClientKeyResolver}), so both the total and the per-client
 * limit of concurrent streams apply; a stream holds its permit until it ends.
 *
 * <p>Starting a stream is an {@code EXECUTE} of the graph (the caller owns the new
 * execution), attaching to one, also by {@code Last-Event-ID}, a {@code READ} of the
 * execution; resuming from a checkpoint is both. The {@link GraphAuthorizer} decides
 * after the graph and the execution were found; a refusal is a 403.
 *
 * <p>Each response is one consumer of the execution's journal: its Reactor demand comes
 * from the HTTP response writer, so a client that reads slowly slows the writer, its
 * cursor and, under the {@code block} policy, the execution itself; nothing queues
 * without bound. Frames reuse each journal entry's cached JSON; when the graph batches
 * producer events ({@code producer-batch-size} above 1), each released batch is written as
 * one buffer, so the server's per-message cost is paid once per batch. The response ends after
 * the terminal event (or when the consumer's filters have passed it). While no event
 * frame went out for the graph's heartbeat interval, an SSE stream gets the comment
 * {@code : heartbeat} (NDJSON has no comment syntax and gets none).
 *
 * <p>When the graph's options enable event compression, the response is compressed the
 * HTTP way: {@code Content-Encoding: br} or {@code gzip} negotiated from the request's
 * {@code Accept-Encoding} and the configured algorithm (see {@link ContentCodings}), one
 * compressed stream per response flushed after every frame and heartbeat (see
 * {@link CompressedFrameStream}), so that curl {@code --compressed} and browsers decode
 * each event as it arrives. Such responses carry {@code Vary: Accept-Encoding}; since
 * they already have a {@code Content-Encoding}, the server's own response compression
 * ({@code server.compression}) leaves them alone.
 *
 * <p>Everything that can fail is decided before the 200 is sent: the graph (404), the
 * filters and the {@code Last-Event-ID} (400), the execution (404, 410), the stream
 * permit (429) and the input (400, 413). A {@code Last-Event-ID} (or {@code lastEventId})
 * on the execute URL, GET or POST, resumes the execution it names and starts nothing, so
 * an {@code EventSource} or a fetch-based client that reconnects never runs the graph
 * twice. A resume with nothing left for the consumer answers 204, which tells an
 * {@code EventSource} to stop reconnecting. An error after the 200 (the resumed events
 * were trimmed meanwhile) ends the stream; the reconnect gets the precise status.
 */
public class GraphSseHandler {

	/** The transport name for limits and metrics. */
	public static final String TRANSPORT = "sse";

	/** The response header naming the execution streamed. */
	public static final String EXECUTION_ID_HEADER = "X-Execution-Id";

	/** The response header naming the checkpoint a resumed execution started from. */
	public static final String RESUMED_FROM_HEADER = "X-Resumed-From";

	private static final System.Logger logger = System.getLogger(GraphSseHandler.class.getName());

	/** Marks a heartbeat among the frames of a compressed stream. */
	private static final Object HEARTBEAT = new Object();

	private final GraphRegistry registry;

	private final GraphEventJsonWriter jsonWriter;

	private final GraphInputReader inputReader;

	private final StreamLimiter limiter;

	private final TransportMetrics metrics;

	private final Scheduler timer;

	private final GraphAccessControl access;

	/**
	 * Creates the handler; it allows every operation to every caller.
	 * @param registry the graphs and executions
	 * @param jsonWriter the event writer whose bytes each journal entry caches
	 * @param inputReader reads new executions' input
	 * @param limiter the open-stream limit
	 * @param metrics told of heartbeats, resumes and disconnects
	 */
	public GraphSseHandler(GraphRegistry registry, GraphEventJsonWriter jsonWriter, GraphInputReader inputReader,
			StreamLimiter limiter, TransportMetrics metrics) {
		this(registry, jsonWriter, inputReader, limiter, metrics, GraphAuthorizer.permitAll());
	}

	/**
	 * Creates the handler.
	 * @param registry the graphs and executions
	 * @param jsonWriter the event writer whose bytes each journal entry caches
	 * @param inputReader reads new executions' input
	 * @param limiter the open-stream limit
	 * @param metrics told of heartbeats, resumes and disconnects
	 * @param authorizer decides who may do what
	 */
	public GraphSseHandler(GraphRegistry registry, GraphEventJsonWriter jsonWriter, GraphInputReader inputReader,
			StreamLimiter limiter, TransportMetrics metrics, GraphAuthorizer authorizer) {
		this.access = new GraphAccessControl(authorizer);
		this.registry = Objects.requireNonNull(registry, "registry");
		this.jsonWriter = Objects.requireNonNull(jsonWriter, "jsonWriter");
		this.inputReader = Objects.requireNonNull(inputReader, "inputReader");
		this.limiter = Objects.requireNonNull(limiter, "limiter");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
		this.timer = Schedulers.parallel();
	}

	/**
	 * {@code POST|GET {base}/{graphId}/execute/stream}: starts an execution (input from
	 * the body, or from the {@code input} query parameter for GET) and streams it; with a
	 * {@code Last-Event-ID} it resumes that execution instead and starts nothing. With an
	 * {@code Idempotency-Key} this client already used on this route and graph, it streams
	 * the execution that key started, from its first event, and starts nothing.
	 * @param request the request
	 * @return the stream response
	 */
	public Mono<ServerResponse> executeStream(ServerRequest request) {
		String graphId = request.pathVariable("graphId");
		checkAccept(request);
		EventFilter filter = ConsumerParameters.filter(request, this.registry.describe(graphId));
		LastEventId resume = LastEventId.from(request, false);
		if (resume != null) {
			return reconnect(request, graphId, resume, filter);
		}
		Mono<Map<String, @Nullable Object>> input = HttpMethod.GET.equals(request.method())
				? Mono.fromSupplier(() -> this.inputReader.readQuery(request)) : this.inputReader.readBody(request);
		IdempotencyKey key = IdempotencyKeyHeader.of(request, "execute/stream");
		return this.access.authorize(request.exchange(), GraphOperation.EXECUTE, graphId)
			.flatMap((caller) -> input.flatMap((values) -> streamNew(request, filter, () -> {
				if (key == null) {
					return this.registry.create(graphId, values, caller.name());
				}
				IdempotentStart start = this.registry.create(graphId, values, caller.name(), key);
				IdempotencyKeyHeader.record(request.exchange(), start);
				return start.execution();
			})));
	}

	/**
	 * {@code POST {base}/{graphId}/executions/{executionId}/resume/stream}: resumes the
	 * execution from a checkpoint (the body's {@code checkpointId}, or its newest) as a
	 * new execution and streams that one, exactly as {@link #executeStream} streams a new
	 * run: it begins with {@code ExecutionStarted} and {@code CheckpointRestored}, and the
	 * response names the checkpoint in {@code X-Resumed-From}. With a
	 * {@code Last-Event-ID} (which names the new execution) it resumes that stream and
	 * starts nothing, so a reconnecting client never resumes twice.
	 * @param request the request
	 * @return the stream response
	 */
	public Mono<ServerResponse> resumeStream(ServerRequest request) {
		String graphId = request.pathVariable("graphId");
		String executionId = request.pathVariable("executionId");
		checkAccept(request);
		EventFilter filter = ConsumerParameters.filter(request, this.registry.describe(graphId));
		LastEventId reconnect = LastEventId.from(request, false);
		if (reconnect != null) {
			return reconnect(request, graphId, reconnect, filter);
		}
		return this.access.authorize(request.exchange(), GraphOperation.EXECUTE, graphId)
			.flatMap((caller) -> this.access.require(caller, GraphOperation.READ, this.registry, graphId, executionId)
				.then(Mono.defer(() -> this.inputReader.readCheckpointId(request)))
				.flatMap((checkpointId) -> this.registry.checkpointToResume(graphId, executionId,
						checkpointId.orElse(null)))
				.flatMap((checkpoint) -> streamNew(request, filter,
						() -> this.registry.resume(graphId, checkpoint, caller.name()))));
	}

	/**
	 * A reconnect to a stream these endpoints started: the {@code Last-Event-ID} names the
	 * execution, which the caller must be allowed to read.
	 */
	private Mono<ServerResponse> reconnect(ServerRequest request, String graphId, LastEventId lastEventId,
			EventFilter filter) {
		GraphExecution execution = this.registry.execution(graphId, Objects.requireNonNull(lastEventId.executionId()));
		return this.access.authorize(request.exchange(), GraphOperation.READ, execution)
			.then(Mono.defer(() -> resume(request, execution, lastEventId.sequence(), filter)));
	}

	/**
	 * Streams an execution created for this request, holding a stream permit from before
	 * it is created (so a refused stream starts nothing) and giving it back if creating
	 * fails.
	 */
	private Mono<ServerResponse> streamNew(ServerRequest request, EventFilter filter,
			Supplier<GraphExecution> creation) {
		StreamLimiter.Permit permit = this.limiter.acquire(TRANSPORT, ClientKeyResolver.of(request.exchange()));
		GraphExecution execution;
		try {
			execution = creation.get();
		}
		catch (RuntimeException ex) {
			permit.release();
			throw ex;
		}
		ExecutionJournal journal = execution.journal();
		if (journal.head() > 0 && journal.firstRetained() > 1) {
			// a repeated start (Idempotency-Key) of an execution whose first events are gone
			permit.release();
			throw new EventsExpiredException(execution.executionId(), 0, journal.firstRetained());
		}
		return respond(request, execution, 0, filter, permit);
	}

	/**
	 * {@code GET {base}/{graphId}/executions/{executionId}/stream}: the execution's
	 * events after the {@code Last-Event-ID} (or {@code lastEventId}; from the first
	 * event when neither is sent), then live ones until the terminal event.
	 * @param request the request
	 * @return the stream response
	 */
	public Mono<ServerResponse> executionStream(ServerRequest request) {
		String graphId = request.pathVariable("graphId");
		String executionId = request.pathVariable("executionId");
		checkAccept(request);
		EventFilter filter = ConsumerParameters.filter(request, this.registry.describe(graphId));
		LastEventId resume = LastEventId.from(request, true);
		if (resume != null && resume.executionId() != null && !resume.executionId().equals(executionId)) {
			throw new ServerWebInputException("Last-Event-ID names execution '" + resume.executionId()
					+ "' but the URL names execution '" + executionId + "'");
		}
		GraphExecution execution = this.registry.execution(graphId, executionId);
		return this.access.authorize(request.exchange(), GraphOperation.READ, execution)
			.then(Mono.defer(() -> resume(request, execution, (resume != null) ? resume.sequence() : 0, filter)));
	}

	private Mono<ServerResponse> resume(ServerRequest request, GraphExecution execution, long after,
			EventFilter filter) {
		ExecutionJournal journal = execution.journal();
		boolean finished = execution.status().isFinished();
		long head = journal.head();
		if (after > head) {
			throw new ServerWebInputException("Last-Event-ID sequence " + after + " is ahead of execution '"
					+ execution.executionId() + "', whose newest event is " + head);
		}
		if (after < head && after + 1 < journal.firstRetained()) {
			throw new EventsExpiredException(execution.executionId(), after, journal.firstRetained());
		}
		if (finished && !anyMatchAfter(journal, after, head, filter)) {
			return ServerResponse.noContent().header(EXECUTION_ID_HEADER, execution.executionId()).build();
		}
		StreamLimiter.Permit permit = this.limiter.acquire(TRANSPORT, ClientKeyResolver.of(request.exchange()));
		if (after > 0) {
			this.metrics.resumeServed(TRANSPORT);
		}
		return respond(request, execution, after, filter, permit);
	}

	/**
	 * A malformed {@code Accept} is a 400 before anything is started, rather than after
	 * the execution was created (the format is chosen when the response is made).
	 */
	private static void checkAccept(ServerRequest request) {
		try {
			request.headers().accept();
		}
		catch (InvalidMediaTypeException ex) {
			throw new ServerWebInputException("Malformed Accept header: " + ex.getMessage());
		}
	}

	/**
	 * Whether a finished execution has an event after {@code after} for this consumer.
	 */
	private static boolean anyMatchAfter(ExecutionJournal journal, long after, long head, EventFilter filter) {
		for (long sequence = after + 1; sequence <= head; sequence++) {
			JournalEntry entry = journal.entry(sequence);
			if (entry == null || filter.test(entry.event())) {
				return true;
			}
		}
		return false;
	}

	private Mono<ServerResponse> respond(ServerRequest request, GraphExecution execution, long after,
			EventFilter filter, StreamLimiter.Permit permit) {
		try {
			EventFrameEncoder.Format format = EventFrameEncoder.Format.negotiate(request.headers().accept());
			DataBufferFactory bufferFactory = request.exchange().getResponse().bufferFactory();
			EventFrameEncoder encoder = new EventFrameEncoder(format, execution.executionId(), this.jsonWriter,
					bufferFactory);
			StreamingExecutionOptions options = execution.options();
			boolean compressible = options.enableEventCompression()
					&& options.compressionAlgorithm() != CompressionAlgorithm.NONE;
			CompressionAlgorithm coding = compressible ? ContentCodings
				.negotiate(request.headers().header(HttpHeaders.ACCEPT_ENCODING), options.compressionAlgorithm()) : null;
			Flux<DataBuffer> body = (coding != null)
					? compressedBody(execution, after, filter, encoder, format, coding, bufferFactory, permit)
					: body(execution, after, filter, encoder, format, permit);
			ServerResponse.BodyBuilder response = ServerResponse.ok()
				.contentType(format.mediaType())
				.header(HttpHeaders.CACHE_CONTROL, "no-cache")
				.header("X-Accel-Buffering", "no")
				.header(EXECUTION_ID_HEADER, execution.executionId());
			String resumedFrom = execution.resumedFrom();
			if (resumedFrom != null) {
				response.header(RESUMED_FROM_HEADER, resumedFrom);
			}
			if (compressible) {
				response.header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
			}
			if (coding != null) {
				response.header(HttpHeaders.CONTENT_ENCODING, coding.contentCoding());
			}
			return response.body(BodyInserters.fromDataBuffers(body));
		}
		catch (RuntimeException ex) {
			permit.release();
			throw ex;
		}
	}

	private Flux<DataBuffer> body(GraphExecution execution, long after, EventFilter filter,
			EventFrameEncoder encoder, EventFrameEncoder.Format format, StreamLimiter.Permit permit) {
		AtomicBoolean terminalSent = new AtomicBoolean();
		Flux<DataBuffer> events = frames(execution, after, filter, format, terminalSent).map((frame) -> {
			if (frame == HEARTBEAT) {
				return encoder.heartbeat();
			}
			return (frame instanceof JournalEntry entry) ? encoder.encode(entry) : encoder.encode(batch(frame));
		});
		return finishing(events, terminalSent, permit);
	}

	/**
	 * The body with a content coding: frames (and heartbeats, merged in first so that
	 * the one compressor sees them in order) go through one stream compressor, flushed
	 * per frame, then its last chunk ends the response. The compressor is released on
	 * every path.
	 */
	private Flux<DataBuffer> compressedBody(GraphExecution execution, long after, EventFilter filter,
			EventFrameEncoder encoder, EventFrameEncoder.Format format, CompressionAlgorithm coding,
			DataBufferFactory bufferFactory, StreamLimiter.Permit permit) {
		StreamingExecutionOptions options = execution.options();
		AtomicBoolean terminalSent = new AtomicBoolean();
		Flux<DataBuffer> chunks = Flux.using(
				() -> new CompressedFrameStream(encoder, CompressionCodec.of(coding).newStreamCompressor(),
						CompressionPolicy.of(options), this.metrics, bufferFactory),
				(stream) -> frames(execution, after, filter, format, terminalSent).map((frame) -> {
					if (frame == HEARTBEAT) {
						return stream.heartbeat();
					}
					return (frame instanceof JournalEntry entry) ? stream.event(entry) : stream.events(batch(frame));
				}).concatWith(Mono.fromCallable(stream::finish)), CompressedFrameStream::close);
		return finishing(chunks, terminalSent, permit);
	}

	/**
	 * What the response writes, one item per write: a journal entry, or a list of them
	 * when the graph batches producer events (a batch goes out as one buffer, so the
	 * per-message cost of the server is paid once per batch), with heartbeat markers
	 * merged in for SSE. Heartbeats are merged as markers and every frame is encoded after
	 * the merge: pooled buffers never wait in the merge's queues, where a cancel racing
	 * the merge could leak one or release it twice (seen with replicas, whose events
	 * arrive on the Redis client's threads).
	 */
	private Flux<Object> frames(GraphExecution execution, long after, EventFilter filter,
			EventFrameEncoder.Format format, AtomicBoolean terminalSent) {
		StreamingExecutionOptions options = execution.options();
		ConsumerSpec spec = ConsumerSpec.of(options, after, filter);
		Flux<Object> frames = (options.producerBatchSize() > 1) ? execution.entryBatches(spec).doOnNext((batch) -> {
			if (batch.get(batch.size() - 1).event().isTerminal()) {
				terminalSent.set(true);
			}
		}).cast(Object.class) : execution.entries(spec).doOnNext((entry) -> {
			if (entry.event().isTerminal()) {
				terminalSent.set(true);
			}
		}).cast(Object.class);
		frames = frames.onErrorResume((error) -> {
			// The status is sent: end the stream; a reconnect gets the precise error.
			logger.log(System.Logger.Level.DEBUG, "Stream of execution " + execution.executionId() + " ended: "
					+ error);
			return Flux.empty();
		});
		if (format == EventFrameEncoder.Format.SSE && options.enableHeartbeat()) {
			frames = withHeartbeats(frames, options.heartbeatInterval(), () -> HEARTBEAT);
		}
		return frames;
	}

	@SuppressWarnings("unchecked")
	private static List<JournalEntry> batch(Object frame) {
		return (List<JournalEntry>) frame;
	}

	private Flux<DataBuffer> finishing(Flux<DataBuffer> chunks, AtomicBoolean terminalSent,
			StreamLimiter.Permit permit) {
		return chunks.doOnDiscard(DataBuffer.class, DataBufferUtils::release).doFinally((signal) -> {
			permit.release();
			if (signal == SignalType.CANCEL && !terminalSent.get()) {
				this.metrics.consumerDisconnected(TRANSPORT);
			}
		});
	}

	/**
	 * Adds a heartbeat once {@code interval} has passed since the last frame (or
	 * heartbeat) went out. Heartbeats are dropped, not queued, while the client is not
	 * reading.
	 */
	private <T> Flux<T> withHeartbeats(Flux<T> frames, Duration interval, Supplier<T> heartbeat) {
		return IdleHeartbeats.merge(frames, interval, this.timer, () -> {
			this.metrics.heartbeatSent(TRANSPORT);
			return heartbeat.get();
		});
	}

}
