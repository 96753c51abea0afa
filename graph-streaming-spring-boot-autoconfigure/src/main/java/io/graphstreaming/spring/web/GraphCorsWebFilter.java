package io.graphstreaming.spring.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsProcessor;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.cors.reactive.DefaultCorsProcessor;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * CORS for the graph endpoints: applies one {@link CorsConfiguration} to the requests
 * under the base path (the HTTP transports and the WebSocket handshake) and to nothing
 * else. A valid preflight is answered here (200 with the {@code Access-Control-*}
 * headers); an actual cross-origin request gets its headers and goes on; a cross-origin
 * request or preflight the configuration does not allow (origin, method or headers) gets
 * 403 as {@code application/problem+json} and reaches no handler. Same-origin requests
 * and requests without {@code Origin} pass untouched.
 *
 * <p>Ordered at {@value #ORDER}, before Spring Security's {@code WebFilterChainProxy}
 * (-100): preflights carry no credentials, so they must be answered before
 * authentication, and a refused origin never reaches the application's chain.
 */
public class GraphCorsWebFilter implements WebFilter, Ordered {

	/** The filter's order: before Spring Security's web filter chain (-100). */
	public static final int ORDER = -200;

	private final UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();

	private final CorsProcessor processor = new DefaultCorsProcessor();

	private final JsonMapper jsonMapper;

	/**
	 * Creates the filter.
	 * @param basePath the base path of the graph endpoints, for example {@code /graphs}
	 * @param configuration what cross-origin requests may do
	 * @param jsonMapper writes problem bodies
	 */
	public GraphCorsWebFilter(String basePath, CorsConfiguration configuration, JsonMapper jsonMapper) {
		Objects.requireNonNull(configuration, "configuration");
		String base = normalize(basePath);
		if (!base.isEmpty()) {
			this.source.registerCorsConfiguration(base, configuration);
		}
		this.source.registerCorsConfiguration(base + "/**", configuration);
		this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		CorsConfiguration configuration = this.source.getCorsConfiguration(exchange);
		if (configuration == null) {
			return chain.filter(exchange);
		}
		if (!this.processor.process(configuration, exchange)) {
			return forbidden(exchange);
		}
		if (CorsUtils.isPreFlightRequest(exchange.getRequest())) {
			return Mono.empty();
		}
		return chain.filter(exchange);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	private Mono<Void> forbidden(ServerWebExchange exchange) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", "about:blank");
		body.put("title", HttpStatus.FORBIDDEN.getReasonPhrase());
		body.put("status", HttpStatus.FORBIDDEN.value());
		body.put("detail", "This cross-origin request is not allowed: its origin, method or headers are not"
				+ " in the CORS configuration");
		body.put("instance", exchange.getRequest().getPath().value());
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatus.FORBIDDEN);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		byte[] bytes = this.jsonMapper.writeValueAsBytes(body);
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(bytes)));
	}

	private static String normalize(String basePath) {
		String path = basePath.strip();
		while (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		return (path.isEmpty() || path.startsWith("/")) ? path : "/" + path;
	}

}
