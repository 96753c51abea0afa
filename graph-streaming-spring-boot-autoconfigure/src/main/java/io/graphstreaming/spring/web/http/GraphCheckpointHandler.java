package io.graphstreaming.spring.web.http;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.spring.registry.CheckpointNotFoundException;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.security.GraphAccessControl;
import io.graphstreaming.spring.security.GraphAuthorizer;
import io.graphstreaming.spring.security.GraphCaller;
import io.graphstreaming.spring.security.GraphOperation;
import io.graphstreaming.spring.web.GraphInputReader;

/**
 * The checkpoint endpoints: an execution's checkpoints, one checkpoint with its state,
 * and resuming an execution from a checkpoint as a new execution (202, to poll or
 * stream like one started by {@code POST .../executions}). Checkpoints live in the
 * graph's store, not in the execution registry, so all three work for executions the
 * registry has forgotten (and, with a file store, across restarts).
 *
 * <p>Errors: unknown graph, a graph that keeps no checkpoints, an unknown checkpoint or
 * an execution without any: 404; a checkpoint of another execution or a bad body: 400;
 * an execution that still runs: 409; the limit of concurrent executions: 429.
 *
 * <p>Authorization ({@link GraphAuthorizer}): listing an execution's checkpoints and
 * reading one are a {@code READ} of the execution that took them; resuming is an
 * {@code EXECUTE} of the graph and a {@code READ} of that execution, and the caller owns
 * the new execution. An execution the registry has forgotten is passed with an unknown
 * owner. Refused: 403.
 */
public class GraphCheckpointHandler {

	private static final System.Logger logger = System.getLogger(GraphCheckpointHandler.class.getName());

	private final GraphRegistry registry;

	private final GraphInputReader inputReader;

	private final JsonMapper mapper;

	private final GraphAccessControl access;

	/**
	 * Creates the handler; it allows every operation to every caller.
	 * @param registry the graphs, their checkpoint stores and executions
	 * @param inputReader reads resume request bodies
	 * @param mapper the application's mapper
	 */
	public GraphCheckpointHandler(GraphRegistry registry, GraphInputReader inputReader, JsonMapper mapper) {
		this(registry, inputReader, mapper, GraphAuthorizer.permitAll());
	}

	/**
	 * Creates the handler.
	 * @param registry the graphs, their checkpoint stores and executions
	 * @param inputReader reads resume request bodies
	 * @param mapper the application's mapper
	 * @param authorizer decides who may do what
	 */
	public GraphCheckpointHandler(GraphRegistry registry, GraphInputReader inputReader, JsonMapper mapper,
			GraphAuthorizer authorizer) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.inputReader = Objects.requireNonNull(inputReader, "inputReader");
		this.mapper = Objects.requireNonNull(mapper, "mapper");
		this.access = new GraphAccessControl(authorizer);
	}

	/**
	 * {@code GET {base}/{graphId}/executions/{executionId}/checkpoints}: the execution's
	 * checkpoints, oldest first, each {@code checkpointId}, {@code executionId},
	 * {@code graphId}, {@code nodeId}, {@code nextNodes}, {@code sequence} and
	 * {@code createdAt} (no state). An execution the registry still knows may have none
	 * yet (an empty array); one it does not know and without checkpoints is a 404.
	 * @param request the request
	 * @return the response, a JSON array
	 */
	public Mono<ServerResponse> listCheckpoints(ServerRequest request) {
		String graphId = request.pathVariable("graphId");
		String executionId = request.pathVariable("executionId");
		return this.registry.checkpoints(graphId, executionId).collectList().flatMap((checkpoints) -> {
			if (checkpoints.isEmpty() && !isKnown(graphId, executionId)) {
				return Mono.error(new CheckpointNotFoundException(
						"Graph '" + graphId + "' has no execution '" + executionId + "' with checkpoints"));
			}
			List<Map<String, Object>> body = checkpoints.stream().map(GraphCheckpointHandler::summary).toList();
			return GraphCaller.of(request.exchange())
				.flatMap((caller) -> this.access.require(caller, GraphOperation.READ, this.registry, graphId,
						executionId))
				.then(Mono.defer(() -> json(HttpStatus.OK, this.mapper.writeValueAsBytes(body))));
		});
	}

	private boolean isKnown(String graphId, String executionId) {
		return this.registry.lookup(executionId)
			.map((execution) -> execution.graphId().equals(graphId))
			.orElse(false);
	}

	/**
	 * {@code GET {base}/{graphId}/checkpoints/{checkpointId}}: one checkpoint, its
	 * summary plus {@code nodeExecutions}, {@code budgetUsage}, {@code iterations} and
	 * {@code state}.
	 * @param request the request
	 * @return the response
	 */
	public Mono<ServerResponse> checkpoint(ServerRequest request) {
		String graphId = request.pathVariable("graphId");
		return this.registry.checkpoint(graphId, request.pathVariable("checkpointId"))
			.flatMap((checkpoint) -> GraphCaller.of(request.exchange())
				.flatMap((caller) -> this.access.require(caller, GraphOperation.READ, this.registry, graphId,
						checkpoint.executionId()))
				.then(Mono.defer(() -> json(HttpStatus.OK, fullJson(checkpoint)))));
	}

	/**
	 * {@code POST {base}/{graphId}/executions/{executionId}/resume} with an optional body
	 * {@code {"checkpointId": "..."}} (default: the execution's newest checkpoint): starts
	 * a new execution from the checkpoint at once and answers 202 with its
	 * {@code executionId}, {@code graphId}, {@code status}, {@code startedAt} and
	 * {@code resumedFrom} (the checkpoint id), and its URL in {@code Location}.
	 * @param request the request
	 * @return the response
	 */
	public Mono<ServerResponse> resume(ServerRequest request) {
		String graphId = request.pathVariable("graphId");
		String executionId = request.pathVariable("executionId");
		this.registry.executor(graphId);
		return this.access.authorize(request.exchange(), GraphOperation.EXECUTE, graphId)
			.flatMap((caller) -> this.access.require(caller, GraphOperation.READ, this.registry, graphId, executionId)
				.then(Mono.defer(() -> this.inputReader.readCheckpointId(request)))
				.flatMap((checkpointId) -> this.registry.checkpointToResume(graphId, executionId,
						checkpointId.orElse(null)))
				.map((checkpoint) -> new Resumed(this.registry.resume(graphId, checkpoint, caller.name()), checkpoint)))
			.flatMap((resumed) -> {
				Checkpoint checkpoint = resumed.checkpoint();
				GraphExecution execution = resumed.execution().cancelWhenUnobserved(false).start();
				Map<String, Object> body = new LinkedHashMap<>();
				body.put("executionId", execution.executionId());
				body.put("graphId", execution.graphId());
				body.put("status", execution.status().wireValue());
				body.put("startedAt", execution.startedAt().toString());
				body.put("resumedFrom", checkpoint.checkpointId());
				return ServerResponse.status(HttpStatus.ACCEPTED)
					.header(HttpHeaders.LOCATION, location(request, execution.executionId()))
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(this.mapper.writeValueAsBytes(body));
			});
	}

	/**
	 * The new execution's URL: the request's, {@code .../executions/{id}/resume}, with
	 * the new id in place of the old one (a path, as the polling start answer gives).
	 */
	private static String location(ServerRequest request, String executionId) {
		String path = request.requestPath().contextPath().value() + request.path();
		String execution = path.substring(0, path.lastIndexOf('/'));
		return execution.substring(0, execution.lastIndexOf('/') + 1) + executionId;
	}

	/**
	 * A new execution and the checkpoint it resumes from.
	 */
	private record Resumed(GraphExecution execution, Checkpoint checkpoint) {
	}

	private static Map<String, Object> summary(Checkpoint checkpoint) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("checkpointId", checkpoint.checkpointId());
		body.put("executionId", checkpoint.executionId());
		body.put("graphId", checkpoint.graphId());
		body.put("nodeId", checkpoint.nodeId());
		body.put("nextNodes", checkpoint.nextNodes());
		body.put("sequence", checkpoint.sequence());
		body.put("createdAt", checkpoint.createdAt().toString());
		return body;
	}

	/**
	 * The whole checkpoint; a state value the mapper cannot write becomes
	 * {@code {"unserializable": "<class name>"}}, as in event JSON.
	 */
	private byte[] fullJson(Checkpoint checkpoint) {
		Map<String, @Nullable Object> body = new LinkedHashMap<>(summary(checkpoint));
		body.put("nodeExecutions", checkpoint.nodeExecutions());
		body.put("budgetUsage", checkpoint.budgetUsage());
		body.put("iterations", checkpoint.iterations());
		body.put("state", checkpoint.state());
		try {
			return this.mapper.writeValueAsBytes(body);
		}
		catch (JacksonException ex) {
			logger.log(Level.WARNING, "The state of checkpoint " + checkpoint.checkpointId()
					+ " is not serializable; values are replaced", ex);
			Map<String, @Nullable Object> state = new LinkedHashMap<>();
			checkpoint.state().forEach((key, value) -> state.put(key, writable(value)));
			body.put("state", state);
			return this.mapper.writeValueAsBytes(body);
		}
	}

	private @Nullable Object writable(@Nullable Object value) {
		try {
			this.mapper.writeValueAsBytes(value);
			return value;
		}
		catch (JacksonException ex) {
			return Map.of("unserializable", (value != null) ? value.getClass().getName() : "null");
		}
	}

	private static Mono<ServerResponse> json(HttpStatus status, byte[] body) {
		return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).bodyValue(body);
	}

}
