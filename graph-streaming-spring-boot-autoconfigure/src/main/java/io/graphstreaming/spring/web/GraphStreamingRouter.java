package io.graphstreaming.spring.web;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import io.graphstreaming.spring.web.http.GraphCheckpointHandler;
import io.graphstreaming.spring.web.http.GraphHttpHandler;
import io.graphstreaming.spring.web.polling.GraphPollingHandler;
import io.graphstreaming.spring.web.sse.GraphSseHandler;

/**
 * The HTTP endpoints of graph streaming as one WebFlux {@link RouterFunction}, under a
 * base path ({@code /graphs} by default):
 *
 * <pre>
 * GET    {base}                                          graph descriptions
 * GET    {base}/executions?status=running                executions (all, or by status)
 * GET    {base}/{graphId}                                one description
 * POST   {base}/{graphId}/execute                        run to the end, JSON result
 * POST   {base}/{graphId}/execute/stream                 start and stream (SSE / NDJSON)
 * GET    {base}/{graphId}/execute/stream?input=...       the same for EventSource
 * GET    {base}/{graphId}/executions/{id}/stream         stream or resume an execution
 * GET    {base}/{graphId}/executions/{id}                status
 * DELETE {base}/{graphId}/executions/{id}                cancel
 * POST   {base}/{graphId}/executions                     start for polling (202)
 * GET    {base}/{graphId}/executions/{id}/events         poll / long poll
 * GET    {base}/{graphId}/executions/{id}/checkpoints    the execution's checkpoints
 * GET    {base}/{graphId}/checkpoints/{checkpointId}     one checkpoint with its state
 * POST   {base}/{graphId}/executions/{id}/resume         resume from a checkpoint (202)
 * POST   {base}/{graphId}/executions/{id}/resume/stream  resume and stream (SSE / NDJSON)
 * </pre>
 *
 * The streaming, polling and checkpoint routes exist only when their handler is given
 * ({@code resume/stream} with the streaming one). The
 * executions list comes before the graph routes, so it shadows a graph whose id is
 * {@code executions}. Every error of these routes, thrown or signalled, becomes a
 * {@code application/problem+json} answer through {@link ProblemResponses}.
 *
 * <p>Before a route runs, the request's client key is resolved (see
 * {@link ClientKeyResolver}) and kept in the exchange attribute
 * {@link ClientKeyResolver#ATTRIBUTE}, for the per-client stream limit. With an
 * {@link ExecutionRateLimiter}, each route that starts an execution ({@code execute},
 * {@code execute/stream}, {@code executions}, {@code resume}, {@code resume/stream}) first
 * takes one start from the client's allowance (a 429 when it is used up) and gives it
 * back if the request fails or repeats a start by its {@code Idempotency-Key} (see
 * {@link IdempotencyKeyHeader}); a reconnect that sends a {@code Last-Event-ID} starts
 * nothing and takes nothing.
 */
public final class GraphStreamingRouter {

	private GraphStreamingRouter() {
	}

	/**
	 * Builds the routes.
	 * @param basePath the base path, such as {@code /graphs}
	 * @param http the plain HTTP endpoints
	 * @param sse the streaming endpoints, or {@code null} to leave them out
	 * @param polling the polling endpoints, or {@code null} to leave them out
	 * @param problems the error answers
	 * @return the router function
	 */
	public static RouterFunction<ServerResponse> create(String basePath, GraphHttpHandler http,
			@Nullable GraphSseHandler sse, @Nullable GraphPollingHandler polling, ProblemResponses problems) {
		return create(basePath, http, sse, polling, null, problems);
	}

	/**
	 * Builds the routes.
	 * @param basePath the base path, such as {@code /graphs}
	 * @param http the plain HTTP endpoints
	 * @param sse the streaming endpoints, or {@code null} to leave them out
	 * @param polling the polling endpoints, or {@code null} to leave them out
	 * @param checkpoints the checkpoint endpoints, or {@code null} to leave them out
	 * @param problems the error answers
	 * @return the router function
	 */
	public static RouterFunction<ServerResponse> create(String basePath, GraphHttpHandler http,
			@Nullable GraphSseHandler sse, @Nullable GraphPollingHandler polling,
			@Nullable GraphCheckpointHandler checkpoints, ProblemResponses problems) {
		return create(basePath, http, sse, polling, checkpoints, problems, ClientKeyResolver.principalOrAddress(), null);
	}

	/**
	 * Builds the routes with per-client limits.
	 * @param basePath the base path, such as {@code /graphs}
	 * @param http the plain HTTP endpoints
	 * @param sse the streaming endpoints, or {@code null} to leave them out
	 * @param polling the polling endpoints, or {@code null} to leave them out
	 * @param checkpoints the checkpoint endpoints, or {@code null} to leave them out
	 * @param problems the error answers
	 * @param clientKeys names the client of each request
	 * @param rateLimiter limits the executions a client starts per minute, or
	 * {@code null} for no limit
	 * @return the router function
	 */
	public static RouterFunction<ServerResponse> create(String basePath, GraphHttpHandler http,
			@Nullable GraphSseHandler sse, @Nullable GraphPollingHandler polling,
			@Nullable GraphCheckpointHandler checkpoints, ProblemResponses problems, ClientKeyResolver clientKeys,
			@Nullable ExecutionRateLimiter rateLimiter) {
		Objects.requireNonNull(http, "http");
		Objects.requireNonNull(problems, "problems");
		Objects.requireNonNull(clientKeys, "clientKeys");
		String base = normalize(basePath);
		String graph = base + "/{graphId}";
		String execution = graph + "/executions/{executionId}";
		RouterFunctions.Builder routes = RouterFunctions.route()
			.GET(base.isEmpty() ? "/" : base, http::listGraphs)
			.GET(base + "/executions", http::listExecutions)
			.GET(graph, http::describeGraph)
			.POST(graph + "/execute", starting(http::execute, false, rateLimiter))
			.GET(execution, http::status)
			.DELETE(execution, http::cancel);
		if (sse != null) {
			routes.POST(graph + "/execute/stream", starting(sse::executeStream, true, rateLimiter))
				.GET(graph + "/execute/stream", starting(sse::executeStream, true, rateLimiter))
				.GET(execution + "/stream", sse::executionStream);
		}
		if (polling != null) {
			routes.POST(graph + "/executions", starting(polling::start, false, rateLimiter)).GET(execution + "/events", polling::events);
		}
		if (checkpoints != null) {
			routes.GET(execution + "/checkpoints", checkpoints::listCheckpoints)
				.GET(graph + "/checkpoints/{checkpointId}", checkpoints::checkpoint)
				.POST(execution + "/resume", starting(checkpoints::resume, false, rateLimiter));
			if (sse != null) {
				routes.POST(execution + "/resume/stream", starting(sse::resumeStream, true, rateLimiter));
			}
		}
		return routes.filter((request, next) -> Mono.defer(() -> clientKeys.resolve(request.exchange()))
			.defaultIfEmpty(ClientKeyResolver.address(request.exchange()))
			.flatMap((key) -> {
				request.exchange().getAttributes().put(ClientKeyResolver.ATTRIBUTE, key);
				return next.handle(request);
			})
			.onErrorResume((error) -> problems.handle(error, request))).build();
	}

	/**
	 * A route that starts an execution: it takes one start from the client's allowance,
	 * and gives it back when the request fails or turns out to repeat an earlier start
	 * ({@link IdempotencyKeyHeader#isReplayed}). With {@code resumable}, a request that
	 * sends a {@code Last-Event-ID} (header or {@code lastEventId} parameter) resumes an
	 * execution instead and takes nothing.
	 */
	private static HandlerFunction<ServerResponse> starting(HandlerFunction<ServerResponse> handler,
			boolean resumable, @Nullable ExecutionRateLimiter rateLimiter) {
		if (rateLimiter == null) {
			return handler;
		}
		return (request) -> {
			if (resumable && sendsLastEventId(request)) {
				return handler.handle(request);
			}
			String client = ClientKeyResolver.of(request.exchange());
			rateLimiter.acquire(client);
			return Mono.defer(() -> handler.handle(request)).doOnError((error) -> rateLimiter.refund(client))
				.doOnSuccess((response) -> {
					if (IdempotencyKeyHeader.isReplayed(request.exchange())) {
						rateLimiter.refund(client);
					}
				});
		};
	}

	private static boolean sendsLastEventId(ServerRequest request) {
		String header = request.headers().firstHeader("Last-Event-ID");
		if (header != null && !header.isBlank()) {
			return true;
		}
		return request.queryParam("lastEventId").filter((value) -> !value.isBlank()).isPresent();
	}

	/**
	 * {@code graphs/} becomes {@code /graphs}; {@code /} becomes the empty prefix.
	 * @param basePath the configured base path
	 * @return the normalized prefix
	 */
	static String normalize(String basePath) {
		Objects.requireNonNull(basePath, "basePath");
		String path = basePath.strip();
		while (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		if (!path.isEmpty() && !path.startsWith("/")) {
			path = "/" + path;
		}
		return path;
	}

}
