package io.graphstreaming.spring.web.websocket;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.handler.AbstractHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.server.WebsocketServerSpec;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.web.ClientKeyResolver;
import io.graphstreaming.spring.web.StreamLimiter;
import io.graphstreaming.spring.web.TooManyStreamsException;

/**
 * Serves {@code {basePath}/{graphId}/ws}: refuses what should not become a socket with an
 * RFC 9457 {@code application/problem+json} answer before the upgrade, then hands the
 * socket to the {@link GraphWebSocketHandler}.
 *
 * <p>Checked in this order: an unknown graph id gets 404; a request that is not a
 * {@code GET} gets 405; a {@code GET} without {@code Upgrade: websocket} or without a
 * {@code Sec-WebSocket-Key} gets 400, one with a {@code Sec-WebSocket-Version} other than
 * 13 gets 426 (with {@code Sec-WebSocket-Version: 13}); when
 * the session limiter or the {@link StreamLimiter} has no permit left for the client
 * (transport {@value #TRANSPORT}; the client named by the {@link ClientKeyResolver}), 429
 * with {@code Retry-After}. The permits are taken before the upgrade and given back when
 * the session ends (or when the handshake fails), so an open socket counts as one session
 * and one stream, in total and for its client, for as long as it is open.
 *
 * <p>On Reactor Netty, a socket's connection ends with a lingering close: after the close
 * frame, the server half-closes the connection and reads on until the client closes it
 * (at most {@link #CLOSE_LINGER}). Closing at once, as Reactor Netty does, resets the
 * connection as soon as the client sends anything more (a pong answering a ping it reads
 * late, its own close frame), and the reset loses what the client had yet to read.
 *
 * <p>Ordered at {@value #ORDER}, before WebFlux's {@code RouterFunctionMapping} (-1) and
 * annotated controllers (0), so that no route of the HTTP transports shadows the socket.
 * The handlers it returns are {@link WebHandler}s, run by WebFlux's
 * {@code SimpleHandlerAdapter}.
 */
public class GraphWebSocketHandlerMapping extends AbstractHandlerMapping {

	/** The transport name sessions count under in the {@link StreamLimiter}. */
	public static final String TRANSPORT = "websocket";

	/** The default order: before the functional routes. */
	public static final int ORDER = -2;

	/**
	 * On Reactor Netty, the longest wait after the server closes a socket (its close frame
	 * sent) for the client to close the connection, before the server closes it anyway.
	 */
	public static final Duration CLOSE_LINGER = Duration.ofSeconds(5);

	private static final String SEC_WEBSOCKET_KEY = "Sec-WebSocket-Key";

	private static final String SEC_WEBSOCKET_VERSION = "Sec-WebSocket-Version";

	private static final String WEBSOCKET_VERSION = "13";

	private static final boolean REACTOR_NETTY_PRESENT = ClassUtils
		.isPresent("reactor.netty.http.server.WebsocketServerSpec", GraphWebSocketHandlerMapping.class.getClassLoader());

	private final PathPattern pattern;

	private final GraphRegistry registry;

	private final GraphWebSocketHandler handler;

	private final StreamLimiter limiter;

	private final @Nullable StreamLimiter sessionLimiter;

	private final ClientKeyResolver clientKeys;

	private final WebSocketService webSocketService;

	private final JsonMapper jsonMapper;

	/**
	 * Creates the mapping.
	 * @param basePath the base path of the graph endpoints, for example {@code /graphs}
	 * @param registry the graphs
	 * @param handler the protocol handler
	 * @param limiter counts open streams
	 * @param webSocketService performs the upgrade, for example
	 * {@link #webSocketService(int)}
	 * @param jsonMapper writes problem bodies
	 */
	public GraphWebSocketHandlerMapping(String basePath, GraphRegistry registry, GraphWebSocketHandler handler,
			StreamLimiter limiter, WebSocketService webSocketService, JsonMapper jsonMapper) {
		this(basePath, registry, handler, limiter, null, ClientKeyResolver.principalOrAddress(), webSocketService,
				jsonMapper);
	}

	/**
	 * Creates the mapping with a limit of WebSocket sessions.
	 * @param basePath the base path of the graph endpoints, for example {@code /graphs}
	 * @param registry the graphs
	 * @param handler the protocol handler
	 * @param limiter counts open streams, in total and per client
	 * @param sessionLimiter counts open sessions, in total and per client, or
	 * {@code null} for no limit but the streams'
	 * @param clientKeys names the client of each handshake
	 * @param webSocketService performs the upgrade, for example
	 * {@link #webSocketService(int)}
	 * @param jsonMapper writes problem bodies
	 */
	public GraphWebSocketHandlerMapping(String basePath, GraphRegistry registry, GraphWebSocketHandler handler,
			StreamLimiter limiter, @Nullable StreamLimiter sessionLimiter, ClientKeyResolver clientKeys,
			WebSocketService webSocketService, JsonMapper jsonMapper) {
		this.sessionLimiter = sessionLimiter;
		this.clientKeys = Objects.requireNonNull(clientKeys, "clientKeys");
		this.pattern = PathPatternParser.defaultInstance.parse(normalize(basePath) + "/{graphId}/ws");
		this.registry = Objects.requireNonNull(registry, "registry");
		this.handler = Objects.requireNonNull(handler, "handler");
		this.limiter = Objects.requireNonNull(limiter, "limiter");
		this.webSocketService = Objects.requireNonNull(webSocketService, "webSocketService");
		this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
		setOrder(ORDER);
	}

	/**
	 * A WebSocket service for the handler. On Reactor Netty, frames are aggregated up to
	 * twice the handler's message limit, so that a message over the limit still reaches
	 * the handler and is answered with 413 and a 1008 close; a larger one is cut off by
	 * the codec with 1009. Other servers get their default upgrade strategy.
	 * @param maxMessageBytes the handler's message limit
	 * @return the service
	 */
	public static WebSocketService webSocketService(int maxMessageBytes) {
		return webSocketService(maxMessageBytes, false);
	}

	/**
	 * A WebSocket service for the handler, as {@link #webSocketService(int)}, that may
	 * also accept permessage-deflate (RFC 7692) from clients that offer it. On other
	 * servers than Reactor Netty the switch has no effect.
	 * @param maxMessageBytes the handler's message limit
	 * @param permessageDeflate whether a client offering permessage-deflate gets it
	 * @return the service
	 */
	public static WebSocketService webSocketService(int maxMessageBytes, boolean permessageDeflate) {
		if (REACTOR_NETTY_PRESENT) {
			return ReactorNettySupport.webSocketService(maxMessageBytes, permessageDeflate);
		}
		return new HandshakeWebSocketService();
	}

	/**
	 * The path pattern served.
	 * @return the pattern, for example {@code /graphs/{graphId}/ws}
	 */
	public PathPattern pattern() {
		return this.pattern;
	}

	@Override
	protected Mono<?> getHandlerInternal(ServerWebExchange exchange) {
		PathPattern.PathMatchInfo match = this.pattern
			.matchAndExtract(exchange.getRequest().getPath().pathWithinApplication());
		if (match == null) {
			return Mono.empty();
		}
		exchange.getAttributes().put(BEST_MATCHING_PATTERN_ATTRIBUTE, this.pattern);
		exchange.getAttributes().put(URI_TEMPLATE_VARIABLES_ATTRIBUTE, match.getUriVariables());
		String graphId = match.getUriVariables().get("graphId");
		return Mono.just((WebHandler) (current) -> upgrade(current, graphId));
	}

	private Mono<Void> upgrade(ServerWebExchange exchange, String graphId) {
		if (!this.registry.graphIds().contains(graphId)) {
			return problem(exchange, HttpStatus.NOT_FOUND, "No graph '" + graphId + "'", null);
		}
		if (exchange.getRequest().getMethod() != HttpMethod.GET) {
			exchange.getResponse().getHeaders().setAllow(Set.of(HttpMethod.GET));
			return problem(exchange, HttpStatus.METHOD_NOT_ALLOWED,
					"This endpoint accepts WebSocket upgrade requests (GET) only", null);
		}
		if (!"websocket".equalsIgnoreCase(exchange.getRequest().getHeaders().getUpgrade())) {
			return problem(exchange, HttpStatus.BAD_REQUEST,
					"This endpoint accepts WebSocket upgrade requests only ('Upgrade: websocket')", null);
		}
		HttpHeaders headers = exchange.getRequest().getHeaders();
		String key = headers.getFirst(SEC_WEBSOCKET_KEY);
		if (key == null || key.isBlank()) {
			return problem(exchange, HttpStatus.BAD_REQUEST, "The upgrade request has no " + SEC_WEBSOCKET_KEY
					+ " header", null);
		}
		String version = headers.getFirst(SEC_WEBSOCKET_VERSION);
		if (version == null || !version.strip().equals(WEBSOCKET_VERSION)) {
			exchange.getResponse().getHeaders().set(SEC_WEBSOCKET_VERSION, WEBSOCKET_VERSION);
			return problem(exchange, HttpStatus.UPGRADE_REQUIRED,
					"This server speaks WebSocket version " + WEBSOCKET_VERSION + " (" + SEC_WEBSOCKET_VERSION + ")",
					null);
		}
		return Mono.defer(() -> this.clientKeys.resolve(exchange))
			.defaultIfEmpty(ClientKeyResolver.address(exchange))
			.flatMap((client) -> open(exchange, graphId, client));
	}

	private Mono<Void> open(ServerWebExchange exchange, String graphId, String client) {
		StreamLimiter.Permit session = null;
		StreamLimiter.Permit stream;
		try {
			session = (this.sessionLimiter != null) ? this.sessionLimiter.acquire(TRANSPORT, client) : null;
			stream = this.limiter.acquire(TRANSPORT, client);
		}
		catch (TooManyStreamsException ex) {
			if (session != null) {
				session.release();
			}
			return problem(exchange, HttpStatus.TOO_MANY_REQUESTS, ex.getMessage(), ex);
		}
		StreamLimiter.Permit sessionPermit = session;
		Runnable release = () -> {
			stream.release();
			if (sessionPermit != null) {
				sessionPermit.release();
			}
		};
		WebSocketHandler socketHandler = (socket) -> {
			if (REACTOR_NETTY_PRESENT) {
				ReactorNettySupport.lingerOnClose(exchange);
			}
			return this.handler.handle(socket, graphId, client).doFinally((signal) -> release.run());
		};
		Mono<Void> upgrade = Mono.defer(() -> this.webSocketService.handleRequest(exchange, socketHandler));
		return (REACTOR_NETTY_PRESENT ? ReactorNettySupport.onEventLoop(exchange, upgrade) : upgrade)
			.doOnError((ex) -> release.run())
			.doOnCancel(release)
			.onErrorResume(ResponseStatusException.class, (ex) -> refusedHandshake(exchange, ex));
	}

	/**
	 * A handshake the upgrade strategy refused (before anything was sent) gets the same
	 * problem answer as the checks above.
	 */
	private Mono<Void> refusedHandshake(ServerWebExchange exchange, ResponseStatusException ex) {
		HttpStatus status = HttpStatus.resolve(ex.getStatusCode().value());
		if (exchange.getResponse().isCommitted() || status == null || !status.is4xxClientError()) {
			return Mono.error(ex);
		}
		return problem(exchange, status, ex.getReason(), null);
	}

	private Mono<Void> problem(ServerWebExchange exchange, HttpStatus status, @Nullable String detail,
			@Nullable TooManyStreamsException tooMany) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", "about:blank");
		body.put("title", status.getReasonPhrase());
		body.put("status", status.value());
		if (detail != null) {
			body.put("detail", detail);
		}
		body.put("instance", exchange.getRequest().getPath().value());
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(status);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		if (tooMany != null) {
			response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(tooMany)));
		}
		byte[] bytes = this.jsonMapper.writeValueAsBytes(body);
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(bytes)));
	}

	/**
	 * {@code Retry-After} is whole seconds: round up, and never advise 0.
	 */
	private static long retryAfterSeconds(TooManyStreamsException ex) {
		long seconds = ex.retryAfter().getSeconds() + ((ex.retryAfter().getNano() > 0) ? 1 : 0);
		return Math.max(1, seconds);
	}

	private static String normalize(String basePath) {
		String path = basePath.strip();
		while (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		return (path.isEmpty() || path.startsWith("/")) ? path : "/" + path;
	}

	/**
	 * Kept apart so that Reactor Netty's classes load only when it is present.
	 */
	private static final class ReactorNettySupport {

		static WebSocketService webSocketService(int maxMessageBytes, boolean permessageDeflate) {
			int frameLimit = (int) Math.min(Integer.MAX_VALUE, 2L * maxMessageBytes);
			return new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(
					() -> WebsocketServerSpec.builder().maxFramePayloadLength(frameLimit).compress(permessageDeflate)));
		}

		/**
		 * Runs the upgrade on the connection's event loop. Filters before it may have moved
		 * the request to another thread (Spring Security does when it creates a
		 * {@code WebSession}: the in-memory store answers on the parallel scheduler); a
		 * handshake done from such a thread races with the client's first frame, which
		 * Reactor Netty then drops, so a client that sends {@code execute} right after
		 * the handshake would wait forever.
		 */
		static Mono<Void> onEventLoop(ServerWebExchange exchange, Mono<Void> upgrade) {
			Channel channel = channel(exchange);
			if (channel != null) {
				EventLoop eventLoop = channel.eventLoop();
				if (!eventLoop.inEventLoop()) {
					return upgrade.subscribeOn(Schedulers.fromExecutor(eventLoop));
				}
			}
			return upgrade;
		}

		/**
		 * Makes the socket's close a lingering one (see {@link LingeringClose}).
		 */
		static void lingerOnClose(ServerWebExchange exchange) {
			Channel channel = channel(exchange);
			if (channel != null) {
				LingeringClose.install(channel, CLOSE_LINGER);
			}
		}

		private static @Nullable Channel channel(ServerWebExchange exchange) {
			Object request = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
			return (request instanceof Connection connection) ? connection.channel() : null;
		}

	}

}
