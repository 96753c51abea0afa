package io.graphstreaming.spring.security;

import java.security.Principal;

import org.jspecify.annotations.Nullable;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The caller of a request or WebSocket session: its principal, if the application's
 * security established one.
 *
 * @param principal the principal, or {@code null} for an anonymous caller
 */
public record GraphCaller(@Nullable Principal principal) {

	/** A caller without a principal. */
	public static final GraphCaller ANONYMOUS = new GraphCaller(null);

	/**
	 * The caller of an exchange, read from {@link ServerWebExchange#getPrincipal()} (which
	 * Spring Security fills in). Must be subscribed within the request's handling, where
	 * the security context is available.
	 * @param exchange the exchange
	 * @return the caller, {@link #ANONYMOUS} when there is no principal; never empty
	 */
	public static Mono<GraphCaller> of(ServerWebExchange exchange) {
		return exchange.<Principal>getPrincipal().map(GraphCaller::new).defaultIfEmpty(ANONYMOUS);
	}

	/**
	 * The name an execution started by this caller records as its owner.
	 * @return the name, or {@code null} for an anonymous caller
	 * @see GraphPrincipals#name(Principal)
	 */
	public @Nullable String name() {
		return GraphPrincipals.name(this.principal);
	}

}
