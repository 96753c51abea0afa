package io.graphstreaming.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.reactive.function.server.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.metrics.TransportMetrics;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.security.GraphAuthorizer;
import io.graphstreaming.spring.web.ClientKeyResolver;
import io.graphstreaming.spring.web.ExecutionRateLimiter;
import io.graphstreaming.spring.web.GraphCorsWebFilter;
import io.graphstreaming.spring.web.GraphInputReader;
import io.graphstreaming.spring.web.GraphStreamingRouter;
import io.graphstreaming.spring.web.InputLimits;
import io.graphstreaming.spring.web.ProblemResponses;
import io.graphstreaming.spring.web.StreamLimiter;
import io.graphstreaming.spring.web.UnmatchedRouteProblems;
import io.graphstreaming.spring.web.http.GraphCheckpointHandler;
import io.graphstreaming.spring.web.http.GraphHttpHandler;
import io.graphstreaming.spring.web.polling.GraphPollingHandler;
import io.graphstreaming.spring.web.sse.GraphSseHandler;

/**
 * The HTTP endpoints of graph streaming in a reactive web application: SSE (and NDJSON)
 * streaming, polling, the plain JSON endpoints and the checkpoint endpoints, routed under
 * {@code graph.streaming.web.base-path}. {@code graph.streaming.web.sse-enabled} and
 * {@code graph.streaming.web.polling-enabled} switch their transports off. Every bean
 * backs off when the application defines its own; the routes are one
 * {@link RouterFunction} bean named {@code graphStreamingRouterFunction}.
 *
 * <p>The limits: {@code web.max-request-body}, {@code web.max-input-depth} and
 * {@code web.max-input-elements} (the {@link GraphInputReader}),
 * {@code web.max-concurrent-streams} and {@code web.max-concurrent-streams-per-client}
 * (the {@link StreamLimiter}), {@code web.max-executions-per-minute-per-client} (the
 * {@link ExecutionRateLimiter}); clients are told apart by the {@link ClientKeyResolver}
 * bean (principal name, else remote address).
 *
 * <p>CORS: once {@code graph.streaming.web.cors.allowed-origins} or
 * {@code allowed-origin-patterns} is set, a {@link GraphCorsWebFilter} (bean
 * {@code graphStreamingCorsWebFilter}) applies {@code graph.streaming.web.cors.*} to the
 * requests under the base path; without either, there is no filter and no CORS header.
 *
 * <p>Every handler asks the {@link GraphAuthorizer} bean (see
 * {@link GraphStreamingSecurityAutoConfiguration}) before it acts.
 */
@AutoConfiguration(after = GraphStreamingAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBean(GraphRegistry.class)
public final class GraphStreamingWebFluxAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	StreamLimiter graphStreamLimiter(GraphStreamingProperties properties) {
		GraphStreamingProperties.Web web = properties.getWeb();
		return new StreamLimiter(web.getMaxConcurrentStreams(), web.getMaxConcurrentStreamsPerClient(),
				web.getRetryAfter());
	}

	@Bean
	@ConditionalOnMissingBean(name = "graphStreamingCorsWebFilter")
	@Conditional(OnCorsConfiguredCondition.class)
	GraphCorsWebFilter graphStreamingCorsWebFilter(GraphStreamingProperties properties,
			ObjectProvider<JsonMapper> jsonMapper) {
		GraphStreamingPropertiesValidator.validate(properties);
		GraphStreamingProperties.Web web = properties.getWeb();
		GraphStreamingProperties.Web.Cors cors = web.getCors();
		CorsConfiguration configuration = new CorsConfiguration();
		configuration.setAllowedOrigins(cors.getAllowedOrigins().isEmpty() ? null : cors.getAllowedOrigins());
		configuration.setAllowedOriginPatterns(
				cors.getAllowedOriginPatterns().isEmpty() ? null : cors.getAllowedOriginPatterns());
		configuration.setAllowedMethods(cors.getAllowedMethods());
		configuration.setAllowedHeaders(cors.getAllowedHeaders());
		configuration.setExposedHeaders(cors.getExposedHeaders());
		configuration.setAllowCredentials(cors.isAllowCredentials());
		configuration.setMaxAge(cors.getMaxAge());
		return new GraphCorsWebFilter(web.getBasePath(), configuration, jsonMapper.getIfAvailable(JsonMapper::new));
	}

	@Bean
	@ConditionalOnMissingBean
	ClientKeyResolver graphClientKeyResolver() {
		return ClientKeyResolver.principalOrAddress();
	}

	@Bean
	@ConditionalOnMissingBean
	ExecutionRateLimiter graphExecutionRateLimiter(GraphStreamingProperties properties) {
		return new ExecutionRateLimiter(properties.getWeb().getMaxExecutionsPerMinutePerClient());
	}

	@Bean
	@ConditionalOnMissingBean
	GraphInputReader graphInputReader(ObjectProvider<JsonMapper> jsonMapper, GraphStreamingProperties properties) {
		GraphStreamingProperties.Web web = properties.getWeb();
		return new GraphInputReader(jsonMapper.getIfAvailable(JsonMapper::new), web.getMaxRequestBody().toBytes(),
				new InputLimits(web.getMaxInputDepth(), web.getMaxInputElements()));
	}

	@Bean
	@ConditionalOnMissingBean
	ProblemResponses graphProblemResponses(ObjectProvider<JsonMapper> jsonMapper,
			GraphStreamingProperties properties) {
		return new ProblemResponses(jsonMapper.getIfAvailable(JsonMapper::new), properties.getWeb().getRetryAfter());
	}

	@Bean
	@ConditionalOnMissingBean
	GraphHttpHandler graphHttpHandler(GraphRegistry registry, GraphInputReader inputReader,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<GraphAuthorizer> authorizer,
			GraphStreamingProperties properties) {
		return new GraphHttpHandler(registry, inputReader, jsonMapper.getIfAvailable(JsonMapper::new),
				GraphStreamingSecurityAutoConfiguration.authorizer(authorizer, properties));
	}

	@Bean
	@ConditionalOnMissingBean
	GraphCheckpointHandler graphCheckpointHandler(GraphRegistry registry, GraphInputReader inputReader,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<GraphAuthorizer> authorizer,
			GraphStreamingProperties properties) {
		return new GraphCheckpointHandler(registry, inputReader, jsonMapper.getIfAvailable(JsonMapper::new),
				GraphStreamingSecurityAutoConfiguration.authorizer(authorizer, properties));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "graph.streaming.web.sse-enabled", matchIfMissing = true)
	GraphSseHandler graphSseHandler(GraphRegistry registry, GraphEventJsonWriter jsonWriter,
			GraphInputReader inputReader, StreamLimiter streamLimiter, ObjectProvider<TransportMetrics> metrics,
			ObjectProvider<GraphAuthorizer> authorizer, GraphStreamingProperties properties) {
		return new GraphSseHandler(registry, jsonWriter, inputReader, streamLimiter,
				metrics.getIfUnique(() -> TransportMetrics.NONE),
				GraphStreamingSecurityAutoConfiguration.authorizer(authorizer, properties));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "graph.streaming.web.polling-enabled", matchIfMissing = true)
	GraphPollingHandler graphPollingHandler(GraphRegistry registry, GraphEventJsonWriter jsonWriter,
			GraphInputReader inputReader, ObjectProvider<JsonMapper> jsonMapper,
			GraphStreamingProperties properties, ObjectProvider<GraphAuthorizer> authorizer,
			StreamLimiter streamLimiter) {
		GraphStreamingProperties.Web web = properties.getWeb();
		return new GraphPollingHandler(registry, jsonWriter, inputReader, jsonMapper.getIfAvailable(JsonMapper::new),
				web.getPollMaxEvents(), web.getLongPollMaxWait(),
				GraphStreamingSecurityAutoConfiguration.authorizer(authorizer, properties), streamLimiter);
	}

	@Bean
	@ConditionalOnMissingBean(name = "graphStreamingRouterFunction")
	RouterFunction<ServerResponse> graphStreamingRouterFunction(GraphStreamingProperties properties,
			GraphHttpHandler httpHandler, ObjectProvider<GraphSseHandler> sseHandler,
			ObjectProvider<GraphPollingHandler> pollingHandler, ObjectProvider<GraphCheckpointHandler> checkpointHandler,
			ProblemResponses problems, ClientKeyResolver clientKeys, ExecutionRateLimiter rateLimiter) {
		GraphStreamingProperties.Web web = properties.getWeb();
		return GraphStreamingRouter.create(web.getBasePath(), httpHandler,
				web.isSseEnabled() ? sseHandler.getIfAvailable() : null,
				web.isPollingEnabled() ? pollingHandler.getIfAvailable() : null, checkpointHandler.getIfAvailable(),
				problems, clientKeys, rateLimiter);
	}

	@Bean
	@ConditionalOnMissingBean
	UnmatchedRouteProblems graphStreamingUnmatchedRouteProblems(GraphStreamingProperties properties,
			ProblemResponses problems, ObjectProvider<ServerCodecConfigurer> codecs) {
		return new UnmatchedRouteProblems(properties.getWeb().getBasePath(), problems,
				codecs.getIfAvailable(ServerCodecConfigurer::create));
	}

}
