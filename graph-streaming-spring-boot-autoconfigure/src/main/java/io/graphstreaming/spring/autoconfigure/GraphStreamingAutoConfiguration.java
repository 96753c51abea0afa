package io.graphstreaming.spring.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.Bean;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.checkpoint.CheckpointCodec;
import io.graphstreaming.core.checkpoint.CheckpointStore;
import io.graphstreaming.core.checkpoint.FileCheckpointStore;
import io.graphstreaming.core.checkpoint.InMemoryCheckpointStore;
import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.GraphExecutor;
import io.graphstreaming.core.journal.EventSerializer;
import io.graphstreaming.core.metrics.CompositeStreamingMetricsListener;
import io.graphstreaming.core.metrics.StreamingMetricsListener;
import io.graphstreaming.spring.json.GraphEventJsonReader;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.json.JsonCheckpointCodec;
import io.graphstreaming.spring.json.JsonEventSerializer;
import io.graphstreaming.spring.registry.ExecutionSharing;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.registry.GraphStreamingShutdown;
import io.graphstreaming.spring.registry.StreamingOptionsFactory;
import io.graphstreaming.spring.web.StreamLimiter;

/**
 * Graph streaming without the web: binds {@code graph.streaming.*}, registers every
 * {@link GraphExecutor} bean by its id in a {@link GraphRegistry}, and provides the
 * execution registry, the event JSON writer and reader, the event serializer of
 * memory-mapped journal segments (that same JSON), and the checkpoint store and codec
 * ({@code graph.streaming.checkpoints.*}). Each bean backs off when the application
 * defines its own.
 *
 * <p>The {@link GraphStreamingShutdown} lifecycle ends the running executions when the
 * application stops ({@code graph.streaming.shutdown.mode}: cancel, or drain within
 * {@code graph.streaming.shutdown.await}), before the web server closes its connections,
 * and waits for the open streams counted by the {@link StreamLimiter} bean, when there is
 * one, to end.
 *
 * <p>The {@link CheckpointStore} bean always exists, so that application code can give it
 * to the executors it chooses; {@code graph.streaming.checkpoints.enabled=true} gives it
 * to every graph that has no store of its own.
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
	GraphStreamingShutdown graphStreamingShutdown(ExecutionRegistry executionRegistry,
			GraphStreamingProperties properties, ObjectProvider<StreamLimiter> streamLimiter) {
		GraphStreamingPropertiesValidator.validate(properties);
		GraphStreamingProperties.Shutdown shutdown = properties.getShutdown();
		return new GraphStreamingShutdown(executionRegistry, shutdown.getMode(), shutdown.getAwait(), () -> {
			StreamLimiter limiter = streamLimiter.getIfUnique();
			return (limiter != null) ? limiter.openStreams() : 0;
		});
	}

	@Bean
	@ConditionalOnMissingBean
	GraphRegistry graphRegistry(ObjectProvider<GraphExecutor> executors, StreamingOptionsFactory optionsFactory,
			ExecutionRegistry executionRegistry, ObjectProvider<CheckpointStore> checkpointStore,
			ObjectProvider<ExecutionSharing> sharing, GraphStreamingProperties properties) {
		GraphStreamingPropertiesValidator.validate(properties);
		GraphStreamingProperties.Checkpoints checkpoints = properties.getCheckpoints();
		ExecutionSharing shared = sharing.getIfAvailable();
		if (shared == null && properties.getJournal().getType() == GraphStreamingProperties.Journal.JournalType.REDIS) {
			throw new InvalidConfigurationPropertyValueException("graph.streaming.journal.type", "redis",
					"needs the module io.graphstreaming:graph-streaming-redis on the classpath");
		}
		return new GraphRegistry(executors.orderedStream().toList(), optionsFactory, executionRegistry,
				properties.getExecution().getDisconnectPolicy(),
				checkpoints.isEnabled() ? checkpointStore.getIfUnique() : null, checkpoints.getEveryNodes(), shared);
	}

	@Bean
	@ConditionalOnMissingBean
	CheckpointCodec graphCheckpointCodec(ObjectProvider<JsonMapper> jsonMapper) {
		return new JsonCheckpointCodec(jsonMapper.getIfAvailable(JsonMapper::new));
	}

	@Bean
	@ConditionalOnMissingBean
	CheckpointStore graphCheckpointStore(GraphStreamingProperties properties, CheckpointCodec codec) {
		GraphStreamingPropertiesValidator.validate(properties);
		GraphStreamingProperties.Checkpoints checkpoints = properties.getCheckpoints();
		return switch (checkpoints.getStore()) {
			case MEMORY -> new InMemoryCheckpointStore(checkpoints.getMaxPerExecution());
			case FILE -> new FileCheckpointStore(checkpointDirectory(checkpoints.getDirectory()), codec,
					checkpoints.getMaxPerExecution());
			case REDIS -> throw new InvalidConfigurationPropertyValueException("graph.streaming.checkpoints.store",
					"redis", "needs graph.streaming.journal.type=redis and the module "
							+ "io.graphstreaming:graph-streaming-redis on the classpath");
		};
	}

	/**
	 * Creates the file store's directory now, so that a directory the application cannot
	 * use fails start-up naming the key rather than the first checkpoint of a run.
	 */
	private static Path checkpointDirectory(Path directory) {
		try {
			Path created = Files.createDirectories(directory);
			if (!Files.isWritable(created)) {
				throw new IOException("not writable");
			}
			return created;
		}
		catch (IOException ex) {
			throw new InvalidConfigurationPropertyValueException("graph.streaming.checkpoints.directory", directory,
					"must be a directory the application can create and write (" + ex + ")");
		}
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
