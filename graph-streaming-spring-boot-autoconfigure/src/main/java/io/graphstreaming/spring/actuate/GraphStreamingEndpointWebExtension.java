package io.graphstreaming.spring.actuate;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.util.MimeType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.graph.GraphDescription;
import io.graphstreaming.spring.actuate.GraphStreamingEndpoint.ExecutionReport;
import io.graphstreaming.spring.actuate.GraphStreamingEndpoint.GraphStreamingReport;
import io.graphstreaming.spring.security.GraphAccess;
import io.graphstreaming.spring.security.GraphAccessControl;
import io.graphstreaming.spring.security.GraphAccessDeniedException;
import io.graphstreaming.spring.security.GraphAuthorizer;
import io.graphstreaming.spring.security.GraphCaller;
import io.graphstreaming.spring.security.GraphOperation;

/**
 * The HTTP side of {@link GraphStreamingEndpoint}: the same three operations, each
 * consulting the {@link GraphAuthorizer} with the caller, as the graph endpoints do.
 *
 * <p>The caller is the principal Actuator sees on WebFlux: with Spring Security, the
 * request's {@code Authentication} (an anonymous one, or none, is an anonymous caller);
 * without it, every caller is anonymous.
 * The report lists the graphs the caller may {@link GraphOperation#DESCRIBE} and the
 * active executions it may {@link GraphOperation#READ}; one execution's report needs
 * {@code READ} of it, its cancel {@link GraphOperation#CANCEL}. An unknown execution is a
 * {@code 404} whatever the rule; a refusal is a {@code 403}
 * {@code application/problem+json} answer naming the operation and the execution.
 *
 * <p>The authorizer is consulted in addition to the application's security chain: a
 * chain that keeps {@code /actuator/**} to administrators still decides who reaches the
 * endpoint at all. Operations are reactive, so they never block the server's event loop
 * (a replica's cancel waits for its terminal event asynchronously).
 */
@EndpointWebExtension(endpoint = GraphStreamingEndpoint.class)
public class GraphStreamingEndpointWebExtension {

	private static final MimeType PROBLEM_JSON = MimeType.valueOf("application/problem+json");

	private static final int STATUS_FORBIDDEN = 403;

	private final GraphStreamingEndpoint delegate;

	private final GraphAccessControl access;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint that does the work
	 * @param authorizer decides what each caller may see and cancel; pass
	 * {@link GraphAuthorizer#permitAll()} to let every caller that reaches the endpoint see
	 * and cancel everything
	 */
	public GraphStreamingEndpointWebExtension(GraphStreamingEndpoint delegate, GraphAuthorizer authorizer) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		this.access = new GraphAccessControl(Objects.requireNonNull(authorizer, "authorizer"));
	}

	/**
	 * {@code GET /actuator/graphstreaming}: the graphs the caller may describe and the
	 * active executions it may read, oldest first.
	 * @return the report
	 */
	@ReadOperation
	public Mono<GraphStreamingReport> report() {
		return ActuatorCaller.current().flatMap(this::report);
	}

	private Mono<GraphStreamingReport> report(GraphCaller caller) {
		Mono<List<GraphDescription>> graphs = Flux
			.fromIterable(this.delegate.graphs().describeAll())
			.concatMap((graph) -> this.access
				.allows(GraphAccess.toGraph(GraphOperation.DESCRIBE, graph.id(), caller.principal()))
				.filter(Boolean::booleanValue)
				.map((allowed) -> graph))
			.collectList();
		Instant now = Instant.now();
		Mono<List<ExecutionReport>> executions = Flux.fromIterable(this.delegate.activeExecutions())
			.concatMap((execution) -> this.access
				.allows(GraphAccess.toExecution(GraphOperation.READ, execution, caller.principal()))
				.filter(Boolean::booleanValue)
				.map((allowed) -> ExecutionReport.of(execution, now)))
			.collectList();
		return Mono.zip(graphs, executions, GraphStreamingReport::new);
	}

	/**
	 * {@code GET /actuator/graphstreaming/{executionId}}: one execution, running or
	 * retained.
	 * @param executionId the execution
	 * @return {@code 200} with its report, {@code 404} when it is unknown, {@code 403}
	 * (problem) when the caller may not read it
	 */
	@ReadOperation
	public Mono<WebEndpointResponse<Object>> execution(@Selector String executionId) {
		return authorized(executionId, GraphOperation.READ,
				(execution) -> Mono.fromSupplier(() -> ExecutionReport.of(execution, Instant.now())));
	}

	/**
	 * {@code POST /actuator/graphstreaming/{executionId}}: cancels an execution. (Over
	 * HTTP a write operation that returned nothing would answer {@code 204 No Content}
	 * for an unknown execution, as if the cancel had succeeded; this one answers
	 * {@code 404}.)
	 * @param executionId the execution
	 * @return {@code 200} with its report after the cancellation, {@code 404} when it is
	 * unknown, {@code 403} (problem) when the caller may not cancel it
	 */
	@WriteOperation
	public Mono<WebEndpointResponse<Object>> cancel(@Selector String executionId) {
		return authorized(executionId, GraphOperation.CANCEL, this.delegate::cancel);
	}

	private Mono<WebEndpointResponse<Object>> authorized(String executionId, GraphOperation operation,
			Function<GraphExecution, Mono<ExecutionReport>> action) {
		GraphExecution execution = this.delegate.graphs().lookup(executionId).orElse(null);
		if (execution == null) {
			return Mono.just(new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND));
		}
		return ActuatorCaller.current()
			.flatMap((caller) -> this.access.require(GraphAccess.toExecution(operation, execution, caller.principal())))
			.then(Mono.defer(() -> action.apply(execution)))
			.map((report) -> new WebEndpointResponse<Object>(report))
			.onErrorResume(GraphAccessDeniedException.class, (ex) -> Mono.just(forbidden(ex)));
	}

	private static WebEndpointResponse<Object> forbidden(GraphAccessDeniedException ex) {
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "about:blank");
		problem.put("title", "Forbidden");
		problem.put("status", STATUS_FORBIDDEN);
		problem.put("detail", ex.getMessage());
		return new WebEndpointResponse<>(problem, STATUS_FORBIDDEN, PROBLEM_JSON);
	}

}
