package io.graphstreaming.redis.journal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.journal.EventSerializer;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.redis.RedisConnections;
import io.graphstreaming.redis.RedisKeys;
import io.graphstreaming.redis.RedisTesting;
import io.graphstreaming.testsupport.RedisServer;

import static io.graphstreaming.redis.RedisTesting.await;
import static io.graphstreaming.redis.RedisTesting.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link RedisEventLog} against a real Redis.
 */
class RedisEventLogTests {

	private static final Duration RETENTION = Duration.ofMinutes(1);

	private static final Duration LEASE = Duration.ofSeconds(30);

	/** This writer's lease: an instance id and a part unique to the claim. */
	private static final LeaseFence FENCE = new LeaseFence("i1/3f2c", LEASE);

	private static RedisServer server;

	private final EventSerializer serializer = RedisTesting.serializer();

	private final RedisKeys keys = RedisTesting.uniqueKeys();

	private RedisConnections connections;

	private RedisEventLog log;

	private RedisCommands<String, byte[]> redis;

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
		this.log = new RedisEventLog(this.connections.binary().async(), this.keys, this.serializer);
		this.redis = this.connections.binary().sync();
		// the executions these tests write are running ones, as the owner's writes always are
		this.connections.strings().sync().sadd(this.keys.running(), "x1", "x2", "x3", "x4");
	}

	@AfterEach
	void disconnect() {
		this.connections.close();
	}

	@Test
	void appendShouldWriteOneEntryPerEventWithTheSequenceAsIdAndTheEventJsonAsFieldE() {
		List<JournalEntry> entries = entries("x1", 1, 3);
		await(this.log.append("x1", entries, FENCE, 100, RETENTION));

		List<StreamMessage<String, byte[]>> messages = this.redis.xrange(this.keys.events("x1"), Range.unbounded());
		assertThat(messages).extracting(StreamMessage::getId).containsExactly("0-1", "0-2", "0-3");
		for (int i = 0; i < 3; i++) {
			StreamMessage<String, byte[]> message = messages.get(i);
			GraphExecutionEvent event = entries.get(i).event();
			assertThat(message.getBody()).containsOnlyKeys("e");
			byte[] json = message.getBody().get("e");
			assertThat(json).isEqualTo(this.serializer.serialize(event));
			assertThat(new String(json, StandardCharsets.UTF_8)).startsWith("{")
				.contains("\"eventType\":\"NodeStarted\"")
				.contains("\"sequence\":" + (i + 1))
				.contains("\"executionId\":\"x1\"");
			assertThat(this.log.decode(message)).isEqualTo(event);
		}
	}

	@Test
	void appendShouldKeepTheStreamAndTheLeaseItTookUnderThePrefixOfItsKeys() {
		await(this.log.append("x1", entries("x1", 1, 1), FENCE, 100, RETENTION));
		assertThat(this.connections.strings().sync().keys(this.keys.prefix() + ":*"))
			.containsExactlyInAnyOrder(this.keys.prefix() + ":events:x1", this.keys.prefix() + ":lease:x1",
					this.keys.prefix() + ":running");
	}

	@Test
	void appendingEntriesAgainAfterALostAnswerShouldSucceedWithoutWritingThemTwice() {
		await(this.log.append("x1", entries("x1", 1, 3), FENCE, 100, RETENTION));
		// the same batch again (its answer was lost), then a batch that overlaps the written ones
		await(this.log.append("x1", entries("x1", 1, 3), FENCE, 100, RETENTION));
		await(this.log.append("x1", entries("x1", 2, 5), FENCE, 100, RETENTION));

		List<StreamMessage<String, byte[]>> messages = this.redis.xrange(this.keys.events("x1"), Range.unbounded());
		assertThat(messages).extracting(StreamMessage::getId).containsExactly("0-1", "0-2", "0-3", "0-4", "0-5");
		assertThat(messages).extracting(this.log::decode)
			.extracting(GraphExecutionEvent::sequence)
			.containsExactly(1L, 2L, 3L, 4L, 5L);
		// a batch entirely written already: nothing is added, and it still succeeds
		await(this.log.append("x1", entries("x1", 4, 5), FENCE, 100, RETENTION));
		assertThat(this.redis.xlen(this.keys.events("x1"))).isEqualTo(5);
	}

	@Test
	void appendOfAnEndedExecutionWhoseLeaseIsGoneIsRefusedAsLeaseLost() {
		// a stalled owner coming back after another instance ended the execution and dropped the lease
		await(this.log.append("x9", entries("x9", 1, 2), FENCE, 100, RETENTION));
		this.connections.strings().sync().del(this.keys.lease("x9"));
		assertThatException().isThrownBy(() -> await(this.log.append("x9", entries("x9", 3, 3), FENCE, 100, RETENTION)))
			.isInstanceOf(LeaseLostException.class)
			.withMessageContaining("LEASE_LOST: the execution has ended");
		assertThat(this.redis.xlen(this.keys.events("x9"))).isEqualTo(2);
		assertThat(this.redis.exists(this.keys.lease("x9"))).isZero();
	}

	@Test
	void appendShouldFailWhenRedisRefusesAnEntryForAnotherReasonThanAlreadyHavingIt() {
		this.connections.strings().sync().sadd(this.keys.running(), "x0", "x2");
		// sequence 0 is not after anything: the script refuses it as a stream this writer
		// did not write, which no retry can mend
		assertThatException()
			.isThrownBy(() -> await(this.log.append(RedisTesting.event("x0", 0), FENCE, 100, RETENTION)))
			.isInstanceOf(LeaseLostException.class)
			.withMessageContaining("OUT_OF_ORDER: 0-0");
		assertThat(this.redis.exists(this.keys.events("x0"))).isZero();
		// the key holds something else than a stream
		this.connections.strings().sync().set(this.keys.events("x2"), "not a stream");
		assertThatException().isThrownBy(() -> await(this.log.append("x2", entries("x2", 1, 2), FENCE, 100, RETENTION)))
			.isInstanceOf(RedisCommandExecutionException.class)
			.withMessageContaining("WRONGTYPE");
	}

	/**
	 * An entry at or below the newest that the stream does not hold was never written: it
	 * is not taken for a retry of a written one (which would report it written, and lose
	 * it), the append fails.
	 */
	@Test
	void appendOutOfOrderFailsRatherThanPassingForARetry() {
		await(this.log.append("x1", entries("x1", 1, 2), FENCE, 100, RETENTION));
		// a hole below the newest entry (the log itself never leaves one: see the GAP test)
		this.redis.xadd(this.keys.events("x1"), new XAddArgs().id("0-5"),
				Map.of("e", this.serializer.serialize(new JournalEntry(RedisTesting.event("x1", 5)))));
		assertThatException()
			.isThrownBy(() -> await(this.log.append("x1", entries("x1", 3, 3), FENCE, 100, RETENTION)))
			.isInstanceOf(LeaseLostException.class)
			.withMessageContaining("OUT_OF_ORDER: 0-3 is not after the newest entry 0-5");
		// a batch whose first entries are written but one of them is not fails as a whole
		assertThatException()
			.isThrownBy(() -> await(this.log.append("x1", entries("x1", 2, 6), FENCE, 100, RETENTION)))
			.isInstanceOf(LeaseLostException.class)
			.withMessageContaining("OUT_OF_ORDER: 0-3");
		assertThat(this.redis.xrange(this.keys.events("x1"), Range.unbounded())).extracting(StreamMessage::getId)
			.as("nothing written")
			.containsExactly("0-1", "0-2", "0-5");
	}

	@Test
	void appendThatWouldLeaveAGapAfterTheNewestEntryFailsAndWritesNothing() {
		await(this.log.append("x1", entries("x1", 1, 2), FENCE, 100, RETENTION));
		assertThatException()
			.isThrownBy(() -> await(this.log.append("x1", entries("x1", 4, 6), FENCE, 100, RETENTION)))
			.isInstanceOf(LeaseLostException.class)
			.withMessageContaining("GAP: 0-4 would follow 0-2");
		assertThatException()
			.isThrownBy(() -> await(this.log.append(RedisTesting.completed("x1", 9), FENCE, 100, RETENTION)))
			.withMessageContaining("GAP: 0-9 would follow 0-2");
		assertThat(this.redis.xrange(this.keys.events("x1"), Range.unbounded())).extracting(StreamMessage::getId)
			.containsExactly("0-1", "0-2");
		// the next consecutive entry is still fine
		await(this.log.append("x1", entries("x1", 3, 3), FENCE, 100, RETENTION));
		assertThat(this.redis.xlen(this.keys.events("x1"))).isEqualTo(3);
	}

	@Test
	void aStreamMayStartAtAnySequence() {
		// a continuation after the stream expired, or a stream trimmed to nothing: no gap to check
		await(this.log.append("x1", entries("x1", 41, 42), FENCE, 100, RETENTION));
		assertThat(this.redis.xrange(this.keys.events("x1"), Range.unbounded())).extracting(StreamMessage::getId)
			.containsExactly("0-41", "0-42");
	}

	@Test
	void appendWithAnotherTokensLeaseFailsWithLeaseLostAndWritesNothing() {
		RedisCommands<String, String> strings = this.connections.strings().sync();
		await(this.log.append("x1", entries("x1", 1, 2), FENCE, 100, RETENTION));
		// another instance took the execution over
		strings.set(this.keys.lease("x1"), "i2/9a1b", SetArgs.Builder.px(20_000));

		assertThatException()
			.isThrownBy(() -> await(this.log.append("x1", entries("x1", 3, 4), FENCE, 100, RETENTION)))
			.isInstanceOf(LeaseLostException.class)
			.withMessage("Execution x1 is no longer this instance's: LEASE_LOST: the lease is held by i2/9a1b");
		assertThatException()
			.isThrownBy(() -> await(this.log.append(RedisTesting.completed("x1", 3), FENCE, 100, RETENTION)))
			.isInstanceOf(LeaseLostException.class)
			.withMessageContaining("LEASE_LOST: the lease is held by i2/9a1b");
		// a retry of what it wrote is refused as well: nothing of the old owner's goes through
		assertThatException()
			.isThrownBy(() -> await(this.log.append("x1", entries("x1", 1, 2), FENCE, 100, RETENTION)))
			.isInstanceOf(LeaseLostException.class);

		assertThat(this.redis.xrange(this.keys.events("x1"), Range.unbounded())).extracting(StreamMessage::getId)
			.containsExactly("0-1", "0-2");
		assertThat(strings.get(this.keys.lease("x1"))).as("the holder's lease is left alone").isEqualTo("i2/9a1b");
		assertThat(strings.pttl(this.keys.lease("x1"))).isBetween(1L, 20_000L);
	}

	@Test
	void anEarlierClaimOfTheSameInstanceIsAnotherToken() {
		RedisCommands<String, String> strings = this.connections.strings().sync();
		strings.set(this.keys.lease("x1"), "i1/new-claim", SetArgs.Builder.px(20_000));
		assertThatException()
			.isThrownBy(() -> await(this.log.append("x1", entries("x1", 1, 1), FENCE, 100, RETENTION)))
			.isInstanceOf(LeaseLostException.class)
			.withMessageContaining("held by i1/new-claim");
		assertThat(this.redis.exists(this.keys.events("x1"))).isZero();
	}

	@Test
	void appendWithoutALeaseTakesItWithTheLeaseDurationAndWrites() {
		RedisCommands<String, String> strings = this.connections.strings().sync();
		await(this.log.append("x1", entries("x1", 1, 2), FENCE, 100, RETENTION));

		assertThat(strings.get(this.keys.lease("x1"))).isEqualTo(FENCE.token());
		assertThat(strings.pttl(this.keys.lease("x1"))).isBetween(LEASE.toMillis() - 5_000, LEASE.toMillis());
		assertThat(this.redis.xlen(this.keys.events("x1"))).isEqualTo(2);

		// it expired (Redis was unreachable longer than the lease) and nobody claimed it: taken back
		strings.del(this.keys.lease("x1"));
		LeaseFence shortLease = new LeaseFence(FENCE.token(), Duration.ofSeconds(3));
		await(this.log.append("x1", entries("x1", 3, 3), shortLease, 100, RETENTION));
		assertThat(strings.get(this.keys.lease("x1"))).isEqualTo(FENCE.token());
		assertThat(strings.pttl(this.keys.lease("x1"))).isBetween(1L, 3_000L);
		assertThat(this.redis.xlen(this.keys.events("x1"))).isEqualTo(3);
	}

	@Test
	void appendWhileHoldingTheLeaseLeavesItsExpiryToRenewal() {
		RedisCommands<String, String> strings = this.connections.strings().sync();
		strings.set(this.keys.lease("x1"), FENCE.token(), SetArgs.Builder.px(4_000));
		await(this.log.append("x1", entries("x1", 1, 3), FENCE, 100, RETENTION));
		assertThat(this.redis.xlen(this.keys.events("x1"))).isEqualTo(3);
		assertThat(strings.get(this.keys.lease("x1"))).isEqualTo(FENCE.token());
		assertThat(strings.pttl(this.keys.lease("x1"))).isBetween(1L, 4_000L);
	}

	@Test
	void appendOfEntriesThatAreNotConsecutiveIsRefusedBeforeAnythingIsWritten() {
		List<JournalEntry> gap = new java.util.ArrayList<>(entries("x2", 1, 2));
		gap.addAll(entries("x2", 4, 4));
		assertThatIllegalArgumentException().isThrownBy(() -> this.log.append("x2", gap, FENCE, 100, RETENTION))
			.withMessage("Entries of execution x2 must be consecutive but sequence 4 follows 2");
		assertThat(this.redis.exists(this.keys.events("x2"))).isZero();
		assertThat(this.redis.exists(this.keys.lease("x2"))).as("not even the lease is taken").isZero();
	}

	@Test
	void appendShouldTrimTheStreamToAboutMaxLengthKeepingAtLeastTheNewestMaxLength() {
		int maxLength = 10;
		for (int from = 1; from <= 1000; from += 50) {
			await(this.log.append("x1", entries("x1", from, from + 49), FENCE, maxLength, RETENTION));
		}

		String key = this.keys.events("x1");
		long length = this.redis.xlen(key);
		// MAXLEN ~ trims whole stream nodes (100 entries by default): about maxLength, never fewer
		assertThat(length).isBetween((long) maxLength, 200L);
		List<StreamMessage<String, byte[]>> all = this.redis.xrange(key, Range.unbounded());
		assertThat(all).extracting((message) -> RedisKeys.sequenceOf(message.getId()))
			.endsWith(991L, 992L, 993L, 994L, 995L, 996L, 997L, 998L, 999L, 1000L);
		long first = oldestKept("x1");
		assertThat(first).isGreaterThan(1).isEqualTo(RedisKeys.sequenceOf(all.get(0).getId()));
		assertThat(first + length - 1).as("no holes: the stream holds first..1000").isEqualTo(1000);
	}

	/**
	 * A batch longer than the stream keeps (maxLength below the writer's window) is
	 * trimmed while it is written; retried after a lost answer, its first entries are gone.
	 */
	@Test
	void aRetryOfABatchLongerThanMaxLengthShouldSucceedWithoutWritingAnythingTwice() {
		String key = this.keys.events("x1");
		await(this.log.append("x1", entries("x1", 1, 250), FENCE, 10, RETENTION));
		long first = oldestKept("x1");
		long length = this.redis.xlen(key);
		assertThat(first).as("trimmed while written").isGreaterThan(1);

		await(this.log.append("x1", entries("x1", 1, 250), FENCE, 10, RETENTION));

		assertThat(this.redis.xlen(key)).isEqualTo(length);
		assertThat(oldestKept("x1")).isEqualTo(first);
	}

	@Test
	void appendShouldSetTheRetentionAsTheStreamsExpiryAndEachAppendAndTouchShouldRefreshIt() {
		String key = this.keys.events("x1");
		await(this.log.append("x1", entries("x1", 1, 1), FENCE, 100, Duration.ofSeconds(30)));
		assertThat(this.redis.pttl(key)).isBetween(25_000L, 30_000L);

		await(this.log.append("x1", entries("x1", 2, 2), FENCE, 100, Duration.ofMinutes(10)));
		assertThat(this.redis.pttl(key)).isBetween(595_000L, 600_000L);

		assertThat(await(this.log.touch("x1", Duration.ofSeconds(5)))).isTrue();
		assertThat(this.redis.pttl(key)).isBetween(1L, 5_000L);
		assertThat(await(this.log.touch("gone", Duration.ofSeconds(5)))).isFalse();
	}

	@Test
	void aStreamShouldBeGoneOnceItsRetentionHasPassed() throws InterruptedException {
		await(this.log.append("x1", entries("x1", 1, 2), FENCE, 100, Duration.ofMillis(200)));
		assertThat(this.redis.exists(this.keys.events("x1"))).isEqualTo(1);
		Thread.sleep(400);
		assertThat(this.redis.exists(this.keys.events("x1"))).isZero();
		assertThat(await(this.log.last("x1"))).isNull();
	}

	@Test
	void lastAndFirstSequenceShouldBeTheNewestEventAndTheOldestKeptSequence() {
		assertThat(await(this.log.last("x1"))).isNull();
		assertThat(oldestKept("x1")).isZero();

		List<JournalEntry> entries = entries("x1", 1, 4);
		await(this.log.append("x1", entries, FENCE, 100, RETENTION));
		assertThat(await(this.log.last("x1"))).isEqualTo(entries.get(3).event());
		assertThat(oldestKept("x1")).isEqualTo(1);

		GraphExecutionEvent terminal = RedisTesting.completed("x1", 5);
		await(this.log.append(terminal, FENCE, 100, RETENTION));
		GraphExecutionEvent last = await(this.log.last("x1"));
		assertThat(last).isEqualTo(terminal);
		assertThat(last.isTerminal()).isTrue();

		this.redis.xtrim(this.keys.events("x1"), 2);
		assertThat(oldestKept("x1")).isEqualTo(4);
		assertThat(await(this.log.last("x1"))).isEqualTo(terminal);
	}

	@Test
	void decodeShouldRefuseAnEntryNotWrittenByTheLog() {
		String key = this.keys.events("x1");
		this.redis.xadd(key, new XAddArgs().id("0-1"), Map.of("other", "{}".getBytes(StandardCharsets.UTF_8)));
		StreamMessage<String, byte[]> foreign = this.redis.xrange(key, Range.unbounded()).get(0);
		assertThatIllegalStateException().isThrownBy(() -> this.log.decode(foreign))
			.withMessageContaining("0-1")
			.withMessageContaining("no 'e' field");
	}

	/** The sequence of the oldest entry the stream still holds. */
	private long oldestKept(String executionId) {
		List<StreamMessage<String, byte[]>> oldest = this.redis.xrange(this.keys.events(executionId),
				Range.unbounded(), Limit.from(1));
		return oldest.isEmpty() ? 0 : RedisKeys.sequenceOf(oldest.get(0).getId());
	}

}
