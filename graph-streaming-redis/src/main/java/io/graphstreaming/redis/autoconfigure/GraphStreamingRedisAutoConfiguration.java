package io.graphstreaming.redis.autoconfigure;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.UUID;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Schedulers;

import io.graphstreaming.core.checkpoint.CheckpointCodec;
import io.graphstreaming.core.checkpoint.CheckpointStore;
import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.journal.EventSerializer;
import io.graphstreaming.redis.RedisConnections;
import io.graphstreaming.redis.RedisKeys;
import io.graphstreaming.redis.checkpoint.RedisCheckpointStore;
import io.graphstreaming.redis.journal.RedisEventLog;
import io.graphstreaming.redis.journal.RedisStreamTailer;
import io.graphstreaming.redis.registry.RedisExecutionDirectory;
import io.graphstreaming.redis.registry.RedisExecutionSharing;
import io.graphstreaming.redis.registry.RedisSharingSettings;
import io.graphstreaming.spring.autoconfigure.GraphStreamingAutoConfiguration;
import io.graphstreaming.spring.autoconfigure.GraphStreamingProperties;
import io.graphstreaming.spring.registry.GraphRegistry;

/**
 * Shares executions between instances through Redis when
 * {@code graph.streaming.journal.type=redis}: the Redis Streams journal, the execution
 * registry with leases and takeover, cancel over pub/sub, and (with
 * {@code graph.streaming.checkpoints.store=redis}) the checkpoint store. Runs before the
 * main auto-configuration so that its {@link CheckpointStore} is the one graphs get.
 */
@AutoConfiguration(before = GraphStreamingAutoConfiguration.class)
@ConditionalOnClass(RedisClient.class)
@ConditionalOnProperty(prefix = "graph.streaming.journal", name = "type", havingValue = "redis")
@EnableConfigurationProperties(GraphStreamingRedisProperties.class)
public class GraphStreamingRedisAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	RedisConnections graphStreamingRedisConnections(GraphStreamingRedisProperties properties) {
		validate(properties);
		try {
			return new RedisConnections(properties.getUrl(), properties.getCommandTimeout());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("graph.streaming.journal.redis.url", "(hidden)",
					"is not a valid Redis URL: " + ex.getMessage());
		}
		catch (RedisException ex) {
			throw new IllegalStateException("graph.streaming.journal.type=redis but Redis at "
					+ redacted(properties.getUrl()) + " (graph.streaming.journal.redis.url) cannot be reached: "
					+ ex.getMessage(), ex);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	RedisKeys graphStreamingRedisKeys(GraphStreamingRedisProperties properties) {
		if (properties.getKeyPrefix() == null || properties.getKeyPrefix().isBlank()) {
			throw new InvalidConfigurationPropertyValueException("graph.streaming.journal.redis.key-prefix",
					properties.getKeyPrefix(), "must not be blank");
		}
		return new RedisKeys(properties.getKeyPrefix());
	}

	@Bean
	@ConditionalOnMissingBean
	RedisEventLog graphStreamingRedisEventLog(RedisConnections connections, RedisKeys keys,
			EventSerializer serializer) {
		return new RedisEventLog(connections.binary().async(), keys, serializer);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	RedisStreamTailer graphStreamingRedisTailer(RedisConnections connections,
			GraphStreamingRedisProperties properties) {
		Duration timeout = properties.getCommandTimeout();
		Duration block = (timeout.compareTo(Duration.ofSeconds(2)) >= 0) ? Duration.ofSeconds(1) : timeout.dividedBy(2);
		return new RedisStreamTailer(connections.blocking(), connections.strings().async(), block,
				properties.getMinRetryDelay(), properties.getMaxRetryDelay(), Schedulers.parallel());
	}

	@Bean
	@ConditionalOnMissingBean
	RedisExecutionDirectory graphStreamingRedisDirectory(RedisConnections connections, RedisKeys keys) {
		return new RedisExecutionDirectory(connections.strings().async(), keys);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	RedisExecutionSharing graphStreamingRedisSharing(ExecutionRegistry executionRegistry,
			ObjectProvider<GraphRegistry> graphRegistry, RedisEventLog log, RedisStreamTailer tailer,
			RedisExecutionDirectory directory, RedisConnections connections, GraphStreamingRedisProperties properties) {
		validate(properties);
		RedisSharingSettings settings;
		try {
			settings = new RedisSharingSettings(instanceId(properties), properties.getLease(),
					properties.getMinRetryDelay(), properties.getMaxRetryDelay(), properties.getCommandTimeout());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Invalid graph.streaming.journal.redis settings: " + ex.getMessage(), ex);
		}
		return new RedisExecutionSharing(executionRegistry, graphRegistry::getObject, log, tailer, directory,
				connections.pubSub(), settings, Schedulers.parallel(), Schedulers.boundedElastic());
	}

	@Bean
	@ConditionalOnMissingBean
	RedisSharingLifecycle graphStreamingRedisLifecycle(RedisExecutionSharing sharing) {
		return new RedisSharingLifecycle(sharing);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(prefix = "graph.streaming.checkpoints", name = "store", havingValue = "redis")
	CheckpointStore graphStreamingRedisCheckpointStore(RedisConnections connections, RedisKeys keys,
			CheckpointCodec codec, GraphStreamingProperties streaming, GraphStreamingRedisProperties properties) {
		positive("checkpoint-retention", properties.getCheckpointRetention());
		return new RedisCheckpointStore(connections.strings().async(), connections.binary().async(), keys, codec,
				streaming.getCheckpoints().getMaxPerExecution(), properties.getCheckpointRetention(),
				properties.getMinRetryDelay(), properties.getMaxRetryDelay());
	}

	private static String instanceId(GraphStreamingRedisProperties properties) {
		String configured = properties.getInstanceId();
		if (configured != null && !configured.isBlank()) {
			return configured;
		}
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "host";
		}
		String pid = ManagementFactory.getRuntimeMXBean().getName().split("@")[0];
		return (host + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 8)).replace(' ', '_');
	}

	/**
	 * Checks the settings before anything connects, so that a wrong value fails start-up
	 * naming its key (as {@link RedisSharingSettings} would only name its field).
	 */
	private static void validate(GraphStreamingRedisProperties properties) {
		positive("command-timeout", properties.getCommandTimeout());
		positive("lease", properties.getLease());
		positive("min-retry-delay", properties.getMinRetryDelay());
		positive("max-retry-delay", properties.getMaxRetryDelay());
		if (properties.getLease().toMillis() < 300) {
			throw new InvalidConfigurationPropertyValueException("graph.streaming.journal.redis.lease",
					properties.getLease(), "must be at least 300ms");
		}
		if (properties.getMaxRetryDelay().compareTo(properties.getMinRetryDelay()) < 0) {
			throw new InvalidConfigurationPropertyValueException("graph.streaming.journal.redis.max-retry-delay",
					properties.getMaxRetryDelay(), "must not be shorter than graph.streaming.journal.redis.min-retry-delay ("
							+ properties.getMinRetryDelay() + ")");
		}
		String instanceId = properties.getInstanceId();
		if (instanceId != null && !instanceId.isBlank() && instanceId.contains(" ")) {
			throw new InvalidConfigurationPropertyValueException("graph.streaming.journal.redis.instance-id", instanceId,
					"must not contain spaces");
		}
	}

	private static void positive(String key, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException("graph.streaming.journal.redis." + key, value,
					"must be strictly positive");
		}
	}

	private static String redacted(String url) {
		int at = url.lastIndexOf('@');
		int scheme = url.indexOf("://");
		return (at > scheme && scheme >= 0) ? url.substring(0, scheme + 3) + "***@" + url.substring(at + 1) : url;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "graphStreamingRedisHealthIndicator")
		RedisJournalHealthIndicator graphStreamingRedisHealthIndicator(RedisConnections connections,
				RedisExecutionSharing sharing, GraphStreamingRedisProperties properties) {
			Duration timeout = properties.getCommandTimeout();
			return new RedisJournalHealthIndicator(connections, sharing,
					(timeout.compareTo(Duration.ofSeconds(1)) > 0) ? Duration.ofSeconds(1) : timeout);
		}

	}

}
