package io.graphstreaming.spring.security;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.spring.registry.GraphRegistry;

/**
 * How the transports consult the {@link GraphAuthorizer}: they find the caller, build the
 * {@link GraphAccess}, and either go on or fail with a {@link GraphAccessDeniedException}.
 */
public final class GraphAccessControl {

	private static final GraphAccessControl PERMIT_ALL = new GraphAccessControl(GraphAuthorizer.permitAll());

	private final GraphAuthorizer authorizer;

	/**
	 * Creates the access control.
	 * @param authorizer the rule
	 */
	public GraphAccessControl(GraphAuthorizer authorizer) {
		this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
	}

	/**
	 * Access control that allows everything (transports created without an authorizer).
	 * @return the access control
	 */
	public static GraphAccessControl permitAll() {
		return PERMIT_ALL;
	}

	/**
	 * The rule.
	 * @return the authorizer
	 */
	public GraphAuthorizer authorizer() {
		return this.authorizer;
	}

	/**
	 * Finds the exchange's caller and requires an operation on a graph as a whole.
	 * @param exchange the exchange
	 * @param operation the operation
	 * @param graphId the graph
	 * @return the caller once allowed; a {@link GraphAccessDeniedException} otherwise
	 */
	public Mono<GraphCaller> authorize(ServerWebExchange exchange, GraphOperation operation, String graphId) {
		return GraphCaller.of(exchange)
			.flatMap((caller) -> require(GraphAccess.toGraph(operation, graphId, caller.principal())).thenReturn(caller));
	}

	/**
	 * Finds the exchange's caller and requires an operation on an execution.
	 * @param exchange the exchange
	 * @param operation the operation
	 * @param execution the execution
	 * @return the caller once allowed; a {@link GraphAccessDeniedException} otherwise
	 */
	public Mono<GraphCaller> authorize(ServerWebExchange exchange, GraphOperation operation,
			GraphExecution execution) {
		return GraphCaller.of(exchange)
			.flatMap((caller) -> require(GraphAccess.toExecution(operation, execution, caller.principal()))
				.thenReturn(caller));
	}

	/**
	 * Requires an operation on an execution by id, looked up in the registry: for the
	 * checkpoint endpoints, which also serve executions the registry has forgotten.
	 * @param caller the caller
	 * @param operation the operation
	 * @param registry the registry
	 * @param graphId the graph
	 * @param executionId the execution
	 * @return completes once allowed; a {@link GraphAccessDeniedException} otherwise
	 */
	public Mono<Void> require(GraphCaller caller, GraphOperation operation, GraphRegistry registry, String graphId,
			String executionId) {
		GraphExecution known = registry.lookup(executionId)
			.filter((execution) -> execution.graphId().equals(graphId))
			.orElse(null);
		return require(caller, operation, graphId, executionId, known);
	}

	/**
	 * Requires an operation on an execution by id: one the registry knows, with its owner,
	 * or one it no longer knows (only checkpoints remain), with an unknown owner.
	 * @param caller the caller
	 * @param operation the operation
	 * @param graphId the graph
	 * @param executionId the execution
	 * @param known the execution if the registry knows it, else {@code null}
	 * @return completes once allowed; a {@link GraphAccessDeniedException} otherwise
	 */
	public Mono<Void> require(GraphCaller caller, GraphOperation operation, String graphId, String executionId,
			@Nullable GraphExecution known) {
		GraphAccess.Execution execution = (known != null)
				? new GraphAccess.Execution(known.executionId(), known.owner(), true)
				: new GraphAccess.Execution(executionId, null, false);
		return require(new GraphAccess(operation, graphId, caller.principal(), execution));
	}

	/**
	 * Requires an access.
	 * @param access the access
	 * @return completes once allowed; a {@link GraphAccessDeniedException} otherwise
	 */
	public Mono<Void> require(GraphAccess access) {
		return allows(access).flatMap((allowed) -> allowed ? Mono.<Void>empty()
				: Mono.<Void>error(new GraphAccessDeniedException(access)));
	}

	/**
	 * Asks the authorizer; an empty answer is a refusal.
	 * @param access the access
	 * @return whether it is allowed; never empty
	 */
	public Mono<Boolean> allows(GraphAccess access) {
		return Mono.defer(() -> this.authorizer.authorize(access)).defaultIfEmpty(Boolean.FALSE);
	}

}
