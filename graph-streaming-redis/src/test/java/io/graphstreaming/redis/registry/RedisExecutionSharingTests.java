package io.graphstreaming.redis.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.lettuce.core.Range;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.redis.RedisConnections;
import io.graphstreaming.redis.RedisKeys;
import io.graphstreaming.redis.RedisTesting;
import io.graphstreaming.redis.autoconfigure.GraphStreamingRedisAutoConfiguration;
import io.graphstreaming.redis.journal.RedisEventLog;
import io.graphstreaming.spring.autoconfigure.GraphStreamingAutoConfiguration;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.testsupport.RedisServer;

import static io.graphstreaming.redis.RedisTesting.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisExecutionSharing}'s leases, as one instance (auto-configured)
 * sees them: the per-claim token, takeover scans that wait for Redis to have answered
 * for a whole lease, and a run that lost its lease to another instance.
 */
class RedisExecutionSharingTests {

	private static final String PREFIX = "graph.streaming.journal.redis.";

	private static final Duration LEASE = Duration.ofSeconds(1);

	private static final String TOKEN = "test-instance/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

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

	private ApplicationContextRunner instanceOn(RedisServer redis) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
					GraphStreamingRedisAutoConfiguration.class, GraphStreamingAutoConfiguration.class))
			.withUserConfiguration(Graphs.class)
			.withPropertyValues("graph.streaming.journal.type=redis", PREFIX + "url=" + redis.url(),
					PREFIX + "key-prefix=" + this.keyPrefix, PREFIX + "instance-id=test-instance",
					PREFIX + "lease=" + LEASE.toMillis() + "ms", PREFIX + "command-timeout=1s",
					PREFIX + "min-retry-delay=20ms", PREFIX + "max-retry-delay=200ms");
	}

	/** An execution whose owner is gone: its hash and running entry, and no lease. */
	private void orphan(RedisCommands<String, String> redis, String id) {
		ExecutionRecord record = new ExecutionRecord(id, "alpha", "created", "dead-instance", null, Instant.now(), null,
				null);
		redis.hset(this.keys.execution(id), record.toHash());
		redis.sadd(this.keys.running(), id);
	}

	private static List<GraphExecutionEvent> stream(RedisConnections connections, RedisEventLog log, String key) {
		List<StreamMessage<String, byte[]>> messages = connections.binary().sync().xrange(key, Range.unbounded());
		return messages.stream().map(log::decode).toList();
	}

	@Test
	void eachOwnedExecutionsLeaseShouldHoldATokenUniqueToItsClaim() {
		instanceOn(server).run((context) -> {
			GraphRegistry registry = context.getBean(GraphRegistry.class);
			RedisCommands<String, String> redis = context.getBean(RedisConnections.class).strings().sync();
			GraphExecution first = registry.start("ticking", Map.of());
			GraphExecution second = registry.start("ticking", Map.of());
			String firstLease = this.keys.lease(first.executionId());
			String secondLease = this.keys.lease(second.executionId());
			await().atMost(TIMEOUT).until(() -> redis.exists(firstLease, secondLease) == 2);

			String firstToken = redis.get(firstLease);
			String secondToken = redis.get(secondLease);
			assertThat(firstToken).matches(TOKEN);
			assertThat(secondToken).matches(TOKEN).isNotEqualTo(firstToken);
			assertThat(context.getBean(RedisExecutionSharing.class).ownedExecutions())
				.containsExactlyInAnyOrder(first.executionId(), second.executionId());
			// renewed (every third of the lease) with the same token
			RedisTesting.sleep(LEASE.toMillis() * 2);
			assertThat(redis.get(firstLease)).isEqualTo(firstToken);
			assertThat(redis.pttl(firstLease)).isPositive();
			first.cancel("done");
			second.cancel("done");
		});
	}

	@Test
	void anOrphanShouldBeClaimedAndEndedAsOwnerLostThenItsLeaseReleased() {
		instanceOn(server).run((context) -> {
			RedisConnections connections = context.getBean(RedisConnections.class);
			RedisCommands<String, String> redis = connections.strings().sync();
			orphan(redis, "orphan-1");

			await().atMost(TIMEOUT)
				.until(() -> "failed".equals(redis.hget(this.keys.execution("orphan-1"), "status")));
			List<GraphExecutionEvent> events = stream(connections, context.getBean(RedisEventLog.class),
					this.keys.events("orphan-1"));
			assertThat(events).singleElement().isInstanceOfSatisfying(ExecutionFailedEvent.class, (failed) -> {
				assertThat(failed.sequence()).isEqualTo(1);
				assertThat(failed.errorType()).isEqualTo(RedisExecutionSharing.OWNER_LOST);
				assertThat(failed.errorMessage()).contains("dead-instance");
			});
			assertThat(redis.smembers(this.keys.running())).isEmpty();
			assertThat(redis.exists(this.keys.lease("orphan-1"))).as("released once the end is recorded").isZero();
		});
	}

	@Test
	void afterAFailedScanNothingShouldBeClaimedUntilRedisHasAnsweredForAWholeLease() {
		try (RedisServer own = RedisServer.start()) {
			instanceOn(own).run((context) -> {
				RedisConnections connections = context.getBean(RedisConnections.class);
				RedisCommands<String, String> redis = connections.strings().sync();
				// the scans (every half lease) fail while Redis is down
				own.restart(LEASE.multipliedBy(3).dividedBy(2));
				RedisTesting.awaitReconnected(() -> connections.strings().async().ping());
				long back = System.nanoTime();
				orphan(redis, "orphan-2");

				RedisTesting.sleep(LEASE.toMillis() * 7 / 10);
				assertThat(redis.exists(this.keys.lease("orphan-2"))).as("not claimed yet").isZero();
				assertThat(redis.hget(this.keys.execution("orphan-2"), "status")).isEqualTo("created");

				await().atMost(TIMEOUT)
					.pollInterval(Duration.ofMillis(20))
					.until(() -> redis.exists(this.keys.lease("orphan-2")) == 1
							|| "failed".equals(redis.hget(this.keys.execution("orphan-2"), "status")));
				Duration claimedAfter = Duration.ofNanos(System.nanoTime() - back);
				// Redis answered this instance again at most a poll before 'back', and the
				// first scan after that starts the lease-long wait
				assertThat(claimedAfter).isGreaterThanOrEqualTo(LEASE.minusMillis(100));
				await().atMost(TIMEOUT)
					.until(() -> "failed".equals(redis.hget(this.keys.execution("orphan-2"), "status")));
				assertThat(stream(connections, context.getBean(RedisEventLog.class), this.keys.events("orphan-2")))
					.singleElement()
					.isInstanceOf(ExecutionFailedEvent.class);
			});
		}
	}

	@Test
	void aRunThatLostItsLeaseShouldStopWritingAndNeitherRecordItsEndNorReleaseTheNewLease() {
		instanceOn(server).run((context) -> {
			RedisConnections connections = context.getBean(RedisConnections.class);
			RedisCommands<String, String> redis = connections.strings().sync();
			RedisExecutionSharing sharing = context.getBean(RedisExecutionSharing.class);
			GraphExecution execution = context.getBean(GraphRegistry.class).start("ticking", Map.of());
			String id = execution.executionId();
			String events = this.keys.events(id);
			await().atMost(TIMEOUT).until(() -> connections.binary().sync().xlen(events) >= 4);

			// another instance claimed it (this one stopped renewing for longer than the lease, say)
			String other = "other-instance/" + UUID.randomUUID();
			redis.set(this.keys.lease(id), other, SetArgs.Builder.px(60_000));

			await().atMost(TIMEOUT).until(() -> !sharing.ownedExecutions().contains(id));
			long length = connections.binary().sync().xlen(events);
			// the run would have gone on writing every 100 ms, and would have ended by now
			RedisTesting.sleep(LEASE.toMillis() * 2);

			assertThat(connections.binary().sync().xlen(events)).as("nothing written since").isEqualTo(length);
			assertThat(stream(connections, context.getBean(RedisEventLog.class), events))
				.noneMatch(GraphExecutionEvent::isTerminal);
			assertThat(redis.get(this.keys.lease(id))).as("the new owner's lease is not released").isEqualTo(other);
			assertThat(redis.pttl(this.keys.lease(id))).isGreaterThan(55_000L);
			assertThat(redis.hget(this.keys.execution(id), "status")).as("recorded as started, no end recorded")
				.isEqualTo("running");
			assertThat(redis.hexists(this.keys.execution(id), "startedAt")).isTrue();
			assertThat(redis.hexists(this.keys.execution(id), "finishedAt")).isFalse();
			assertThat(redis.ttl(this.keys.execution(id))).isEqualTo(-1);
			assertThat(redis.smembers(this.keys.running())).containsExactly(id);
			assertThat(sharing.ownedExecutions()).isEmpty();
			// the lease is held: this instance's scans do not claim it back either
			assertThat(redis.get(this.keys.lease(id))).isEqualTo(other);
		});
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

		/** 60 steps of 100 ms: an event about every 50 ms for 6 seconds. */
		@Bean
		StreamingGraphExecutor tickingGraph() {
			StreamingGraphExecutor executor = new StreamingGraphExecutor("ticking", "Ticks for a while");
			String previous = null;
			for (int i = 1; i <= 60; i++) {
				String id = "t" + i;
				int value = i;
				executor.addNode(GraphNode.async(id,
						(state, context) -> Mono.delay(Duration.ofMillis(100)).thenReturn(Map.<String, Object>of(id, value))));
				if (previous != null) {
					executor.connect(previous, id);
				}
				previous = id;
			}
			executor.setStartNode("t1");
			return executor;
		}

	}

}
