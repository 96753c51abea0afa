package io.graphstreaming.redis.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.graphstreaming.redis.RedisConnections;
import io.graphstreaming.redis.RedisKeys;
import io.graphstreaming.redis.RedisTesting;
import io.graphstreaming.testsupport.RedisServer;

import static io.graphstreaming.redis.RedisTesting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisExecutionDirectory} against a real Redis: the registry hash and
 * running set, exclusive leases, and cancel requests on the control channel.
 */
class RedisExecutionDirectoryTests {

	private static final Duration LEASE = Duration.ofSeconds(30);

	private static final Instant CREATED = Instant.parse("2025-01-01T10:00:00.123Z");

	private static RedisServer server;

	private final RedisKeys keys = RedisTesting.uniqueKeys();

	private RedisConnections connections;

	private RedisExecutionDirectory directory;

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
		this.directory = new RedisExecutionDirectory(this.connections.strings().async(), this.keys);
		this.redis = this.connections.strings().sync();
	}

	@AfterEach
	void disconnect() {
		this.connections.close();
	}

	/** The tokens of instance i1's, i2's and i3's claims. */
	private static final String T1 = "i1/0b7f", T2 = "i2/51aa", T3 = "i3/c3d2";

	private static ExecutionRecord record(String id, String instance) {
		return new ExecutionRecord(id, "g", "created", instance, "alice", CREATED, "ck-1", null);
	}

	@Test
	void registerShouldRecordTheExecutionAsRunningWithItsOwnersLease() {
		await(this.directory.register(record("x1", "i1"), T1, LEASE));

		assertThat(await(this.directory.find("x1"))).isEqualTo(record("x1", "i1"));
		assertThat(await(this.directory.running())).containsExactly("x1");
		assertThat(this.redis.hgetall(this.keys.execution("x1"))).containsEntry("graph", "g")
			.containsEntry("status", "created")
			.containsEntry("instance", "i1")
			.containsEntry("owner", "alice")
			.containsEntry("createdAt", Long.toString(CREATED.toEpochMilli()))
			.containsEntry("resumedFrom", "ck-1");
		assertThat(this.redis.get(this.keys.lease("x1"))).as("the owner's token").isEqualTo(T1);
		assertThat(this.redis.pttl(this.keys.lease("x1"))).isBetween(25_000L, 30_000L);
		assertThat(await(this.directory.leased("x1"))).isTrue();
		assertThat(this.redis.ttl(this.keys.execution("x1"))).as("a running execution's record does not expire")
			.isEqualTo(-1);
	}

	@Test
	void registerWithoutOwnerOrCheckpointShouldFindThemNull() {
		ExecutionRecord record = new ExecutionRecord("x1", "g", "created", "i1", null, CREATED, null, null);
		await(this.directory.register(record, T1, LEASE));
		ExecutionRecord found = await(this.directory.find("x1"));
		assertThat(found).isEqualTo(record);
		assertThat(found.owner()).isNull();
		assertThat(found.resumedFrom()).isNull();
		assertThat(found.cancelRequested()).isNull();
	}

	@Test
	void findOfAnUnknownExecutionShouldBeNull() {
		assertThat(await(this.directory.find("nope"))).isNull();
		assertThat(await(this.directory.running())).isEmpty();
		assertThat(await(this.directory.leased("nope"))).isFalse();
	}

	@Test
	void finishedShouldRecordTheStatusExpireTheRecordAndRemoveItFromRunning() {
		await(this.directory.register(record("x1", "i1"), T1, LEASE));
		await(this.directory.register(record("x2", "i1"), T1, LEASE));
		Instant finishedAt = CREATED.plusSeconds(5);

		await(this.directory.finished("x1", "completed", finishedAt, Duration.ofMinutes(2)));

		assertThat(await(this.directory.running())).containsExactly("x2");
		assertThat(await(this.directory.find("x1")).status()).isEqualTo("completed");
		assertThat(this.redis.hget(this.keys.execution("x1"), "finishedAt"))
			.isEqualTo(Long.toString(finishedAt.toEpochMilli()));
		assertThat(this.redis.pttl(this.keys.execution("x1"))).isBetween(115_000L, 120_000L);
		assertThat(await(this.directory.find("x2")).status()).isEqualTo("created");
	}

	@Test
	void ownerShouldRecordTheInstanceThatTookTheExecutionOver() {
		await(this.directory.register(record("x1", "i1"), T1, LEASE));
		await(this.directory.owner("x1", "i2"));
		assertThat(await(this.directory.find("x1")).instance()).isEqualTo("i2");
	}

	@Test
	void aClaimShouldBeExclusive() {
		assertThat(await(this.directory.claim("x1", T1, LEASE))).isTrue();
		assertThat(await(this.directory.claim("x1", T2, LEASE))).isFalse();
		assertThat(await(this.directory.claim("x1", T1, LEASE))).as("not even the holder claims twice").isFalse();
		assertThat(this.redis.get(this.keys.lease("x1"))).isEqualTo(T1);
		assertThat(this.redis.pttl(this.keys.lease("x1"))).isBetween(25_000L, 30_000L);
	}

	@Test
	void ofConcurrentClaimsExactlyOneShouldWin() {
		List<String> tokens = List.of(T1, T2, T3);
		for (int round = 0; round < 20; round++) {
			String id = "x" + round;
			List<CompletionStage<Boolean>> claims = tokens.stream()
				.map((token) -> this.directory.claim(id, token, LEASE))
				.toList();
			List<Boolean> results = claims.stream().map(RedisTesting::await).toList();
			assertThat(results).containsOnlyOnce(true);
			assertThat(this.redis.get(this.keys.lease(id))).isEqualTo(tokens.get(results.indexOf(true)));
		}
	}

	@Test
	void aRegisteredExecutionShouldNotBeClaimableWhileItsLeaseLasts() {
		await(this.directory.register(record("x1", "i1"), T1, LEASE));
		assertThat(await(this.directory.claim("x1", T2, LEASE))).isFalse();
		assertThat(await(this.directory.claim("x1", "i1/another-claim", LEASE)))
			.as("nor by another claim of the owner's instance")
			.isFalse();
	}

	@Test
	void renewShouldExtendTheLeasesHeldWithTheirTokenTakeBackAbsentOnesAndLeaveOthersAlone() {
		await(this.directory.claim("x1", T1, Duration.ofSeconds(5)));
		await(this.directory.claim("x2", T2, Duration.ofSeconds(5)));
		await(this.directory.claim("x4", T2, Duration.ofSeconds(5)));
		Map<String, String> tokens = new LinkedHashMap<>();
		tokens.put("x1", T1);
		tokens.put("x2", T1);
		tokens.put("x3", T1);
		tokens.put("x4", T2);
		tokens.put("x5", T1);
		this.redis.sadd(this.keys.running(), "x1", "x2", "x3", "x4");

		List<Boolean> renewed = await(this.directory.renew(tokens, LEASE));

		assertThat(renewed).as("in the order of the map").containsExactly(true, false, true, true, false);
		assertThat(this.redis.exists(this.keys.lease("x5")))
			.as("an absent lease of an execution no longer running is not taken back")
			.isZero();
		assertThat(this.redis.get(this.keys.lease("x1"))).isEqualTo(T1);
		assertThat(this.redis.pttl(this.keys.lease("x1"))).isGreaterThan(25_000L);
		assertThat(this.redis.get(this.keys.lease("x2"))).isEqualTo(T2);
		assertThat(this.redis.pttl(this.keys.lease("x2"))).as("another token's lease is left alone")
			.isLessThanOrEqualTo(5_000L);
		assertThat(this.redis.get(this.keys.lease("x3"))).as("an absent lease is taken back").isEqualTo(T1);
		assertThat(this.redis.pttl(this.keys.lease("x3"))).isBetween(25_000L, 30_000L);
		assertThat(this.redis.pttl(this.keys.lease("x4"))).isGreaterThan(25_000L);
		assertThat(await(this.directory.renew(Map.of(), LEASE))).isEmpty();
	}

	@Test
	void renewShouldTakeBackALeaseThatExpiredUnclaimed() {
		await(this.directory.register(record("x1", "i1"), T1, Duration.ofMillis(300)));
		await().atMost(Duration.ofSeconds(5)).until(() -> !await(this.directory.leased("x1")));

		// Redis was unreachable longer than the lease, and no other instance claimed it meanwhile
		assertThat(await(this.directory.renew(Map.of("x1", T1), LEASE))).containsExactly(true);

		assertThat(this.redis.get(this.keys.lease("x1"))).isEqualTo(T1);
		assertThat(this.redis.pttl(this.keys.lease("x1"))).isBetween(25_000L, 30_000L);
		assertThat(await(this.directory.claim("x1", T2, LEASE))).as("it is the owner's again").isFalse();
	}

	@Test
	void renewShouldReturnFalseAndNotTouchALeaseAnotherTokenHolds() {
		await(this.directory.register(record("x1", "i1"), T1, Duration.ofMillis(300)));
		await().atMost(Duration.ofSeconds(5)).until(() -> !await(this.directory.leased("x1")));
		assertThat(await(this.directory.claim("x1", T2, Duration.ofSeconds(5)))).isTrue();

		assertThat(await(this.directory.renew(Map.of("x1", T1), LEASE))).containsExactly(false);
		assertThat(await(this.directory.renew(Map.of("x1", "i2/an-earlier-claim"), LEASE)))
			.as("an earlier claim of the holder's own instance is another token")
			.containsExactly(false);

		assertThat(this.redis.get(this.keys.lease("x1"))).isEqualTo(T2);
		assertThat(this.redis.pttl(this.keys.lease("x1"))).as("not extended").isBetween(1L, 5_000L);
		assertThat(await(this.directory.renew(Map.of("x1", T2), LEASE))).containsExactly(true);
		assertThat(this.redis.pttl(this.keys.lease("x1"))).isGreaterThan(25_000L);
	}

	@Test
	void onlyTheHolderShouldReleaseALease() {
		await(this.directory.claim("x1", T1, LEASE));

		await(this.directory.release("x1", T2));
		await(this.directory.release("x1", "i1/an-earlier-claim"));
		assertThat(this.redis.get(this.keys.lease("x1"))).as("another token does not delete it").isEqualTo(T1);
		assertThat(this.redis.pttl(this.keys.lease("x1"))).isGreaterThan(25_000L);

		await(this.directory.release("x1", T1));
		assertThat(await(this.directory.leased("x1"))).isFalse();
		assertThat(await(this.directory.claim("x1", T2, LEASE))).isTrue();
		// releasing a lease nobody holds does nothing
		await(this.directory.release("x9", T1));
		assertThat(this.redis.exists(this.keys.lease("x9"))).isZero();
	}

	@Test
	void aLeaseShouldExpireAfterItsDurationAndThenBeClaimable() {
		await(this.directory.register(record("x1", "i1"), T1, Duration.ofMillis(300)));
		assertThat(await(this.directory.claim("x1", T2, LEASE))).isFalse();

		await().atMost(Duration.ofSeconds(5)).until(() -> !await(this.directory.leased("x1")));
		assertThat(await(this.directory.claim("x1", T2, LEASE))).isTrue();
		assertThat(await(this.directory.renew(Map.of("x1", T1), LEASE))).as("the old owner lost it")
			.containsExactly(false);
		assertThat(this.redis.get(this.keys.lease("x1"))).isEqualTo(T2);
	}

	@Test
	void aCancelRequestShouldBeRecordedAndReachSubscribersOfTheControlChannel() throws InterruptedException {
		await(this.directory.register(record("x1", "i1"), T1, LEASE));
		StatefulRedisPubSubConnection<String, String> pubSub = this.connections.pubSub();
		BlockingQueue<String> received = new LinkedBlockingQueue<>();
		pubSub.addListener(new RedisPubSubAdapter<>() {
			@Override
			public void message(String channel, String message) {
				received.add(channel + "|" + message);
			}
		});
		pubSub.sync().subscribe(this.keys.control());

		String reason = "stopped by  an operator: too slow";
		await(this.directory.cancelRequested("x1", reason));
		long receivers = await(this.directory.publishCancel("x1", reason));

		assertThat(receivers).isEqualTo(1);
		assertThat(await(this.directory.find("x1")).cancelRequested()).isEqualTo(reason);
		String message = received.poll(5, TimeUnit.SECONDS);
		assertThat(message).isEqualTo(this.keys.control() + "|cancel x1 " + reason);
		ControlMessage decoded = ControlMessage.decode(message.substring(message.indexOf('|') + 1));
		assertThat(decoded).isEqualTo(ControlMessage.cancel("x1", reason));
	}

	@Test
	void controlMessagesShouldRoundTripAndIgnoreWhatTheyCannotParse() {
		ControlMessage cancel = ControlMessage.cancel("x1", "a reason  with spaces ");
		assertThat(cancel.encode()).isEqualTo("cancel x1 a reason  with spaces ");
		assertThat(ControlMessage.decode(cancel.encode())).isEqualTo(cancel);
		assertThat(ControlMessage.decode("cancel x1 ")).isEqualTo(ControlMessage.cancel("x1", ""));
		assertThat(ControlMessage.decode("cancel x1")).isNull();
		assertThat(ControlMessage.decode("garbage")).isNull();
		assertThat(ControlMessage.decode("")).isNull();
	}

	@Test
	void recordsShouldRoundTripThroughTheirHash() {
		ExecutionRecord record = record("x1", "i1");
		assertThat(ExecutionRecord.fromHash("x1", record.toHash())).isEqualTo(record);
		assertThat(ExecutionRecord.fromHash("x1", Map.of("status", "running"))).as("incomplete hash (expired)")
			.isNull();
	}

	@Test
	void aStartShouldBeRecordedOnlyWhenTheKeyHoldsNoneOrTheStaleRecordNamed() {
		String key = "principal:alice\ng\nexecutions\nk-1";
		assertThat(await(this.directory.recordedStart(key))).isNull();

		assertThat(await(this.directory.recordStart(key, "e1 d1", null, Duration.ofMinutes(1)))).isEqualTo("e1 d1");
		assertThat(await(this.directory.recordStart(key, "e2 d2", null, Duration.ofMinutes(1)))).isEqualTo("e1 d1");
		assertThat(await(this.directory.recordStart(key, "e2 d2", "e0 d0", Duration.ofMinutes(1))))
			.as("another stale record than the one held").isEqualTo("e1 d1");
		assertThat(await(this.directory.recordStart(key, "e3 d3", "e1 d1", Duration.ofMinutes(1)))).isEqualTo("e3 d3");

		assertThat(await(this.directory.recordedStart(key))).isEqualTo("e3 d3");
		assertThat(this.redis.pttl(this.keys.idempotencyKey(key))).isPositive().isLessThanOrEqualTo(60_000L);
		assertThat(this.keys.idempotencyKey(key)).startsWith(this.keys.prefix() + ":idempotency:").doesNotContain("alice");
	}

}
