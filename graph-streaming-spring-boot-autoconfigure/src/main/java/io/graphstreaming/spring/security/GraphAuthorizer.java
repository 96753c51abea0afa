package io.graphstreaming.spring.security;

import reactor.core.publisher.Mono;

/**
 * Decides whether a caller may perform an operation on a graph or on one of its
 * executions. The transports (HTTP, SSE, polling, WebSocket) and the HTTP side of the
 * {@code graphstreaming} Actuator endpoint ask it before they act, after the graph and
 * the execution were found (an unknown one is a 404 whatever the rule); a
 * refusal is a 403 {@code application/problem+json} answer, or on a WebSocket an error
 * message with status 403.
 *
 * <p>It is consulted in addition to the application's security chain, never instead of
 * it: a caller the chain turns away (401, 403) never gets here. Define a bean of this
 * type to replace the default rule ({@link DefaultGraphAuthorizer}), for example to let
 * only some roles execute some graphs.
 */
@FunctionalInterface
public interface GraphAuthorizer {

	/**
	 * Decides one access. It may be asynchronous, and must not block: it is subscribed on
	 * the server's event loop.
	 * @param access the operation, graph, caller and (for reads and cancels) execution
	 * @return {@code true} to allow; {@code false} or an empty mono to refuse
	 */
	Mono<Boolean> authorize(GraphAccess access);

	/**
	 * An authorizer that allows everything: the transports' behaviour when no authorizer
	 * is given.
	 * @return the authorizer
	 */
	static GraphAuthorizer permitAll() {
		return (access) -> Mono.just(Boolean.TRUE);
	}

}
