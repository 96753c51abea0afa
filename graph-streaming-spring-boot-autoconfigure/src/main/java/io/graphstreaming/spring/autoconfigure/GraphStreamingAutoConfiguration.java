package io.graphstreaming.spring.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.Bean;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.GraphExecutor;
import io.graphstreaming.core.journal.EventSerializer;
import io.graphstreaming.core.metrics.CompositeStreamingMetricsListener;
import io.graphstreaming.core.metrics.StreamingMetricsListener;
import io.graphstreaming.spring.json.GraphEventJsonReader;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.json.JsonEventSerializer;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.registry.StreamingOptionsFactory;

/**
 * Graph streaming without the web: binds {@code graph.streaming.*}, registers every
 * {@link GraphExecutor} bean by its id in a {@link GraphRegistry}, and provides the
 * execution registry, the event JSON writer and reader, and the event serializer of
 * memory-mapped journal segments (that same JSON). Each bean backs off when the application
 * defines its own.
 */
@AutoConfiguration(after = JacksonAutoConfiguration.class)
@ConditionalOnClass(GraphExecutor.class)
@EnableConfigurationProperties(GraphStreamingProperties.class)
public final class GraphStreamingAutoConfiguration {

	private static final Duration EVICTION_PERIOD = Duration.ofSeconds(1);

	@Bean
	@ConditionalOnMissingBean
	StreamingOptionsFactory graphStreamingOptionsFactory(GraphStreamingProperties properties,
			ObjectProvider<StreamingMetricsListener> metricsListener, ObjectProvider<EventSerializer> eventSerializer) {
		GraphStreamingPropertiesValidator.validate(properties);
		PropertiesStreamingOptionsFactory factory = new PropertiesStreamingOptionsFactory(properties,
				CompositeStreamingMetricsListener.of(metricsListener.orderedStream().toList()),
				eventSerializer.getIfAvailable());
		factory.validateAll();
		return factory;
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ExecutionRegistry graphExecutionRegistry(GraphStreamingProperties properties) {
		GraphStreamingPropertiesValidator.validate(properties);
		GraphStreamingProperties.Execution execution = properties.getExecution();
		return new ExecutionRegistry(execution.getMaxConcurrent(), execution.getUnconsumedTimeout(),
				Clock.systemUTC())
			.startEviction(Schedulers.parallel(), EVICTION_PERIOD);
	}

	@Bean
	@ConditionalOnMissingBean
	GraphRegistry graphRegistry(ObjectProvider<GraphExecutor> executors, StreamingOptionsFactory optionsFactory,
			ExecutionRegistry executionRegistry, GraphStreamingProperties properties) {
		return new GraphRegistry(executors.orderedStream().toList(), optionsFactory, executionRegistry,
				properties.getExecution().getDisconnectPolicy());
	}

	@Bean
	@ConditionalOnMissingBean
	GraphEventJsonWriter graphEventJsonWriter(ObjectProvider<JsonMapper> jsonMapper) {
		return new GraphEventJsonWriter(jsonMapper.getIfAvailable(JsonMapper::new));
	}

	@Bean
	@ConditionalOnMissingBean
	GraphEventJsonReader graphEventJsonReader(ObjectProvider<JsonMapper> jsonMapper) {
		return new GraphEventJsonReader(jsonMapper.getIfAvailable(JsonMapper::new));
	}

	@Bean
	@ConditionalOnMissingBean
	EventSerializer graphEventSerializer(GraphEventJsonWriter writer, GraphEventJsonReader reader) {
		return new JsonEventSerializer(writer, reader);
	}

}
