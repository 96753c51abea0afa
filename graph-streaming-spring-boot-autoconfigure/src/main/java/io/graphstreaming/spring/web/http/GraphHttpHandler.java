package io.graphstreaming.spring.web.http;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.execution.ExecutionResult;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.registry.IdempotencyKey;
import io.graphstreaming.spring.registry.IdempotentStart;
import io.graphstreaming.spring.security.GraphAccess;
import io.graphstreaming.spring.security.GraphAccessControl;
import io.graphstreaming.spring.security.GraphAuthorizer;
import io.graphstreaming.spring.security.GraphCaller;
import io.graphstreaming.spring.security.GraphOperation;
import io.graphstreaming.spring.web.GraphInputReader;
import io.graphstreaming.spring.web.IdempotencyKeyHeader;

/**
 * The plain HTTP endpoints: graph descriptions, non-streaming execution, the list of
 * executions, an execution's status and its cancellation. Answers are JSON written with
 * the application's mapper.
 *
 * <p>Each operation is authorized by the {@link GraphAuthorizer} once the graph and the
 * execution are found: {@code DESCRIBE} (the list shows only the graphs the caller may
 * describe), {@code EXECUTE} (the caller becomes the execution's owner), {@code READ}
 * (the status; the executions list shows only those the caller may read) and
 * {@code CANCEL}.
 */
public class GraphHttpHandler {

	private static final System.Logger logger = System.getLogger(GraphHttpHandler.class.getName());

	/** The reason an execution cancelled over HTTP carries. */
	static final String CANCEL_REASON = "cancelled by a DELETE request";

	/** How long a cancel waits for the execution's terminal event before answering. */
	private static final Duration REMOTE_CANCEL_WAIT = Duration.ofSeconds(2);

	/** The query parameter of {@link #listExecutions} that selects statuses. */
	static final String STATUS_PARAMETER = "status";

	/** The status values {@link #STATUS_PARAMETER} accepts, as on the wire. */
	private static final Set<String> STATUSES = Arrays.stream(ExecutionStatus.values())
		.map(ExecutionStatus::wireValue)
		.collect(Collectors.toCollection(LinkedHashSet::new));

	private final GraphRegistry registry;

	private final GraphInputReader inputReader;

	private final JsonMapper mapper;

	private final GraphAccessControl access;

	/**
	 * Creates the handler; it allows every operation to every caller.
	 * @param registry the graphs and executions
	 * @param inputReader reads new executions' input
	 * @param mapper the application's mapper
	 */
	public GraphHttpHandler(GraphRegistry registry, GraphInputReader inputReader, JsonMapper mapper) {
		this(registry, inputReader, mapper, GraphAuthorizer.permitAll());
	}

	/**
	 * Creates the handler.
	 * @param registry the graphs and executions
	 * @param inputReader reads new executions' input
	 * @param mapper the application's mapper
	 * @param authorizer decides who may do what
	 */
	public GraphHttpHandler(GraphRegistry registry, GraphInputReader inputReader, JsonMapper mapper,
			GraphAuthorizer authorizer) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.inputReader = Objects.requireNonNull(inputReader, "inputReader");
		this.mapper = Objects.requireNonNull(mapper, "mapper");
		this.access = new GraphAccessControl(authorizer);
	}

	/**
	 * {@code GET {base}}: every graph's description ({@code id}, {@code description},
	 * {@code startNode}, {@code nodes}, {@code edges}).
	 * @param request the request
	 * @return the response
	 */
	public Mono<ServerResponse> listGraphs(ServerRequest request) {
		return GraphCaller.of(request.exchange())
			.flatMapMany((caller) -> Flux.fromIterable(this.registry.describeAll())
				.filterWhen((description) -> this.access
					.allows(GraphAccess.toGraph(GraphOperation.DESCRIBE, description.id(), caller.principal()))))
			.collectList()
			.flatMap((descriptions) -> json(HttpStatus.OK, this.mapper.writeValueAsBytes(descriptions)));
	}

	/**
	 * {@code GET {base}/{graphId}}: one graph's description.
	 * @param request the request
	 * @return the response
	 */
	public Mono<ServerResponse> describeGraph(ServerRequest request) {
		String graphId = request.pathVariable("graphId");
		byte[] description = this.mapper.writeValueAsBytes(this.registry.describe(graphId));
		return this.access.authorize(request.exchange(), GraphOperation.DESCRIBE, graphId)
			.then(Mono.defer(() -> json(HttpStatus.OK, description)));
	}

	/**
	 * {@code POST {base}/{graphId}/execute}: runs an execution to its end and answers
	 * {@code executionId}, {@code status}, {@code output} (the final state, or null) and
	 * {@code durationMs}, plus {@code errorType}, {@code errorMessage} and {@code nodeId}
	 * when it failed or was cancelled. A client that disconnects first cancels it: no one
	 * else knows its id. With an {@code Idempotency-Key}, the client may come back for
	 * the result: a disconnect leaves the run going, and a repetition of the request (same
	 * key, client and graph) waits for the result of the execution the key started.
	 * @param request the request
	 * @return the response
	 */
	public Mono<ServerResponse> execute(ServerRequest request) {
		String graphId = request.pathVariable("graphId");
		this.registry.executor(graphId);
		IdempotencyKey key = IdempotencyKeyHeader.of(request, "execute");
		return this.access.authorize(request.exchange(), GraphOperation.EXECUTE, graphId)
			.flatMap((caller) -> this.inputReader.readBody(request).flatMap((input) -> {
				if (key != null) {
					IdempotentStart start = this.registry.start(graphId, input, caller.name(), key);
					IdempotencyKeyHeader.record(request.exchange(), start);
					return start.execution().result().flatMap((result) -> json(HttpStatus.OK, resultJson(result)));
				}
				GraphExecution execution = this.registry.start(graphId, input, caller.name());
				return execution.result()
					.doOnCancel(() -> execution.cancel("the client disconnected"))
					.flatMap((result) -> json(HttpStatus.OK, resultJson(result)));
			}));
	}

	/**
	 * {@code GET {base}/executions}: the executions still known (running ones and
	 * finished ones within their retention), oldest first, each described as by
	 * {@link #status}. {@code status=running} (or a comma-separated list of
	 * {@code running}, {@code completed}, {@code failed}, {@code cancelled}) keeps only
	 * those; another value is a 400. This route shadows the description of a graph whose
	 * id is {@code executions}.
	 * @param request the request
	 * @return the response, a JSON array
	 */
	public Mono<ServerResponse> listExecutions(ServerRequest request) {
		Set<String> statuses = statuses(request);
		// with shared executions the listing asks the shared store: off the event loop
		Mono<List<GraphExecution>> listed = this.registry.isShared()
				? Mono.fromCallable(() -> listed(statuses)).subscribeOn(Schedulers.boundedElastic())
				: Mono.fromSupplier(() -> listed(statuses));
		return GraphCaller.of(request.exchange())
			.zipWith(listed)
			.flatMapMany((callerAndExecutions) -> Flux.fromIterable(callerAndExecutions.getT2())
				.filterWhen((execution) -> this.access.allows(
						GraphAccess.toExecution(GraphOperation.READ, execution, callerAndExecutions.getT1().principal()))))
			.map(GraphHttpHandler::statusBody)
			.collectList()
			.flatMap((body) -> json(HttpStatus.OK, this.mapper.writeValueAsBytes(body)));
	}

	private List<GraphExecution> listed(Set<String> statuses) {
		return this.registry.allExecutions()
			.stream()
			.filter((execution) -> statuses.isEmpty() || statuses.contains(execution.status().wireValue()))
			.sorted(Comparator.comparing(GraphExecution::createdAt))
			.toList();
	}

	/**
	 * {@code GET {base}/{graphId}/executions/{executionId}}: the execution's
	 * {@code executionId}, {@code graphId}, {@code status}, {@code startedAt},
	 * {@code eventCount}, and {@code finishedAt}, {@code currentNode} and
	 * {@code resumedFrom} (the checkpoint a resumed execution started from) and
	 * {@code owner} (the name of the principal that started it) when known.
	 * @param request the request
	 * @return the response
	 */
	public Mono<ServerResponse> status(ServerRequest request) {
		GraphExecution execution = this.registry.execution(request.pathVariable("graphId"),
				request.pathVariable("executionId"));
		return this.access.authorize(request.exchange(), GraphOperation.READ, execution)
			.then(Mono.defer(() -> json(HttpStatus.OK, this.mapper.writeValueAsBytes(statusBody(execution)))));
	}

	private static Map<String, Object> statusBody(GraphExecution execution) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("executionId", execution.executionId());
		body.put("graphId", execution.graphId());
		body.put("status", execution.status().wireValue());
		body.put("startedAt", execution.startedAt().toString());
		body.put("eventCount", execution.eventCount());
		Instant finishedAt = execution.finishedAt();
		if (finishedAt != null) {
			body.put("finishedAt", finishedAt.toString());
		}
		String currentNode = execution.currentNode();
		if (currentNode != null) {
			body.put("currentNode", currentNode);
		}
		String resumedFrom = execution.resumedFrom();
		if (resumedFrom != null) {
			body.put("resumedFrom", resumedFrom);
		}
		String owner = execution.owner();
		if (owner != null) {
			body.put("owner", owner);
		}
		return body;
	}

	/**
	 * The statuses a list request asks for; empty for all.
	 */
	private static Set<String> statuses(ServerRequest request) {
		Set<String> statuses = new LinkedHashSet<>();
		for (String value : request.queryParams().getOrDefault(STATUS_PARAMETER, List.of())) {
			for (String status : value.split(",")) {
				String trimmed = status.strip();
				if (trimmed.isEmpty()) {
					continue;
				}
				if (!STATUSES.contains(trimmed)) {
					String shown = (trimmed.length() <= 40) ? trimmed : trimmed.substring(0, 37) + "...";
					throw new ServerWebInputException("Query parameter 'status' must be one of "
							+ String.join(", ", STATUSES) + " but was '" + shown + "'");
				}
				statuses.add(trimmed);
			}
		}
		return statuses;
	}

	/**
	 * {@code DELETE {base}/{graphId}/executions/{executionId}}: cancels the execution;
	 * its streams end with {@code ExecutionCancelled}. Answers 202 with
	 * {@code executionId} and the resulting {@code status}; on an execution that has
	 * already ended it changes nothing and reports how it ended.
	 * @param request the request
	 * @return the response
	 */
	public Mono<ServerResponse> cancel(ServerRequest request) {
		GraphExecution execution = this.registry.execution(request.pathVariable("graphId"),
				request.pathVariable("executionId"));
		return this.access.authorize(request.exchange(), GraphOperation.CANCEL, execution).then(Mono.defer(() -> {
			execution.cancel(CANCEL_REASON);
			// a replica's owner may run on another instance: its ExecutionCancelled arrives
			// a round trip later, so wait a moment for the status it leads to
			return execution.result()
				.map((result) -> result.status().wireValue())
				.timeout(REMOTE_CANCEL_WAIT, Mono.fromSupplier(() -> execution.status().wireValue()));
		})).flatMap((status) -> {
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("executionId", execution.executionId());
			body.put("status", status);
			return json(HttpStatus.ACCEPTED, this.mapper.writeValueAsBytes(body));
		});
	}

	private byte[] resultJson(ExecutionResult result) {
		Map<String, @Nullable Object> body = new LinkedHashMap<>();
		body.put("executionId", result.executionId());
		body.put("status", result.status().wireValue());
		body.put("output", result.output());
		body.put("durationMs", millis(result.duration()));
		if (result.errorType() != null) {
			body.put("errorType", result.errorType());
		}
		if (result.errorMessage() != null) {
			body.put("errorMessage", result.errorMessage());
		}
		if (result.nodeId() != null) {
			body.put("nodeId", result.nodeId());
		}
		try {
			return this.mapper.writeValueAsBytes(body);
		}
		catch (JacksonException ex) {
			logger.log(Level.WARNING, "The final state of execution " + result.executionId()
					+ " is not serializable; it is replaced", ex);
			Object output = result.output();
			body.put("output", Map.of("unserializable", (output != null) ? output.getClass().getName() : "null"));
			return this.mapper.writeValueAsBytes(body);
		}
	}

	/**
	 * Milliseconds with microsecond precision, as in event JSON.
	 */
	private static double millis(Duration duration) {
		return Math.round(duration.toNanos() / 1_000.0) / 1_000.0;
	}

	private static Mono<ServerResponse> json(HttpStatus status, byte[] body) {
		return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).bodyValue(body);
	}

}
