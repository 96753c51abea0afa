package io.graphstreaming.redis.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.redis.RedisConnections;
import io.graphstreaming.redis.RedisKeys;
import io.graphstreaming.redis.autoconfigure.GraphStreamingRedisAutoConfiguration;
import io.graphstreaming.spring.autoconfigure.GraphStreamingAutoConfiguration;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.registry.IdempotencyKey;
import io.graphstreaming.spring.registry.IdempotencyKeyReusedException;
import io.graphstreaming.spring.registry.IdempotentStart;
import io.graphstreaming.testsupport.RedisServer;

import static io.graphstreaming.redis.RedisTesting.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@code Idempotency-Key}s shared through Redis: two instances (two
 * auto-configured contexts) on one Redis see each other's keys.
 */
class RedisIdempotencyKeysTests {

	private static final String PREFIX = "graph.streaming.journal.redis.";

	private static final IdempotencyKey KEY = new IdempotencyKey("principal:alice", "executions", "k-1");

	private static RedisServer server;

	private final String keyPrefix = "test-" + UUID.randomUUID().toString().substring(0, 8);

	private final RedisKeys keys = new RedisKeys(this.keyPrefix);

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		server.close();
	}

	private ApplicationContextRunner instance(String id, String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
					GraphStreamingRedisAutoConfiguration.class, GraphStreamingAutoConfiguration.class))
			.withUserConfiguration(Graphs.class)
			.withPropertyValues("graph.streaming.journal.type=redis", PREFIX + "url=" + server.url(),
					PREFIX + "key-prefix=" + this.keyPrefix, PREFIX + "instance-id=" + id, PREFIX + "lease=1s",
					PREFIX + "command-timeout=1s", PREFIX + "min-retry-delay=20ms", PREFIX + "max-retry-delay=200ms")
			.withPropertyValues(properties);
	}

	/** Runs two instances on one Redis. */
	private void twoInstances(TwoInstances test, String... properties) {
		instance("instance-a", properties).run((a) -> instance("instance-b", properties).run((b) -> test.run(a, b)));
	}

	private long executionRecords(RedisCommands<String, String> redis) {
		return redis.keys(this.keyPrefix + ":execution:*").size();
	}

	@Test
	void aKeyRepeatedOnAnotherInstanceShouldReturnTheFirstInstancesExecutionAndStartNothing() {
		twoInstances((a, b) -> {
			RedisCommands<String, String> redis = a.getBean(RedisConnections.class).strings().sync();
			IdempotentStart first = a.getBean(GraphRegistry.class).start("alpha", Map.of("x", 1), null, KEY);
			assertThat(first.replayed()).isFalse();

			IdempotentStart repeated = b.getBean(GraphRegistry.class).start("alpha", Map.of("x", 1), null, KEY);

			assertThat(repeated.replayed()).isTrue();
			assertThat(repeated.execution().executionId()).isEqualTo(first.execution().executionId());
			assertThat(repeated.execution().isReplica()).isTrue();
			assertThat(b.getBean(RedisExecutionSharing.class).ownedExecutions()).isEmpty();
			assertThat(executionRecords(redis)).isEqualTo(1);
			// the fast path: held in memory now
			assertThat(b.getBean(GraphRegistry.class).idempotencyKeys()).isEqualTo(1);
			assertThat(b.getBean(GraphRegistry.class).start("alpha", Map.of("x", 1), null, KEY).execution()
				.executionId()).isEqualTo(first.execution().executionId());
		});
	}

	@Test
	void theRecordShouldBeNamedByADigestAndHoldTheExecutionAndTheInputsDigest() {
		instance("instance-a").run((a) -> {
			RedisCommands<String, String> redis = a.getBean(RedisConnections.class).strings().sync();
			String id = a.getBean(GraphRegistry.class).create("alpha", Map.of(), null, KEY).execution().executionId();

			List<String> recorded = redis.keys(this.keyPrefix + ":idempotency:*");
			assertThat(recorded).singleElement().satisfies((name) -> {
				assertThat(name).matches(this.keyPrefix + ":idempotency:[0-9a-f]{64}").doesNotContain("alice");
				assertThat(redis.get(name)).matches(id + " [0-9a-f]{64}");
			});
		});
	}

	@Test
	void aKeyRepeatedOnAnotherInstanceWithAnotherInputShouldBeRefused() {
		twoInstances((a, b) -> {
			RedisCommands<String, String> redis = a.getBean(RedisConnections.class).strings().sync();
			String id = a.getBean(GraphRegistry.class).start("alpha", Map.of("x", 1), null, KEY).execution()
				.executionId();

			assertThatExceptionOfType(IdempotencyKeyReusedException.class)
				.isThrownBy(() -> b.getBean(GraphRegistry.class).start("alpha", Map.of("x", 2), null, KEY))
				.withMessageContaining(id);
			assertThat(b.getBean(RedisExecutionSharing.class).ownedExecutions()).isEmpty();
			assertThat(executionRecords(redis)).isEqualTo(1);
		});
	}

	@Test
	void concurrentStartsOfOneKeyOnBothInstancesShouldLeaveExactlyOneExecution() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			twoInstances((a, b) -> {
				RedisCommands<String, String> redis = a.getBean(RedisConnections.class).strings().sync();
				List<String> winners = new ArrayList<>();
				for (int i = 0; i < 10; i++) {
					IdempotencyKey key = new IdempotencyKey("principal:alice", "executions", "race-" + i);
					CyclicBarrier barrier = new CyclicBarrier(2);
					CompletableFuture<IdempotentStart> onA = CompletableFuture
						.supplyAsync(() -> startAfter(barrier, a.getBean(GraphRegistry.class), key), threads);
					CompletableFuture<IdempotentStart> onB = CompletableFuture
						.supplyAsync(() -> startAfter(barrier, b.getBean(GraphRegistry.class), key), threads);
					String idOnA = onA.join().execution().executionId();
					String idOnB = onB.join().execution().executionId();
					assertThat(idOnB).as("both callers get one execution").isEqualTo(idOnA);
					assertThat(onA.join().replayed() && onB.join().replayed()).isFalse();
					winners.add(idOnA);
				}
				// every other execution created is a loser, cancelled before it ran
				await().atMost(TIMEOUT).untilAsserted(() -> {
					for (String record : redis.keys(this.keyPrefix + ":execution:*")) {
						String id = record.substring(record.lastIndexOf(':') + 1);
						String status = redis.hget(record, "status");
						if (winners.contains(id)) {
							assertThat(status).isEqualTo("completed");
						}
						else {
							assertThat(status).isEqualTo("cancelled");
							assertThat(redis.hget(record, "cancel"))
								.isEqualTo("duplicate start under the same Idempotency-Key");
						}
					}
				});
			});
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void aKeyShouldExpireWithTheJournalRetention() {
		twoInstances((a, b) -> {
			RedisCommands<String, String> redis = a.getBean(RedisConnections.class).strings().sync();
			String first = a.getBean(GraphRegistry.class).start("alpha", Map.of(), null, KEY).execution()
				.executionId();
			String recorded = redis.keys(this.keyPrefix + ":idempotency:*").get(0);
			assertThat(redis.pttl(recorded)).isPositive().isLessThanOrEqualTo(1000L);

			await().atMost(TIMEOUT).until(() -> redis.exists(recorded) == 0);
			IdempotentStart again = b.getBean(GraphRegistry.class).start("alpha", Map.of(), null, KEY);

			assertThat(again.replayed()).isFalse();
			assertThat(again.execution().executionId()).isNotEqualTo(first);
		}, "graph.streaming.journal.retention=1s");
	}

	private static IdempotentStart startAfter(CyclicBarrier barrier, GraphRegistry registry, IdempotencyKey key) {
		try {
			barrier.await();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		return registry.start("alpha", Map.of("x", 1), null, key);
	}

	@FunctionalInterface
	private interface TwoInstances {

		void run(AssertableApplicationContext a, AssertableApplicationContext b) throws Throwable;

	}

	@Configuration(proxyBeanMethods = false)
	static class Graphs {

		@Bean
		StreamingGraphExecutor alphaGraph() {
			StreamingGraphExecutor executor = new StreamingGraphExecutor("alpha", "Graph alpha");
			executor.addNode(GraphNode.of("only", (state, context) -> Map.of("done", true)).nonBlocking());
			executor.setStartNode("only");
			return executor;
		}

	}

}
