package io.graphstreaming.spring.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.resource.NoResourceFoundException;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Answers requests under the base path that no handler took with the same
 * {@code application/problem+json} as every other error of the endpoints, instead of the
 * server's default error JSON: a known path with a method it does not take is a 405 with
 * {@code Allow}, anything else a 404 naming the method and path.
 *
 * <p>It acts only on WebFlux's own "no handler" 404 (the dispatcher's, with no reason, or
 * the static resource handler's {@link NoResourceFoundException}), raised after every
 * handler mapping declined the request: it never shadows an application's own routes or
 * controllers under the base path, nor rewrites a 404 or 405 one of them raised. With the
 * endpoints at the root (an empty base path), only the endpoints' own paths are answered
 * this way. Ordered just before Spring Boot's error handler. The table of paths is every endpoint the starter can serve; where a transport
 * is switched off, its paths still answer 405 to a method they never take, and 404 to the
 * others.
 */
public class UnmatchedRouteProblems implements WebExceptionHandler, Ordered {

	/** Before Spring Boot's {@code ErrorWebExceptionHandler} (-1). */
	public static final int ORDER = -2;

	private final String basePath;

	private final Map<PathPattern, Set<HttpMethod>> endpoints;

	private final ProblemResponses problems;

	private final ServerCodecConfigurer codecs;

	/**
	 * Creates the handler.
	 * @param basePath the endpoints' base path ({@code /graphs} by default)
	 * @param problems writes the problem answers
	 * @param codecs the server's codecs, to write them
	 */
	public UnmatchedRouteProblems(String basePath, ProblemResponses problems, ServerCodecConfigurer codecs) {
		this.basePath = GraphStreamingRouter.normalize(Objects.requireNonNull(basePath, "basePath"));
		this.problems = Objects.requireNonNull(problems, "problems");
		this.codecs = Objects.requireNonNull(codecs, "codecs");
		this.endpoints = endpoints(this.basePath);
	}

	private static Map<PathPattern, Set<HttpMethod>> endpoints(String base) {
		String graph = base + "/{graphId}";
		String execution = graph + "/executions/{executionId}";
		Map<String, Set<HttpMethod>> paths = new LinkedHashMap<>();
		paths.put(base.isEmpty() ? "/" : base, Set.of(HttpMethod.GET));
		paths.put(base + "/executions", Set.of(HttpMethod.GET));
		paths.put(graph, Set.of(HttpMethod.GET));
		paths.put(graph + "/execute", Set.of(HttpMethod.POST));
		paths.put(graph + "/execute/stream", Set.of(HttpMethod.GET, HttpMethod.POST));
		paths.put(graph + "/executions", Set.of(HttpMethod.POST));
		paths.put(graph + "/ws", Set.of(HttpMethod.GET));
		paths.put(graph + "/checkpoints/{checkpointId}", Set.of(HttpMethod.GET));
		paths.put(execution, Set.of(HttpMethod.GET, HttpMethod.DELETE));
		paths.put(execution + "/stream", Set.of(HttpMethod.GET));
		paths.put(execution + "/events", Set.of(HttpMethod.GET));
		paths.put(execution + "/checkpoints", Set.of(HttpMethod.GET));
		paths.put(execution + "/resume", Set.of(HttpMethod.POST));
		paths.put(execution + "/resume/stream", Set.of(HttpMethod.POST));
		Map<PathPattern, Set<HttpMethod>> patterns = new LinkedHashMap<>();
		paths.forEach((path, methods) -> patterns.put(PathPatternParser.defaultInstance.parse(path), methods));
		return patterns;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (!isNoHandler(ex) || exchange.getResponse().isCommitted() || !isUnderBasePath(exchange)) {
			return Mono.error(ex);
		}
		Set<HttpMethod> allowed = allowedMethods(exchange);
		if (this.basePath.isEmpty() && allowed.isEmpty()) {
			// endpoints at the root: the rest of the application's paths are not ours
			return Mono.error(ex);
		}
		ServerRequest request = ServerRequest.create(exchange, this.codecs.getReaders());
		HttpMethod method = request.method();
		Mono<ServerResponse> answer;
		if (allowed.isEmpty() || allowed.contains(method)) {
			answer = this.problems.problem(HttpStatus.NOT_FOUND,
					"No endpoint for " + method.name() + " " + request.path(), request, null);
		}
		else {
			String names = allowed.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", "));
			exchange.getResponse().getHeaders().set(HttpHeaders.ALLOW, names);
			answer = this.problems.problem(HttpStatus.METHOD_NOT_ALLOWED,
					"Method " + method.name() + " is not supported by " + request.path() + "; it takes " + names,
					request, null);
		}
		return answer.flatMap((response) -> response.writeTo(exchange, new WriterContext(this.codecs)));
	}

	/**
	 * WebFlux's answer when no handler took the request: a 404 with no reason from the
	 * dispatcher, or from the static resource handler when it matched the path but has no
	 * such file. A 404 or 405 that a handler raised itself (an application controller's) is
	 * left alone.
	 */
	private static boolean isNoHandler(Throwable ex) {
		if (ex instanceof NoResourceFoundException) {
			return true;
		}
		return ex instanceof ResponseStatusException status && status.getStatusCode().value() == 404
				&& status.getReason() == null;
	}

	private boolean isUnderBasePath(ServerWebExchange exchange) {
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		return this.basePath.isEmpty() || path.equals(this.basePath) || path.startsWith(this.basePath + "/");
	}

	private Set<HttpMethod> allowedMethods(ServerWebExchange exchange) {
		var path = exchange.getRequest().getPath().pathWithinApplication();
		for (Map.Entry<PathPattern, Set<HttpMethod>> endpoint : this.endpoints.entrySet()) {
			if (endpoint.getKey().matches(path)) {
				return endpoint.getValue();
			}
		}
		return Set.of();
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	private record WriterContext(ServerCodecConfigurer codecs) implements ServerResponse.Context {

		@Override
		public List<HttpMessageWriter<?>> messageWriters() {
			return this.codecs.getWriters();
		}

		@Override
		public List<ViewResolver> viewResolvers() {
			return new ArrayList<>();
		}

	}

}
