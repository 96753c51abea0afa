package io.graphstreaming.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.result.SimpleHandlerAdapter;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.metrics.TransportMetrics;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.security.GraphAuthorizer;
import io.graphstreaming.spring.web.ClientKeyResolver;
import io.graphstreaming.spring.web.ExecutionRateLimiter;
import io.graphstreaming.spring.web.InputLimits;
import io.graphstreaming.spring.web.StreamLimiter;
import io.graphstreaming.spring.web.websocket.GraphWebSocketHandler;
import io.graphstreaming.spring.web.websocket.GraphWebSocketHandlerMapping;
import io.graphstreaming.spring.web.websocket.GraphWebSocketShutdown;

/**
 * The WebSocket endpoint {@code {graph.streaming.web.base-path}/{graphId}/ws} in a
 * reactive web application, unless {@code graph.streaming.web.websocket-enabled} is
 * {@code false}. Client messages are limited to
 * {@code graph.streaming.web.websocket-max-message-size} and their input to {@code web.max-input-depth} and {@code web.max-input-elements}; an
 * {@code execute} uses the client's allowance of the application's
 * {@link ExecutionRateLimiter}; sessions are limited to {@code web.websocket-max-sessions}
 * in total and {@code web.websocket-max-sessions-per-client} per client (keyed by the
 * application's {@link ClientKeyResolver});
 * pings are sent every {@code graph.streaming.web.websocket-ping-interval}; clients may
 * negotiate permessage-deflate when {@code graph.streaming.web.websocket-permessage-deflate}
 * is {@code true}; sessions count
 * against the application's {@link StreamLimiter} (one limiter of
 * {@code graph.streaming.web.max-concurrent-streams} is created for the sockets alone when
 * the application has none). Pings, resumes and clients leaving mid-stream are reported to
 * the application's {@link TransportMetrics}. At shutdown, {@link GraphWebSocketShutdown}
 * closes the sockets that stream nothing with 1001. Each bean backs off when the application
 * defines its own; WebFlux's {@code SimpleHandlerAdapter}, which runs the mapping's
 * handlers, is added only if the application has none.
 */
@AutoConfiguration(after = { GraphStreamingAutoConfiguration.class, GraphStreamingWebFluxAutoConfiguration.class },
		afterName = "org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ WebSocketHandler.class, HandshakeWebSocketService.class })
@ConditionalOnBean(GraphRegistry.class)
@ConditionalOnBooleanProperty(name = "graph.streaming.web.websocket-enabled", matchIfMissing = true)
@EnableConfigurationProperties(GraphStreamingProperties.class)
public final class GraphStreamingWebSocketAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GraphWebSocketHandler graphWebSocketHandler(GraphRegistry registry, GraphEventJsonWriter jsonWriter,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<TransportMetrics> metrics,
			ObjectProvider<ExecutionRateLimiter> rateLimiter, GraphStreamingProperties properties,
			ObjectProvider<GraphAuthorizer> authorizer) {
		GraphStreamingPropertiesValidator.validate(properties);
		GraphStreamingProperties.Web web = properties.getWeb();
		return new GraphWebSocketHandler(registry, jsonWriter, jsonMapper.getIfAvailable(JsonMapper::new),
				web.getWebsocketPingInterval(), maxMessageBytes(web), metrics.getIfUnique(() -> TransportMetrics.NONE),
				new InputLimits(web.getMaxInputDepth(), web.getMaxInputElements()),
				rateLimiter.getIfAvailable(() -> new ExecutionRateLimiter(web.getMaxExecutionsPerMinutePerClient())),
				GraphStreamingSecurityAutoConfiguration.authorizer(authorizer, properties));
	}

	@Bean
	@ConditionalOnMissingBean
	GraphWebSocketHandlerMapping graphWebSocketHandlerMapping(GraphRegistry registry, GraphWebSocketHandler handler,
			ObjectProvider<StreamLimiter> streamLimiter, ObjectProvider<ClientKeyResolver> clientKeys,
			ObjectProvider<JsonMapper> jsonMapper, GraphStreamingProperties properties) {
		GraphStreamingProperties.Web web = properties.getWeb();
		StreamLimiter limiter = streamLimiter.getIfAvailable(() -> new StreamLimiter(web.getMaxConcurrentStreams(),
				web.getMaxConcurrentStreamsPerClient(), web.getRetryAfter()));
		StreamLimiter sessionLimiter = new StreamLimiter(web.getWebsocketMaxSessions(),
				web.getWebsocketMaxSessionsPerClient(), web.getRetryAfter(), "WebSocket sessions");
		return new GraphWebSocketHandlerMapping(web.getBasePath(), registry, handler, limiter, sessionLimiter,
				clientKeys.getIfAvailable(ClientKeyResolver::principalOrAddress),
				GraphWebSocketHandlerMapping.webSocketService(handler.maxMessageBytes(),
						web.isWebsocketPermessageDeflate()),
				jsonMapper.getIfAvailable(JsonMapper::new));
	}

	@Bean
	@ConditionalOnMissingBean
	GraphWebSocketShutdown graphWebSocketShutdown(GraphWebSocketHandler handler) {
		return new GraphWebSocketShutdown(handler);
	}

	@Bean
	@ConditionalOnMissingBean
	SimpleHandlerAdapter graphWebSocketSimpleHandlerAdapter() {
		return new SimpleHandlerAdapter();
	}

	private static int maxMessageBytes(GraphStreamingProperties.Web web) {
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE / 2, web.getWebsocketMaxMessageSize().toBytes()));
	}

}
