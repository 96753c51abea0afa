package io.graphstreaming.spring.web.polling;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.journal.ExecutionJournal;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.core.journal.JournalPage;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.registry.IdempotencyKey;
import io.graphstreaming.spring.registry.IdempotentStart;
import io.graphstreaming.spring.security.GraphAccessControl;
import io.graphstreaming.spring.security.GraphAuthorizer;
import io.graphstreaming.spring.security.GraphOperation;
import io.graphstreaming.spring.web.ConsumerParameters;
import io.graphstreaming.spring.web.GraphInputReader;
import io.graphstreaming.spring.web.IdempotencyKeyHeader;
import io.graphstreaming.spring.web.StreamLimiter;

/**
 * Polling: start an execution, then fetch its events page by page.
 *
 * <p>{@code GET .../events?after=N&limit=M&waitMs=W} answers
 * {@code {"events":[...],"next":N2,"completed":bool}}: up to {@code M} events with a
 * sequence above {@code N} that match the consumer's filters, {@code next} the last
 * sequence looked at (pass it as {@code after} next time; filtered-out events are skipped
 * for good) and {@code completed} true once the terminal event has been passed. The
 * events are the journal's cached JSON bytes, concatenated, never serialized again.
 *
 * <p>When nothing matching is new, the request waits up to {@code W} ms for the
 * execution's next event, without holding a thread, and answers as soon as a matching
 * event or the end arrives. A {@code W} above the configured maximum is a 400 whose
 * problem names the maximum, in its detail and as the extension member
 * {@code maxWaitMs}; {@code limit} above its maximum is capped (a page is never
 * longer). While it waits, a poll is counted as an open {@code polling} stream of the
 * {@link StreamLimiter} (the {@code streams.active} gauge), without being refused by the
 * stream limits.
 *
 * <p>A start with an {@code Idempotency-Key} header ({@link IdempotencyKeyHeader}) that
 * repeats an earlier one of the same client answers the same 202 (the execution's
 * current status, the same {@code Location}, and {@code Idempotent-Replayed: true})
 * instead of starting a second execution.
 *
 * <p>Starting is an {@code EXECUTE} of the graph (the caller owns the new execution),
 * polling a {@code READ} of the execution, as the {@link GraphAuthorizer} decides; a
 * refusal is a 403.
 */
public class GraphPollingHandler {

	/** The transport name for the stream count. */
	public static final String TRANSPORT = "polling";

	private static final byte[] EVENTS_START = "{\"events\":[".getBytes(StandardCharsets.US_ASCII);

	private final GraphRegistry registry;

	private final GraphEventJsonWriter jsonWriter;

	private final GraphInputReader inputReader;

	private final JsonMapper mapper;

	private final int maxEvents;

	private final Duration maxWait;

	private final GraphAccessControl access;

	private final @Nullable StreamLimiter limiter;

	/**
	 * Creates the handler; it allows every operation to every caller.
	 * @param registry the graphs and executions
	 * @param jsonWriter the event writer whose bytes each journal entry caches
	 * @param inputReader reads new executions' input
	 * @param mapper the application's mapper, for the start answer
	 * @param maxEvents the most events one poll returns ({@code limit} is capped to it)
	 * @param maxWait the longest long poll (a longer {@code waitMs} is a 400)
	 */
	public GraphPollingHandler(GraphRegistry registry, GraphEventJsonWriter jsonWriter, GraphInputReader inputReader,
			JsonMapper mapper, int maxEvents, Duration maxWait) {
		this(registry, jsonWriter, inputReader, mapper, maxEvents, maxWait, GraphAuthorizer.permitAll());
	}

	/**
	 * Creates the handler.
	 * @param registry the graphs and executions
	 * @param jsonWriter the event writer whose bytes each journal entry caches
	 * @param inputReader reads new executions' input
	 * @param mapper the application's mapper, for the start answer
	 * @param maxEvents the most events one poll returns ({@code limit} is capped to it)
	 * @param maxWait the longest long poll (a longer {@code waitMs} is a 400)
	 * @param authorizer decides who may do what
	 */
	public GraphPollingHandler(GraphRegistry registry, GraphEventJsonWriter jsonWriter, GraphInputReader inputReader,
			JsonMapper mapper, int maxEvents, Duration maxWait, GraphAuthorizer authorizer) {
		this(registry, jsonWriter, inputReader, mapper, maxEvents, maxWait, authorizer, null);
	}

	/**
	 * Creates the handler, counting polls in progress as open {@code polling} streams.
	 * @param registry the graphs and executions
	 * @param jsonWriter the event writer whose bytes each journal entry caches
	 * @param inputReader reads new executions' input
	 * @param mapper the application's mapper, for the start answer
	 * @param maxEvents the most events one poll returns ({@code limit} is capped to it)
	 * @param maxWait the longest long poll (a longer {@code waitMs} is a 400)
	 * @param authorizer decides who may do what
	 * @param limiter counts each poll while it is in progress ({@link StreamLimiter#track},
	 * never refused), or {@code null} to count none
	 */
	public GraphPollingHandler(GraphRegistry registry, GraphEventJsonWriter jsonWriter, GraphInputReader inputReader,
			JsonMapper mapper, int maxEvents, Duration maxWait, GraphAuthorizer authorizer,
			@Nullable StreamLimiter limiter) {
		this.limiter = limiter;
		this.access = new GraphAccessControl(authorizer);
		this.registry = Objects.requireNonNull(registry, "registry");
		this.jsonWriter = Objects.requireNonNull(jsonWriter, "jsonWriter");
		this.inputReader = Objects.requireNonNull(inputReader, "inputReader");
		this.mapper = Objects.requireNonNull(mapper, "mapper");
		if (maxEvents <= 0) {
			throw new IllegalArgumentException("maxEvents must be strictly positive but was " + maxEvents);
		}
		this.maxEvents = maxEvents;
		this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
	}

	/**
	 * {@code POST {base}/{graphId}/executions}: starts an execution at once; answers 202
	 * with its id, graph, status and start time, and its URL in {@code Location}. With an
	 * {@code Idempotency-Key} that this client already used for this graph, answers the
	 * same about the execution it started (and {@code Idempotent-Replayed: true}).
	 * @param request the request
	 * @return the response
	 */
	public Mono<ServerResponse> start(ServerRequest request) {
		String graphId = request.pathVariable("graphId");
		this.registry.executor(graphId);
		IdempotencyKey key = IdempotencyKeyHeader.of(request, "executions");
		return this.access.authorize(request.exchange(), GraphOperation.EXECUTE, graphId)
			.flatMap((caller) -> this.inputReader.readBody(request).flatMap((input) -> {
				GraphExecution execution;
				if (key != null) {
					IdempotentStart start = this.registry.start(graphId, input, caller.name(), key);
					IdempotencyKeyHeader.record(request.exchange(), start);
					execution = start.execution();
				}
				else {
					execution = this.registry.start(graphId, input, caller.name());
				}
				Map<String, Object> body = new LinkedHashMap<>();
				body.put("executionId", execution.executionId());
				body.put("graphId", execution.graphId());
				body.put("status", execution.status().wireValue());
				body.put("startedAt", execution.startedAt().toString());
				String location = request.requestPath().contextPath().value() + request.path() + "/"
						+ execution.executionId();
				return ServerResponse.status(HttpStatus.ACCEPTED)
					.header("Location", location)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(this.mapper.writeValueAsBytes(body));
			}));
	}

	/**
	 * {@code GET {base}/{graphId}/executions/{executionId}/events}: one page of events,
	 * long-polling when asked.
	 * @param request the request
	 * @return the response
	 */
	public Mono<ServerResponse> events(ServerRequest request) {
		String graphId = request.pathVariable("graphId");
		String executionId = request.pathVariable("executionId");
		EventFilter filter = ConsumerParameters.filter(request, this.registry.describe(graphId));
		long after = ConsumerParameters.longParam(request, "after", 0, 0);
		int limit = (int) Math.min(this.maxEvents,
				ConsumerParameters.longParam(request, "limit", this.maxEvents, 1));
		long waitMs = ConsumerParameters.longParam(request, "waitMs", 0, 0);
		long maxWaitMs = this.maxWait.toMillis();
		if (waitMs > maxWaitMs) {
			ServerWebInputException tooLong = new ServerWebInputException("Query parameter 'waitMs' must be at most "
					+ maxWaitMs + " (the longest long poll of this server) but was " + waitMs);
			tooLong.getBody().setProperty("maxWaitMs", maxWaitMs);
			throw tooLong;
		}
		GraphExecution execution = this.registry.execution(graphId, executionId);
		return this.access.authorize(request.exchange(), GraphOperation.READ, execution).then(Mono.defer(() -> {
			long head = execution.journal().head();
			if (after > head) {
				throw new ServerWebInputException("Query parameter 'after' is " + after
						+ " but the newest event of execution '" + executionId + "' is " + head);
			}
			long deadline = System.nanoTime() + Duration.ofMillis(waitMs).toNanos();
			return counted(poll(execution, after, limit, filter, deadline)).flatMap((page) -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(page.toJson(this.jsonWriter)));
		}));
	}

	/**
	 * Counts a poll as an open {@code polling} stream from its subscription to its answer
	 * (or its cancel, when the client goes away).
	 */
	private <T> Mono<T> counted(Mono<T> poll) {
		StreamLimiter counter = this.limiter;
		if (counter == null) {
			return poll;
		}
		return Mono.defer(() -> {
			StreamLimiter.Permit permit = counter.track(TRANSPORT);
			return poll.doFinally((signal) -> permit.release());
		});
	}

	/**
	 * Reads a page; if it has nothing for this consumer and the execution goes on, waits
	 * for a newer event until the deadline, and reads again.
	 *
	 * <p>The attempts are resubscribed by {@code repeat()}, which loops rather than nests:
	 * a wait that ends with only filtered-out events adds no operator to the chain, however
	 * many such events arrive before the deadline (a chain grown by one level per wake-up
	 * would overflow the stack of the thread that walks it).
	 */
	private Mono<Page> poll(GraphExecution execution, long after, int limit, EventFilter filter, long deadline) {
		long[] cursor = { after };
		return Mono.defer(() -> {
			Page page = read(execution, cursor[0], limit, filter);
			long remaining = deadline - System.nanoTime();
			if (!page.journalPage().entries().isEmpty() || page.completed() || remaining <= 0) {
				return Mono.just(page);
			}
			cursor[0] = page.journalPage().lastSequence();
			return execution.journal()
				.awaitNewerThan(cursor[0])
				.timeout(Duration.ofNanos(remaining), Mono.empty())
				.then(Mono.<Page>empty());
		}).repeat().next();
	}

	private static Page read(GraphExecution execution, long after, int limit, EventFilter filter) {
		boolean finished = execution.status().isFinished();
		ExecutionJournal journal = execution.journal();
		JournalPage page = journal.read(after, limit, filter);
		boolean completed = page.terminalReached() || (finished && page.lastSequence() >= journal.head());
		return new Page(page, completed);
	}

	/**
	 * One answer: the journal page and whether nothing will follow.
	 */
	private record Page(JournalPage journalPage, boolean completed) {

		byte[] toJson(GraphEventJsonWriter writer) {
			List<JournalEntry> entries = this.journalPage.entries();
			byte[][] events = new byte[entries.size()][];
			int size = EVENTS_START.length + Math.max(0, events.length - 1);
			for (int i = 0; i < events.length; i++) {
				events[i] = entries.get(i).serialized(writer);
				size += events[i].length;
			}
			byte[] end = ("],\"next\":" + this.journalPage.lastSequence() + ",\"completed\":" + this.completed + "}")
				.getBytes(StandardCharsets.US_ASCII);
			byte[] json = new byte[size + end.length];
			System.arraycopy(EVENTS_START, 0, json, 0, EVENTS_START.length);
			int position = EVENTS_START.length;
			for (int i = 0; i < events.length; i++) {
				if (i > 0) {
					json[position++] = ',';
				}
				System.arraycopy(events[i], 0, json, position, events[i].length);
				position += events[i].length;
			}
			System.arraycopy(end, 0, json, position, end.length);
			return json;
		}

	}

}
