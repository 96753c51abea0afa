package io.graphstreaming.redis.autoconfigure;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.checkpoint.CheckpointStore;
import io.graphstreaming.core.checkpoint.InMemoryCheckpointStore;
import io.graphstreaming.core.execution.ExecutionResult;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.redis.RedisConnections;
import io.graphstreaming.redis.RedisKeys;
import io.graphstreaming.redis.checkpoint.RedisCheckpointStore;
import io.graphstreaming.redis.journal.RedisEventLog;
import io.graphstreaming.redis.journal.RedisStreamTailer;
import io.graphstreaming.redis.registry.RedisExecutionDirectory;
import io.graphstreaming.redis.registry.RedisExecutionSharing;
import io.graphstreaming.spring.autoconfigure.GraphStreamingAutoConfiguration;
import io.graphstreaming.spring.registry.ExecutionSharing;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link GraphStreamingRedisAutoConfiguration} and its properties.
 */
class GraphStreamingRedisAutoConfigurationTests {

	private static final String PREFIX = "graph.streaming.journal.redis.";

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static RedisServer server;

	private final String keyPrefix = "test-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
				GraphStreamingRedisAutoConfiguration.class, GraphStreamingAutoConfiguration.class))
		.withUserConfiguration(GraphConfiguration.class);

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		server.close();
	}

	private ApplicationContextRunner withRedisAt(String url, String... properties) {
		List<String> all = new ArrayList<>(List.of("graph.streaming.journal.type=redis", PREFIX + "url=" + url,
				PREFIX + "key-prefix=" + this.keyPrefix, PREFIX + "instance-id=test-instance"));
		all.addAll(Arrays.asList(properties));
		return this.contextRunner.withPropertyValues(all.toArray(String[]::new));
	}

	private ApplicationContextRunner withRedis(String... properties) {
		return withRedisAt(server.url(), properties);
	}

	@Test
	void withoutJournalTypeRedisNothingRedisShouldBeCreatedAndTheRegistryShouldNotBeShared() {
		// an unreachable URL: nothing connects
		this.contextRunner.withPropertyValues(PREFIX + "url=redis://127.0.0.1:1").run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(RedisConnections.class)
				.doesNotHaveBean(RedisKeys.class)
				.doesNotHaveBean(RedisEventLog.class)
				.doesNotHaveBean(RedisStreamTailer.class)
				.doesNotHaveBean(RedisExecutionDirectory.class)
				.doesNotHaveBean(ExecutionSharing.class)
				.doesNotHaveBean(GraphStreamingRedisProperties.class)
				.doesNotHaveBean(RedisJournalHealthIndicator.class);
			assertThat(context.getBean(GraphRegistry.class).isShared()).isFalse();
			assertThat(context.getBean(CheckpointStore.class)).isInstanceOf(InMemoryCheckpointStore.class);
		});
		this.contextRunner.withPropertyValues("graph.streaming.journal.type=memory")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisConnections.class));
	}

	@Test
	void withJournalTypeRedisTheBeansShouldExistAndTheRegistryShouldBeShared() {
		withRedis().run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(RedisConnections.class)
				.hasSingleBean(RedisKeys.class)
				.hasSingleBean(RedisEventLog.class)
				.hasSingleBean(RedisStreamTailer.class)
				.hasSingleBean(RedisExecutionDirectory.class)
				.hasSingleBean(RedisExecutionSharing.class)
				.hasSingleBean(RedisSharingLifecycle.class)
				.hasSingleBean(RedisJournalHealthIndicator.class);
			assertThat(context.getBean(RedisKeys.class).prefix()).isEqualTo(this.keyPrefix);
			assertThat(context.getBean(RedisExecutionSharing.class).instanceId()).isEqualTo("test-instance");
			GraphRegistry registry = context.getBean(GraphRegistry.class);
			assertThat(registry.isShared()).isTrue();
			assertThat(context.getBean(CheckpointStore.class)).as("checkpoints stay in memory unless configured")
				.isInstanceOf(InMemoryCheckpointStore.class);
			assertThat(context.getBean(RedisSharingLifecycle.class).isRunning()).isTrue();
		});
	}

	@Test
	void anExecutionStartedInASharedContextShouldRunThroughRedis() {
		withRedis().run((context) -> {
			GraphRegistry registry = context.getBean(GraphRegistry.class);
			GraphExecution execution = registry.start("alpha", Map.of());
			ExecutionResult result = execution.result().block(TIMEOUT);
			assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
			assertThat(execution.isReplica()).isTrue();

			RedisConnections connections = context.getBean(RedisConnections.class);
			String events = this.keyPrefix + ":events:" + execution.executionId();
			assertThat(connections.binary().sync().xlen(events)).isEqualTo(execution.journal().head()).isPositive();
			String hash = this.keyPrefix + ":execution:" + execution.executionId();
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(connections.strings().sync().hget(hash, "status")).isEqualTo("completed"));
			assertThat(connections.strings().sync().hget(hash, "instance")).isEqualTo("test-instance");
			assertThat(connections.strings().sync().smembers(this.keyPrefix + ":running")).isEmpty();
		});
	}

	@Test
	void checkpointsStoreRedisShouldMakeTheCheckpointStoreARedisOneThatGraphsUse() {
		withRedis("graph.streaming.checkpoints.store=redis", "graph.streaming.checkpoints.enabled=true",
				"graph.streaming.checkpoints.max-per-execution=3", PREFIX + "checkpoint-retention=10m")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(CheckpointStore.class);
				CheckpointStore store = context.getBean(CheckpointStore.class);
				assertThat(store).isInstanceOf(RedisCheckpointStore.class);
				GraphRegistry registry = context.getBean(GraphRegistry.class);
				assertThat(registry.executor("alpha").checkpointStore()).isSameAs(store);

				GraphExecution execution = registry.start("alpha", Map.of());
				assertThat(execution.result().block(TIMEOUT).status()).isEqualTo(ExecutionStatus.COMPLETED);
				List<Checkpoint> saved = store.list(execution.executionId()).collectList().block(TIMEOUT);
				assertThat(saved).singleElement().satisfies((checkpoint) -> assertThat(checkpoint.nodeId()).isEqualTo("only"));
				RedisConnections connections = context.getBean(RedisConnections.class);
				long ttl = connections.strings()
					.sync()
					.pttl(this.keyPrefix + ":checkpoint:" + saved.get(0).checkpointId());
				assertThat(ttl).as("checkpoint-retention").isBetween(Duration.ofMinutes(9).toMillis(),
						Duration.ofMinutes(10).toMillis());
			});
	}

	@Test
	void checkpointsStoreRedisWithoutTheRedisJournalShouldFailStartUpNamingTheKey() {
		this.contextRunner.withPropertyValues("graph.streaming.checkpoints.store=redis").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains("graph.streaming.checkpoints.store");
		});
	}

	@Test
	void anUnreachableRedisShouldFailStartUpNamingTheUrlKeyWithoutThePassword() {
		withRedisAt("redis://:secret@127.0.0.1:1").run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			assertThat(messages(failure)).contains("graph.streaming.journal.redis.url")
				.contains("127.0.0.1:1")
				.contains("cannot be reached");
			StringWriter trace = new StringWriter();
			failure.printStackTrace(new PrintWriter(trace));
			assertThat(trace.toString()).doesNotContain("secret");
		});
	}

	@Test
	void anInvalidUrlShouldFailStartUpNamingTheKey() {
		withRedisAt("http://:secret@127.0.0.1:1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains("graph.streaming.journal.redis.url")
				.doesNotContain("secret");
		});
	}

	@Test
	void aBlankKeyPrefixShouldFailStartUpNamingTheKey() {
		withRedis(PREFIX + "key-prefix=").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains(PREFIX + "key-prefix").contains("blank");
		});
	}

	@Test
	void aNonPositiveCommandTimeoutShouldFailStartUpNamingTheKey() {
		for (String value : List.of("0s", "-1s")) {
			withRedis(PREFIX + "command-timeout=" + value).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(messages(context.getStartupFailure())).contains(PREFIX + "command-timeout")
					.contains("strictly positive");
			});
		}
	}

	@Test
	void aNonPositiveLeaseShouldFailStartUpNamingTheKey() {
		for (String value : List.of("0s", "-5s")) {
			withRedis(PREFIX + "lease=" + value).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(messages(context.getStartupFailure())).contains(PREFIX + "lease");
			});
		}
	}

	@Test
	void aLeaseShorterThan300msShouldFailStartUpNamingTheKey() {
		withRedis(PREFIX + "lease=299ms").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains(PREFIX + "lease").contains("300ms");
		});
		withRedis(PREFIX + "lease=300ms").run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void invalidRetryDelaysShouldFailStartUpNamingTheKey() {
		withRedis(PREFIX + "min-retry-delay=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains(PREFIX + "min-retry-delay");
		});
		withRedis(PREFIX + "min-retry-delay=5s", PREFIX + "max-retry-delay=1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains(PREFIX + "max-retry-delay");
		});
	}

	@Test
	void anInstanceIdWithSpacesShouldFailStartUpNamingTheKey() {
		withRedis(PREFIX + "instance-id=two words").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains(PREFIX + "instance-id");
		});
	}

	@Test
	void theHealthIndicatorShouldBeUpWithRedisAndDownWhenRedisIsStopped() {
		try (RedisServer own = RedisServer.start()) {
			withRedisAt(own.url(), PREFIX + "command-timeout=1s").run((context) -> {
				HealthIndicator indicator = context.getBean("graphStreamingRedisHealthIndicator", HealthIndicator.class);
				Health up = indicator.health();
				assertThat(up.getStatus()).isEqualTo(Status.UP);
				assertThat(up.getDetails()).containsEntry("redis", "127.0.0.1:" + own.port() + "/0")
					.containsEntry("instance", "test-instance")
					.containsEntry("ownedExecutions", 0);

				own.stop();
				Health down = indicator.health();
				assertThat(down.getStatus()).isEqualTo(Status.DOWN);
				assertThat(down.getDetails()).containsEntry("redis", "127.0.0.1:" + own.port() + "/0")
					.containsEntry("instance", "test-instance")
					.containsKey("error");

				own.restart(Duration.ZERO);
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(indicator.health().getStatus()).isEqualTo(Status.UP));
			});
		}
	}

	@Test
	void whileRedisIsStoppedTheHealthCheckShouldReportDownWithTheErrorAsADetailWithoutThrowing() {
		try (RedisServer own = RedisServer.start()) {
			withRedisAt(own.url(), PREFIX + "command-timeout=1s").run((context) -> {
				RedisJournalHealthIndicator indicator = context.getBean(RedisJournalHealthIndicator.class);
				own.stop();
				for (int check = 0; check < 3; check++) {
					Health.Builder builder = new Health.Builder();
					// an exception here is what AbstractHealthIndicator logs as a WARN with a stack trace
					assertThatNoException().isThrownBy(() -> indicator.doHealthCheck(builder));
					Health down = builder.build();
					assertThat(down.getStatus()).isEqualTo(Status.DOWN);
					assertThat(down.getDetails()).containsEntry("redis", "127.0.0.1:" + own.port() + "/0")
						.containsEntry("instance", "test-instance")
						.containsEntry("ownedExecutions", 0)
						.hasEntrySatisfying("error", (error) -> assertThat(error).asString()
							// the failure's simple class name and message, not the fully qualified
							// one AbstractHealthIndicator would put there for a thrown exception
							.matches("[A-Z][A-Za-z]*: .+")
							.doesNotContain("io.lettuce"));
				}
				assertThat(indicator.health().getDetails().get("error")).asString().doesNotStartWith("io.lettuce");
			});
		}
	}

	@Test
	void theConfigurationMetadataShouldDescribeEveryRedisProperty() throws Exception {
		Path classes = Path.of(GraphStreamingRedisProperties.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		Path metadata = classes.resolve("META-INF/spring-configuration-metadata.json");
		assertThat(metadata).exists();
		JsonNode root = new JsonMapper().readTree(Files.readString(metadata));
		Map<String, String> descriptions = new HashMap<>();
		for (JsonNode property : root.get("properties")) {
			JsonNode description = property.get("description");
			descriptions.put(property.get("name").asString(), (description != null) ? description.asString() : null);
		}
		List<String> expected = new ArrayList<>();
		for (Field field : GraphStreamingRedisProperties.class.getDeclaredFields()) {
			if (!Modifier.isStatic(field.getModifiers())) {
				expected.add(PREFIX + field.getName().replaceAll("([A-Z])", "-$1").toLowerCase());
			}
		}
		assertThat(expected).hasSize(8);
		List<String> listed = descriptions.keySet().stream().filter((name) -> name.startsWith(PREFIX)).toList();
		assertThat(listed).containsExactlyInAnyOrderElementsOf(expected);
		assertThat(expected).allSatisfy((name) -> assertThat(descriptions.get(name)).as(name).isNotBlank());
		List<String> groups = new ArrayList<>();
		root.get("groups").forEach((group) -> groups.add(group.get("name").asString()));
		assertThat(groups).contains("graph.streaming.journal.redis");
	}

	private static String messages(@Nullable Throwable failure) {
		StringBuilder all = new StringBuilder();
		for (Throwable current = failure; current != null; current = current.getCause()) {
			all.append(current.getMessage()).append('\n');
		}
		return all.toString();
	}

	@Configuration(proxyBeanMethods = false)
	static class GraphConfiguration {

		@Bean
		StreamingGraphExecutor alphaGraph() {
			StreamingGraphExecutor executor = new StreamingGraphExecutor("alpha", "Graph alpha");
			executor.addNode(GraphNode.of("only", (state, context) -> Map.of("done", true)).nonBlocking());
			executor.setStartNode("only");
			return executor;
		}

	}

}
