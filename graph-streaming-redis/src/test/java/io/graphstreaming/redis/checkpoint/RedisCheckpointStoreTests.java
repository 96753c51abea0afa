package io.graphstreaming.redis.checkpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.checkpoint.CheckpointCodec;
import io.graphstreaming.redis.RedisConnections;
import io.graphstreaming.redis.RedisKeys;
import io.graphstreaming.redis.RedisTesting;
import io.graphstreaming.spring.json.JsonCheckpointCodec;
import io.graphstreaming.testsupport.RedisServer;

import static io.graphstreaming.redis.RedisTesting.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RedisCheckpointStore} against a real Redis, with the JSON codec.
 */
class RedisCheckpointStoreTests {

	private static final Duration RETENTION = Duration.ofHours(1);

	private static RedisServer server;

	private final RedisKeys keys = RedisTesting.uniqueKeys();

	private final JsonCheckpointCodec codec = RedisTesting.checkpointCodec();

	private RedisConnections connections;

	private RedisCommands<String, String> redis;

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		server.close();
	}

	@BeforeEach
	void connect() {
		this.connections = new RedisConnections(server.url(), Duration.ofSeconds(2));
		this.redis = this.connections.strings().sync();
	}

	@AfterEach
	void disconnect() {
		this.connections.close();
	}

	private RedisCheckpointStore store(int maxPerExecution) {
		return store(this.connections, this.codec, maxPerExecution);
	}

	private RedisCheckpointStore store(RedisConnections connections, CheckpointCodec codec, int maxPerExecution) {
		return new RedisCheckpointStore(connections.strings().async(), connections.binary().async(), this.keys, codec,
				maxPerExecution, RETENTION, Duration.ofMillis(20), Duration.ofMillis(200));
	}

	static Checkpoint checkpoint(String executionId, int number, long sequence) {
		return new Checkpoint(executionId + "-" + number, executionId, "g", "n" + number, List.of("n" + (number + 1)),
				Map.of("count", number, "text", "state " + number), sequence, number, Map.of("tokens", 1.5 * number),
				Map.of("n1", number), Instant.parse("2025-01-01T10:00:00Z").plusSeconds(number));
	}

	@Test
	void savesAreRetriedOnRedisAndConnectionErrorsButNotOnOthers() {
		assertThat(RedisCheckpointStore.isRedisUnreachable(new io.lettuce.core.RedisException("Connection disconnected")))
			.isTrue();
		// a command in flight when the connection is reset fails with the socket's error
		assertThat(RedisCheckpointStore.isRedisUnreachable(
				new java.util.concurrent.CompletionException(new java.io.IOException("Connection reset by peer"))))
			.isTrue();
		assertThat(RedisCheckpointStore.isRedisUnreachable(new IllegalArgumentException("not serializable")))
			.isFalse();
	}

	@Test
	void aSavedCheckpointShouldLoadBackEqualAsJson() {
		RedisCheckpointStore store = store(10);
		Checkpoint checkpoint = checkpoint("e1", 1, 7);
		store.save(checkpoint).block(TIMEOUT);

		assertThat(store.load("e1-1").block(TIMEOUT)).isEqualTo(checkpoint);
		byte[] stored = this.connections.binary().sync().get(this.keys.checkpoint("e1-1"));
		assertThat(stored).isEqualTo(this.codec.encode(checkpoint));
		assertThat(new String(stored)).startsWith("{\"checkpointFormat\":1,\"checkpointId\":\"e1-1\",");
	}

	@Test
	void listShouldGiveAnExecutionsCheckpointsInSequenceOrderAndLatestTheLastOfThem() {
		RedisCheckpointStore store = store(10);
		// saved out of order: the index orders them by sequence
		store.save(checkpoint("e1", 2, 20)).block(TIMEOUT);
		store.save(checkpoint("e1", 1, 10)).block(TIMEOUT);
		store.save(checkpoint("e1", 3, 30)).block(TIMEOUT);
		store.save(checkpoint("e2", 1, 5)).block(TIMEOUT);

		assertThat(store.list("e1").collectList().block(TIMEOUT)).containsExactly(checkpoint("e1", 1, 10),
				checkpoint("e1", 2, 20), checkpoint("e1", 3, 30));
		assertThat(store.latest("e1").block(TIMEOUT)).isEqualTo(checkpoint("e1", 3, 30));
		assertThat(store.list("e2").collectList().block(TIMEOUT)).containsExactly(checkpoint("e2", 1, 5));
	}

	@Test
	void unknownIdsShouldGiveNothing() {
		RedisCheckpointStore store = store(10);
		assertThat(store.load("nope").blockOptional(TIMEOUT)).isEmpty();
		assertThat(store.list("nope").collectList().block(TIMEOUT)).isEmpty();
		assertThat(store.latest("nope").blockOptional(TIMEOUT)).isEmpty();
		store.delete("nope").block(TIMEOUT);
	}

	@Test
	void saveShouldKeepOnlyTheNewestMaxPerExecutionCheckpoints() {
		RedisCheckpointStore store = store(2);
		for (int number = 1; number <= 5; number++) {
			store.save(checkpoint("e1", number, number * 10L)).block(TIMEOUT);
		}

		assertThat(store.list("e1").map(Checkpoint::checkpointId).collectList().block(TIMEOUT))
			.containsExactly("e1-4", "e1-5");
		assertThat(this.redis.zrange(this.keys.checkpoints("e1"), 0, -1)).containsExactly("e1-4", "e1-5");
		assertThat(store.load("e1-3").blockOptional(TIMEOUT)).as("a dropped checkpoint's key is deleted").isEmpty();
		assertThat(this.redis.keys(this.keys.prefix() + ":checkpoint:*")).containsExactlyInAnyOrder(
				this.keys.checkpoint("e1-4"), this.keys.checkpoint("e1-5"));
	}

	@Test
	void checkpointsAndTheirIndexShouldExpireAfterTheRetentionRefreshedByEachSave() {
		RedisCheckpointStore store = store(10);
		store.save(checkpoint("e1", 1, 10)).block(TIMEOUT);

		long oneHour = RETENTION.toMillis();
		assertThat(this.redis.pttl(this.keys.checkpoint("e1-1"))).isBetween(oneHour - 10_000, oneHour);
		assertThat(this.redis.pttl(this.keys.checkpoints("e1"))).isBetween(oneHour - 10_000, oneHour);

		this.redis.pexpire(this.keys.checkpoints("e1"), 60_000);
		store.save(checkpoint("e1", 2, 20)).block(TIMEOUT);
		assertThat(this.redis.pttl(this.keys.checkpoints("e1"))).as("refreshed").isGreaterThan(oneHour - 10_000);
		assertThat(this.redis.pttl(this.keys.checkpoint("e1-2"))).isGreaterThan(oneHour - 10_000);
	}

	@Test
	void aCheckpointWhoseKeyExpiredShouldBeLeftOutOfTheList() {
		RedisCheckpointStore store = store(10);
		store.save(checkpoint("e1", 1, 10)).block(TIMEOUT);
		store.save(checkpoint("e1", 2, 20)).block(TIMEOUT);
		this.redis.del(this.keys.checkpoint("e1-2"));

		assertThat(store.list("e1").map(Checkpoint::checkpointId).collectList().block(TIMEOUT))
			.containsExactly("e1-1");
	}

	@Test
	void latestShouldSkipANewestCheckpointWhoseKeyIsGone() {
		RedisCheckpointStore store = store(10);
		for (int number = 1; number <= 4; number++) {
			store.save(checkpoint("e1", number, number * 10L)).block(TIMEOUT);
		}
		// its key expired (or was deleted) while its index entry was not
		this.redis.del(this.keys.checkpoint("e1-4"));
		assertThat(store.latest("e1").block(TIMEOUT)).isEqualTo(checkpoint("e1", 3, 30));

		this.redis.del(this.keys.checkpoint("e1-3"), this.keys.checkpoint("e1-2"));
		assertThat(store.latest("e1").block(TIMEOUT)).isEqualTo(checkpoint("e1", 1, 10));

		this.redis.del(this.keys.checkpoint("e1-1"));
		assertThat(store.latest("e1").blockOptional(TIMEOUT)).as("none left").isEmpty();
	}

	@Test
	void latestShouldLookAtTheNewestFiveIndexEntriesOnly() {
		RedisCheckpointStore store = store(10);
		for (int number = 1; number <= 7; number++) {
			store.save(checkpoint("e1", number, number * 10L)).block(TIMEOUT);
		}
		for (int number = 4; number <= 7; number++) {
			this.redis.del(this.keys.checkpoint("e1-" + number));
		}
		assertThat(store.latest("e1").block(TIMEOUT)).as("the fifth newest").isEqualTo(checkpoint("e1", 3, 30));
		this.redis.del(this.keys.checkpoint("e1-3"));
		assertThat(store.latest("e1").blockOptional(TIMEOUT)).as("older ones are not looked at").isEmpty();
	}

	@Test
	void aSaveIssuedWhileRedisIsDownShouldCompleteOnceRedisIsBack() {
		try (RedisServer own = RedisServer.start();
				RedisConnections connections = new RedisConnections(own.url(), Duration.ofSeconds(2))) {
			RedisCheckpointStore store = store(connections, this.codec, 10);
			store.save(checkpoint("e1", 1, 10)).block(TIMEOUT);
			own.stop();

			Checkpoint second = checkpoint("e1", 2, 20);
			StepVerifier.create(store.save(second))
				.expectSubscription()
				// it waits (retrying) rather than failing
				.expectNoEvent(Duration.ofMillis(1500))
				.then(() -> own.restart(Duration.ZERO))
				.expectComplete()
				.verify(Duration.ofSeconds(30));

			assertThat(store.latest("e1").block(TIMEOUT)).isEqualTo(second);
			assertThat(store.list("e1").collectList().block(TIMEOUT)).containsExactly(checkpoint("e1", 1, 10), second);
		}
	}

	@Test
	void aSaveThatFailsForAnotherReasonThanRedisShouldFailAtOnce() {
		CheckpointCodec failing = new CheckpointCodec() {

			@Override
			public byte[] encode(Checkpoint checkpoint) {
				throw new IllegalStateException("cannot encode " + checkpoint.checkpointId());
			}

			@Override
			public Checkpoint decode(byte[] bytes) {
				throw new UnsupportedOperationException();
			}

		};
		RedisCheckpointStore store = store(this.connections, failing, 10);
		StepVerifier.create(store.save(checkpoint("e1", 1, 10)))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(IllegalStateException.class)
				.hasMessage("cannot encode e1-1"))
			.verify(Duration.ofSeconds(2));
		assertThat(this.redis.exists(this.keys.checkpoints("e1"))).isZero();
	}

	@Test
	void deleteShouldRemoveAnExecutionsCheckpointsAndIndexOnly() {
		RedisCheckpointStore store = store(10);
		store.save(checkpoint("e1", 1, 10)).block(TIMEOUT);
		store.save(checkpoint("e1", 2, 20)).block(TIMEOUT);
		store.save(checkpoint("e2", 1, 10)).block(TIMEOUT);

		store.delete("e1").block(TIMEOUT);

		assertThat(store.list("e1").collectList().block(TIMEOUT)).isEmpty();
		assertThat(store.load("e1-1").blockOptional(TIMEOUT)).isEmpty();
		assertThat(this.redis.exists(this.keys.checkpoints("e1"))).isZero();
		assertThat(store.list("e2").collectList().block(TIMEOUT)).containsExactly(checkpoint("e2", 1, 10));
	}

	@Test
	void maxPerExecutionShouldBeStrictlyPositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> store(0)).withMessageContaining("maxPerExecution");
	}

}
