package io.graphstreaming.spring.web;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.execution.ExecutionExpiredException;
import io.graphstreaming.core.execution.ExecutionLimitExceededException;
import io.graphstreaming.core.execution.ExecutionNotFoundException;
import io.graphstreaming.core.execution.RegistryShutdownException;
import io.graphstreaming.spring.registry.SharedStoreUnavailableException;
import io.graphstreaming.core.journal.EventsExpiredException;
import io.graphstreaming.spring.registry.CheckpointNotFoundException;
import io.graphstreaming.spring.registry.ExecutionStillRunningException;
import io.graphstreaming.spring.registry.GraphNotFoundException;
import io.graphstreaming.spring.registry.IdempotencyKeyReusedException;
import io.graphstreaming.spring.security.GraphAccessDeniedException;

/**
 * Turns the errors of the HTTP transports into RFC 9457 {@code application/problem+json}
 * answers: {@code type} ({@code about:blank}), {@code title}, {@code status},
 * {@code detail} and {@code instance} (the request path).
 *
 * <p>Refused by the {@code GraphAuthorizer}: 403, naming the operation and the graph.
 * Unknown graph, execution or checkpoint (or a graph that keeps none): 404. Resume of
 * an execution that still runs: 409. Execution or events no longer kept: 410. An
 * {@code Idempotency-Key} sent again with another input: 422. Bad input or parameter
 * ({@link IllegalArgumentException}, {@link ResponseStatusException} such as
 * {@code ServerWebInputException}): their status and message, plus the properties of
 * their {@code ProblemDetail} body as extension members. Too many streams or
 * executions, in total or for the client, or too many executions started by the client
 * in the last minute: 429 with {@code Retry-After} in seconds. A new execution while the
 * application shuts down: 503 with {@code Retry-After}. Anything else: 500 with the detail
 * "Internal error", logged here; no exception text or stack trace ever reaches a client.
 */
public class ProblemResponses {

	private static final System.Logger logger = System.getLogger(ProblemResponses.class.getName());

	private static final String INTERNAL_ERROR = "Internal error";

	private final JsonMapper mapper;

	private final Duration executionLimitRetryAfter;

	/**
	 * Creates the error mapping.
	 * @param mapper the application's mapper
	 * @param executionLimitRetryAfter the {@code Retry-After} advised when the limit of
	 * concurrent executions is reached
	 */
	public ProblemResponses(JsonMapper mapper, Duration executionLimitRetryAfter) {
		this.mapper = Objects.requireNonNull(mapper, "mapper");
		this.executionLimitRetryAfter = Objects.requireNonNull(executionLimitRetryAfter, "executionLimitRetryAfter");
	}

	/**
	 * The answer to an error raised while handling a request.
	 * @param error the error
	 * @param request the request
	 * @return the problem response
	 */
	public Mono<ServerResponse> handle(Throwable error, ServerRequest request) {
		if (error instanceof GraphNotFoundException || error instanceof ExecutionNotFoundException
				|| error instanceof CheckpointNotFoundException) {
			return problem(HttpStatus.NOT_FOUND, error.getMessage(), request, null);
		}
		if (error instanceof GraphAccessDeniedException) {
			return problem(HttpStatus.FORBIDDEN, error.getMessage(), request, null);
		}
		if (error instanceof ExecutionStillRunningException) {
			return problem(HttpStatus.CONFLICT, error.getMessage(), request, null);
		}
		if (error instanceof ExecutionExpiredException || error instanceof EventsExpiredException) {
			return problem(HttpStatus.GONE, error.getMessage(), request, null);
		}
		if (error instanceof IdempotencyKeyReusedException) {
			return problem(HttpStatus.UNPROCESSABLE_CONTENT, error.getMessage(), request, null);
		}
		if (error instanceof TooManyStreamsException tooMany) {
			return problem(HttpStatus.TOO_MANY_REQUESTS, error.getMessage(), request, tooMany.retryAfter());
		}
		if (error instanceof ExecutionRateExceededException tooFast) {
			return problem(HttpStatus.TOO_MANY_REQUESTS, error.getMessage(), request, tooFast.retryAfter());
		}
		if (error instanceof SharedStoreUnavailableException) {
			return problem(HttpStatus.SERVICE_UNAVAILABLE, error.getMessage(), request, this.executionLimitRetryAfter);
		}
		if (error instanceof RegistryShutdownException) {
			return problem(HttpStatus.SERVICE_UNAVAILABLE, error.getMessage(), request, this.executionLimitRetryAfter);
		}
		if (error instanceof ExecutionLimitExceededException) {
			return problem(HttpStatus.TOO_MANY_REQUESTS, error.getMessage(), request, this.executionLimitRetryAfter);
		}
		if (error instanceof ResponseStatusException statusError && statusError.getStatusCode().is4xxClientError()) {
			return problem(statusError.getStatusCode(), statusError.getReason(), request, null,
					statusError.getBody().getProperties());
		}
		if (error instanceof IllegalArgumentException) {
			return problem(HttpStatus.BAD_REQUEST, error.getMessage(), request, null);
		}
		logger.log(Level.ERROR, "Request " + request.method() + " " + request.path() + " failed", error);
		return problem(HttpStatus.INTERNAL_SERVER_ERROR, INTERNAL_ERROR, request, null);
	}

	/**
	 * A problem response.
	 * @param status the status
	 * @param detail the explanation for the client, or {@code null} for none
	 * @param request the request, whose path becomes the {@code instance}
	 * @param retryAfter the {@code Retry-After} to send, or {@code null}
	 * @return the response
	 */
	public Mono<ServerResponse> problem(HttpStatusCode status, @Nullable String detail, ServerRequest request,
			@Nullable Duration retryAfter) {
		return problem(status, detail, request, retryAfter, null);
	}

	private Mono<ServerResponse> problem(HttpStatusCode status, @Nullable String detail, ServerRequest request,
			@Nullable Duration retryAfter, @Nullable Map<String, ?> extensions) {
		Map<String, @Nullable Object> body = new LinkedHashMap<>();
		body.put("type", "about:blank");
		HttpStatus known = HttpStatus.resolve(status.value());
		body.put("title", (known != null) ? known.getReasonPhrase() : "Error");
		body.put("status", status.value());
		if (detail != null) {
			body.put("detail", detail);
		}
		body.put("instance", request.path());
		if (extensions != null) {
			extensions.forEach(body::putIfAbsent);
		}
		ServerResponse.BodyBuilder builder = ServerResponse.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
		if (retryAfter != null) {
			builder.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(retryAfter)));
		}
		return builder.bodyValue(this.mapper.writeValueAsBytes(body));
	}

	/**
	 * {@code Retry-After} is whole seconds: round up, and never advise 0.
	 * @param retryAfter the delay
	 * @return whole seconds, at least 1
	 */
	public static long retryAfterSeconds(Duration retryAfter) {
		long seconds = retryAfter.getSeconds() + ((retryAfter.getNano() > 0) ? 1 : 0);
		return Math.max(1, seconds);
	}

}
