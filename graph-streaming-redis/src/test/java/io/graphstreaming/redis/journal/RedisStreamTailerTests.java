package io.graphstreaming.redis.journal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import io.graphstreaming.core.journal.EventsExpiredException;
import io.graphstreaming.redis.LogCapture;
import io.graphstreaming.redis.RedisConnections;
import io.graphstreaming.redis.RedisKeys;
import io.graphstreaming.redis.RedisTesting;
import io.graphstreaming.testsupport.RedisServer;

import static io.graphstreaming.redis.RedisTesting.TIMEOUT;
import static io.graphstreaming.redis.RedisTesting.await;
import static io.graphstreaming.redis.RedisTesting.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisStreamTailer} against a real Redis: replay then live delivery
 * exactly once, many tails on one blocking connection, {@code CLIENT UNBLOCK} for tails
 * that join a blocked read, demand as backpressure, gaps, and a Redis restart.
 */
class RedisStreamTailerTests {

	private static final Duration RETENTION = Duration.ofMinutes(5);

	private static final LeaseFence FENCE = new LeaseFence("i1/tail", Duration.ofMinutes(5));

	private static RedisServer server;

	private final RedisKeys keys = RedisTesting.uniqueKeys();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final List<Disposable> subscriptions = new ArrayList<>();

	private RedisConnections connections;

	private RedisEventLog log;

	private RedisStreamTailer tailer;

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		server.close();
	}

	@AfterEach
	void close() throws Exception {
		this.subscriptions.forEach(Disposable::dispose);
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	/** Connections, log and a tailer whose reads block at most {@code block}. */
	private void connect(Duration commandTimeout, Duration block) {
		this.connections = new RedisConnections(server.url(), commandTimeout);
		this.closeables.add(this.connections);
		this.log = new RedisEventLog(this.connections.binary().async(), this.keys, RedisTesting.serializer());
		this.tailer = new RedisStreamTailer(this.connections.blocking(), this.connections.strings().async(), block,
				Duration.ofMillis(50), Duration.ofMillis(500), Schedulers.parallel());
		this.closeables.add(this.tailer);
	}

	private Flux<Long> sequences(String executionId, long after) {
		return this.tailer.tail(this.keys.events(executionId), executionId, after)
			.map(this.log::decode)
			.map((event) -> {
				assertThat(event.executionId()).isEqualTo(executionId);
				return event.sequence();
			});
	}

	private List<Long> collect(String executionId, long after) {
		List<Long> received = new CopyOnWriteArrayList<>();
		this.subscriptions.add(sequences(executionId, after).subscribe(received::add));
		return received;
	}

	private void write(String executionId, long from, long to) {
		await(this.log.append(executionId, entries(executionId, from, to), FENCE, 10_000, RETENTION));
	}

	private static List<Long> range(long from, long to) {
		return LongStream.rangeClosed(from, to).boxed().toList();
	}

	@Test
	void aTailShouldReplayTheEntriesAfterItsStartThenDeliverLiveOnesInOrderExactlyOnce() {
		connect(Duration.ofSeconds(2), Duration.ofMillis(100));
		write("x1", 1, 5);

		StepVerifier.create(sequences("x1", 2))
			.expectNext(3L, 4L, 5L)
			.then(() -> write("x1", 6, 7))
			.expectNext(6L, 7L)
			// a retried batch overlapping what is written, then new entries
			.then(() -> write("x1", 6, 10))
			.expectNext(8L, 9L, 10L)
			// several reads (100 ms each) go by: none delivers an entry again
			.expectNoEvent(Duration.ofMillis(500))
			.then(() -> write("x1", 11, 11))
			.expectNext(11L)
			.thenCancel()
			.verify(TIMEOUT);

		await().atMost(TIMEOUT).until(() -> this.tailer.tailCount() == 0);
	}

	@Test
	void aTailOfAStreamThatDoesNotExistYetShouldDeliverItsEntriesOnceWritten() {
		connect(Duration.ofSeconds(2), Duration.ofMillis(100));
		StepVerifier.create(sequences("later", 0))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(300))
			.then(() -> write("later", 1, 3))
			.expectNext(1L, 2L, 3L)
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void fiftyTailsShouldBeServedConcurrentlyByTheOneBlockingConnection() {
		connect(Duration.ofSeconds(2), Duration.ofMillis(500));
		RedisCommands<String, String> redis = this.connections.strings().sync();
		long clientsBefore = info(redis, "clients", "connected_clients");

		List<List<Long>> received = new ArrayList<>();
		for (int stream = 0; stream < 50; stream++) {
			received.add(collect("s" + stream, 0));
		}
		assertThat(this.tailer.tailCount()).isEqualTo(50);
		for (int round = 0; round < 4; round++) {
			for (int stream = 0; stream < 50; stream++) {
				write("s" + stream, round * 5 + 1, round * 5 + 5);
			}
		}

		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(received).allSatisfy((list) -> assertThat(list).hasSize(20)));
		assertThat(received).allSatisfy((list) -> assertThat(list).containsExactlyElementsOf(range(1, 20)));
		assertThat(info(redis, "clients", "connected_clients")).as("no connection was opened for the tails")
			.isLessThanOrEqualTo(clientsBefore);
		assertThat(info(redis, "clients", "blocked_clients")).isLessThanOrEqualTo(1);

		this.subscriptions.forEach(Disposable::dispose);
		await().atMost(TIMEOUT).until(() -> this.tailer.tailCount() == 0);
	}

	@Test
	void aTailJoiningWhileAnotherTailsReadIsBlockedShouldGetItsEntriesWithoutWaitingForTheBlockTime() {
		// a read blocks 5 s (below the 10 s command timeout)
		connect(Duration.ofSeconds(10), Duration.ofSeconds(5));
		RedisCommands<String, String> redis = this.connections.strings().sync();
		List<Long> quiet = collect("quiet", 0);
		await().atMost(TIMEOUT).until(() -> info(redis, "clients", "blocked_clients") == 1);
		write("busy", 1, 3);

		long start = System.nanoTime();
		StepVerifier.create(sequences("busy", 0))
			.expectNext(1L)
			.then(() -> assertThat(Duration.ofNanos(System.nanoTime() - start)).as("CLIENT UNBLOCK woke the read")
				.isLessThan(Duration.ofSeconds(1)))
			.expectNext(2L, 3L)
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(quiet).isEmpty();

		// the first tail is still served: its entry arrives well before the 5 s block ends
		long written = System.nanoTime();
		write("quiet", 1, 1);
		await().atMost(Duration.ofSeconds(4)).until(() -> quiet.size() == 1);
		assertThat(Duration.ofNanos(System.nanoTime() - written)).isLessThan(Duration.ofSeconds(1));
	}

	@Test
	void aTailWithoutDemandShouldNotBeReadAndDemandShouldResumeIt() {
		connect(Duration.ofSeconds(2), Duration.ofMillis(100));
		RedisCommands<String, String> redis = this.connections.strings().sync();
		write("x1", 1, 5);
		AtomicLong reads = new AtomicLong();

		StepVerifier.create(sequences("x1", 0), 0)
			.expectSubscription()
			.then(() -> reads.set(xreadCalls(redis)))
			.expectNoEvent(Duration.ofMillis(500))
			.then(() -> assertThat(xreadCalls(redis)).as("no XREAD without demand").isEqualTo(reads.get()))
			.thenRequest(2)
			.expectNext(1L, 2L)
			.expectNoEvent(Duration.ofMillis(200))
			.then(() -> reads.set(xreadCalls(redis)))
			.expectNoEvent(Duration.ofMillis(500))
			.then(() -> assertThat(xreadCalls(redis)).as("no XREAD once the demand is met").isEqualTo(reads.get()))
			.thenRequest(4)
			.expectNext(3L, 4L, 5L)
			.then(() -> write("x1", 6, 9))
			.expectNext(6L)
			.expectNoEvent(Duration.ofMillis(300))
			.thenRequest(Long.MAX_VALUE)
			.expectNext(7L, 8L, 9L)
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void demandArrivingWhileAnotherTailsReadIsBlockedShouldWakeTheRead() {
		connect(Duration.ofSeconds(10), Duration.ofSeconds(5));
		RedisCommands<String, String> redis = this.connections.strings().sync();
		collect("quiet", 0);
		write("x1", 1, 1);
		AtomicLong requested = new AtomicLong();

		StepVerifier.create(sequences("x1", 0), 1)
			.expectNext(1L)
			// x1 has no demand: the read now blocks on the quiet stream alone
			.then(() -> await().atMost(TIMEOUT).until(() -> info(redis, "clients", "blocked_clients") == 1))
			.then(() -> write("x1", 2, 2))
			.then(() -> requested.set(System.nanoTime()))
			.thenRequest(1)
			.expectNext(2L)
			.then(() -> assertThat(Duration.ofNanos(System.nanoTime() - requested.get())).as("CLIENT UNBLOCK woke the read")
				.isLessThan(Duration.ofSeconds(1)))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void aStreamTrimmedPastALiveTailsPositionShouldEndTheTailWithEventsExpired() {
		connect(Duration.ofSeconds(2), Duration.ofMillis(100));
		RedisCommands<String, byte[]> redis = this.connections.binary().sync();
		write("x1", 1, 2);

		StepVerifier.create(sequences("x1", 0), 2)
			.expectNext(1L, 2L)
			.then(() -> {
				write("x1", 3, 4);
				redis.xtrim(this.keys.events("x1"), 0);
				write("x1", 5, 5);
			})
			.thenRequest(10)
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOfSatisfying(EventsExpiredException.class,
					(expired) -> {
						assertThat(expired.requestedAfter()).isEqualTo(2);
						assertThat(expired.firstRetained()).isEqualTo(5);
						assertThat(expired).hasMessageContaining("x1");
					}))
			.verify(TIMEOUT);
		await().atMost(TIMEOUT).until(() -> this.tailer.tailCount() == 0);
	}

	@Test
	void aTailStartingBeforeTheOldestKeptEntryShouldEndWithEventsExpired() {
		connect(Duration.ofSeconds(2), Duration.ofMillis(100));
		write("x1", 1, 6);
		this.connections.binary().sync().xtrim(this.keys.events("x1"), 2);

		StepVerifier.create(sequences("x1", 3))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOfSatisfying(EventsExpiredException.class,
					(expired) -> {
						assertThat(expired.requestedAfter()).isEqualTo(3);
						assertThat(expired.firstRetained()).isEqualTo(5);
					}))
			.verify(TIMEOUT);
		// from the oldest kept one, it is fine
		StepVerifier.create(sequences("x1", 4)).expectNext(5L, 6L).thenCancel().verify(TIMEOUT);
	}

	@Test
	void aTailShouldResumeAfterARedisRestartAndDeliverWhatIsWrittenAfterItExactlyOnce() {
		connect(Duration.ofSeconds(2), Duration.ofMillis(200));
		write("x1", 1, 3);
		List<Long> received = collect("x1", 0);
		List<Long> other = collect("x2", 0);
		await().atMost(TIMEOUT).until(() -> received.size() == 3);

		server.restart(Duration.ofSeconds(1));
		RedisTesting.awaitReconnected(
				() -> this.log.append("x1", entries("x1", 4, 8), FENCE, 10_000, RETENTION));
		RedisTesting.awaitReconnected(
				() -> this.log.append("x2", entries("x2", 1, 2), FENCE, 10_000, RETENTION));

		await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 8 && other.size() >= 2);
		RedisTesting.sleep(500);
		assertThat(received).containsExactlyElementsOf(range(1, 8));
		assertThat(other).containsExactly(1L, 2L);
		write("x1", 9, 9);
		await().atMost(TIMEOUT).until(() -> received.size() >= 9);
		assertThat(received).containsExactlyElementsOf(range(1, 9));
	}

	@Test
	void closingTheTailerThenItsConnectionsShouldLogNoWarning() {
		RedisConnections own = new RedisConnections(server.url(), Duration.ofSeconds(10));
		RedisConnections control = new RedisConnections(server.url(), Duration.ofSeconds(2));
		try {
			RedisStreamTailer closing = new RedisStreamTailer(own.blocking(), control.strings().async(),
					Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(500), Schedulers.parallel());
			this.subscriptions.add(closing.tail(this.keys.events("quiet"), "quiet", 0).subscribe());
			RedisCommands<String, String> redis = own.strings().sync();
			await().atMost(TIMEOUT).until(() -> info(redis, "clients", "blocked_clients") == 1);

			try (LogCapture log = LogCapture.of(RedisStreamTailer.class)) {
				// the unblock that close() sends goes nowhere: the blocked read fails when its
				// connection closes, as at a shutdown that closes the connections right away
				control.close();
				closing.close();
				own.close();
				// several times the first retry delay
				RedisTesting.sleep(700);
				assertThat(log.messages(Level.WARNING)).as("nothing to warn about at a normal shutdown").isEmpty();
			}
			try (RedisConnections check = new RedisConnections(server.url(), Duration.ofSeconds(2))) {
				assertThat(info(check.strings().sync(), "clients", "blocked_clients")).as("the read ended").isZero();
			}
		}
		catch (RuntimeException | AssertionError ex) {
			quietly(control);
			quietly(own);
			throw ex;
		}
	}

	private static void quietly(RedisConnections connections) {
		try {
			connections.close();
		}
		catch (RuntimeException ex) {
			// closed already
		}
	}

	private static long xreadCalls(RedisCommands<String, String> redis) {
		Matcher matcher = Pattern.compile("cmdstat_xread:calls=(\\d+)").matcher(redis.info("commandstats"));
		return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
	}

	private static long info(RedisCommands<String, String> redis, String section, String field) {
		Matcher matcher = Pattern.compile("(?m)^" + field + ":(\\d+)").matcher(redis.info(section));
		assertThat(matcher.find()).as(field + " in INFO " + section).isTrue();
		return Long.parseLong(matcher.group(1));
	}

}
