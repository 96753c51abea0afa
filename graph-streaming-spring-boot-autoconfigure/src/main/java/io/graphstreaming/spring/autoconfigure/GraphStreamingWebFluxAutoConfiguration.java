package io.graphstreaming.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.metrics.TransportMetrics;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.web.GraphInputReader;
import io.graphstreaming.spring.web.GraphStreamingRouter;
import io.graphstreaming.spring.web.ProblemResponses;
import io.graphstreaming.spring.web.StreamLimiter;
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
		return new StreamLimiter(web.getMaxConcurrentStreams(), web.getRetryAfter());
	}

	@Bean
	@ConditionalOnMissingBean
	GraphInputReader graphInputReader(ObjectProvider<JsonMapper> jsonMapper, GraphStreamingProperties properties) {
		return new GraphInputReader(jsonMapper.getIfAvailable(JsonMapper::new),
				properties.getWeb().getMaxRequestBody().toBytes());
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
			ObjectProvider<JsonMapper> jsonMapper) {
		return new GraphHttpHandler(registry, inputReader, jsonMapper.getIfAvailable(JsonMapper::new));
	}

	@Bean
	@ConditionalOnMissingBean
	GraphCheckpointHandler graphCheckpointHandler(GraphRegistry registry, GraphInputReader inputReader,
			ObjectProvider<JsonMapper> jsonMapper) {
		return new GraphCheckpointHandler(registry, inputReader, jsonMapper.getIfAvailable(JsonMapper::new));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "graph.streaming.web.sse-enabled", matchIfMissing = true)
	GraphSseHandler graphSseHandler(GraphRegistry registry, GraphEventJsonWriter jsonWriter,
			GraphInputReader inputReader, StreamLimiter streamLimiter, ObjectProvider<TransportMetrics> metrics) {
		return new GraphSseHandler(registry, jsonWriter, inputReader, streamLimiter,
				metrics.getIfUnique(() -> TransportMetrics.NONE));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "graph.streaming.web.polling-enabled", matchIfMissing = true)
	GraphPollingHandler graphPollingHandler(GraphRegistry registry, GraphEventJsonWriter jsonWriter,
			GraphInputReader inputReader, ObjectProvider<JsonMapper> jsonMapper,
			GraphStreamingProperties properties) {
		GraphStreamingProperties.Web web = properties.getWeb();
		return new GraphPollingHandler(registry, jsonWriter, inputReader, jsonMapper.getIfAvailable(JsonMapper::new),
				web.getPollMaxEvents(), web.getLongPollMaxWait());
	}

	@Bean
	@ConditionalOnMissingBean(name = "graphStreamingRouterFunction")
	RouterFunction<ServerResponse> graphStreamingRouterFunction(GraphStreamingProperties properties,
			GraphHttpHandler httpHandler, ObjectProvider<GraphSseHandler> sseHandler,
			ObjectProvider<GraphPollingHandler> pollingHandler, ObjectProvider<GraphCheckpointHandler> checkpointHandler,
			ProblemResponses problems) {
		GraphStreamingProperties.Web web = properties.getWeb();
		return GraphStreamingRouter.create(web.getBasePath(), httpHandler,
				web.isSseEnabled() ? sseHandler.getIfAvailable() : null,
				web.isPollingEnabled() ? pollingHandler.getIfAvailable() : null, checkpointHandler.getIfAvailable(),
				problems);
	}

}
