package io.graphstreaming.spring.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.Principal;

import org.jspecify.annotations.Nullable;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Names the client a request comes from, for the per-client limits (concurrent streams,
 * executions per minute, WebSocket sessions). Requests with one key share one allowance.
 *
 * <p>The {@linkplain #principalOrAddress() default} is the principal's name when the
 * exchange has an authenticated principal (with Spring Security, the logged-in user;
 * Spring Security's anonymous user does not count), otherwise the remote address: the
 * whole address for IPv4, the /64 prefix for IPv6 (one host usually holds a whole /64).
 * Behind a reverse proxy every request comes from the proxy's address: turn on Spring
 * Boot's forwarded-header support ({@code server.forward-headers-strategy=native} or
 * {@code framework}) so that the remote address is the client's; this class never reads
 * {@code X-Forwarded-For} itself, since any client can send it. Define a bean of this type
 * to key clients otherwise (by API key, tenant, ...).
 */
@FunctionalInterface
public interface ClientKeyResolver {

	/** The exchange attribute under which the router keeps the key of a request. */
	String ATTRIBUTE = ClientKeyResolver.class.getName() + ".key";

	/**
	 * The key of the client that sent a request.
	 * @param exchange the exchange
	 * @return the key, never empty
	 */
	Mono<String> resolve(ServerWebExchange exchange);

	/**
	 * The default resolver: {@code principal:<name>}, else {@code address:<address>}.
	 * @return the resolver
	 */
	static ClientKeyResolver principalOrAddress() {
		return (exchange) -> exchange.getPrincipal()
			.filter(ClientKeyResolver::isIdentified)
			.map((principal) -> "principal:" + principal.getName())
			.switchIfEmpty(Mono.fromSupplier(() -> address(exchange)));
	}

	/**
	 * The key of a request as the router resolved it (see {@link #ATTRIBUTE}), else its
	 * {@linkplain #address(ServerWebExchange) address key}.
	 * @param exchange the exchange
	 * @return the key
	 */
	static String of(ServerWebExchange exchange) {
		Object key = exchange.getAttributes().get(ATTRIBUTE);
		return (key instanceof String text) ? text : address(exchange);
	}

	/**
	 * The address key of a request: {@code address:<IPv4 address>} or
	 * {@code address:<IPv6 /64 prefix>::/64}, {@code address:unknown} when the server
	 * does not know it.
	 * @param exchange the exchange
	 * @return the key
	 */
	static String address(ServerWebExchange exchange) {
		return addressKey(exchange.getRequest().getRemoteAddress());
	}

	/**
	 * The address key of a remote address.
	 * @param remote the address, or {@code null}
	 * @return the key
	 */
	static String addressKey(@Nullable InetSocketAddress remote) {
		if (remote == null) {
			return "address:unknown";
		}
		InetAddress address = remote.getAddress();
		if (address == null) {
			return "address:" + remote.getHostString();
		}
		if (address instanceof Inet6Address) {
			byte[] bytes = address.getAddress();
			StringBuilder prefix = new StringBuilder("address:");
			for (int i = 0; i < 8; i += 2) {
				prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
			}
			return prefix.append(":/64").toString();
		}
		return "address:" + address.getHostAddress();
	}

	/**
	 * Whether a principal names someone: not Spring Security's anonymous token, not a
	 * blank name.
	 * @param principal the principal
	 * @return {@code true} when its name identifies a client
	 */
	private static boolean isIdentified(Principal principal) {
		String name = principal.getName();
		if (name == null || name.isBlank()) {
			return false;
		}
		for (Class<?> type = principal.getClass(); type != null; type = type.getSuperclass()) {
			if (type.getName().equals("org.springframework.security.authentication.AnonymousAuthenticationToken")) {
				return false;
			}
		}
		return true;
	}

}
