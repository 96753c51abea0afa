package io.graphstreaming.benchmarks.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.journal.ConsumerListener;
import io.graphstreaming.core.journal.ConsumerSpec;
import io.graphstreaming.core.journal.ExecutionJournal;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.redis.RedisConnections;
import io.graphstreaming.redis.RedisKeys;
import io.graphstreaming.redis.journal.LeaseFence;
import io.graphstreaming.redis.journal.RedisEventLog;
import io.graphstreaming.redis.journal.RedisStreamTailer;
import io.graphstreaming.spring.json.GraphEventJsonReader;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.json.JsonEventSerializer;
import io.graphstreaming.testsupport.RedisServer;

/**
 * The journal's append and tail throughput on Redis Streams against the in-memory
 * journal, side by side in one run (issue 11). Starts its own {@code redis-server} on a
 * free port (or uses {@code --url=redis://...}) on the same machine, so Redis shares the
 * two cores with this JVM, as it would on a small host.
 *
 * <ul>
 * <li><b>append</b>: one execution's events appended in order. In memory: objects into
 * the journal. Redis: what the owner's writer does, JSON-serialize and {@code XADD}
 * pipelined in batches of {@code --batch} (natural batching under load), waiting for
 * each batch's acknowledgement before the next.</li>
 * <li><b>tail</b>: reading those events back from the first. In memory: a cursor over
 * the journal. Redis: the multiplexed {@code XREAD} tailer, decoding each entry's JSON
 * back into an event (what a replica does).</li>
 * <li><b>parallel append</b>: {@code --executions} executions appending at once, each
 * with its own stream; the Redis aggregate shows what one instance can write.</li>
 * </ul>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.graphstreaming.benchmarks.redis.RedisJournalThroughput [--events=100000]
 * [--rounds=5] [--batch=256] [--executions=20] [--fsync=everysec|always|no]}: the
 * append-only file's fsync policy of the server it starts ({@code everysec}, Redis's
 * usual production setting, by default).
 */
public final class RedisJournalThroughput {

	/** The writer's lease token: every append checks it in its script, as in production. */
	private static final LeaseFence FENCE = new LeaseFence("bench/1", Duration.ofMinutes(5));

	private RedisJournalThroughput() {
	}

	public static void main(String[] args) throws Exception {
		int events = intArg(args, "events", 100_000);
		int rounds = intArg(args, "rounds", 5);
		int batch = intArg(args, "batch", 256);
		int executions = intArg(args, "executions", 20);
		String url = stringArg(args, "url", null);
		JsonMapper mapper = new JsonMapper();
		JsonEventSerializer serializer = new JsonEventSerializer(new GraphEventJsonWriter(mapper),
				new GraphEventJsonReader(mapper));
		String fsync = stringArg(args, "fsync", "everysec");
		RedisServer server = (url == null) ? RedisServer.start("--appendfsync", fsync) : null;
		String redisUrl = (url != null) ? url : server.url();
		System.out.printf("events=%d rounds=%d batch=%d executions=%d redis=%s%n", events, rounds, batch, executions,
				(server != null) ? "own redis-server, AOF appendfsync " + fsync : url);
		try (RedisConnections connections = new RedisConnections(redisUrl, Duration.ofSeconds(30))) {
			RedisKeys keys = new RedisKeys("bench");
			RedisEventLog log = new RedisEventLog(connections.binary().async(), keys, serializer);
			RedisStreamTailer tailer = new RedisStreamTailer(connections.blocking(), connections.strings().async(),
					Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofSeconds(1), Schedulers.parallel());
			for (int round = 0; round <= rounds; round++) {
				boolean warmup = round == 0;
				String id = "exec-" + round;
				List<GraphExecutionEvent> source = events(id, events);
				double memoryAppend = timed(events, () -> appendInMemory(id, source));
				ExecutionJournal journal = appendInMemory(id, source);
				double memoryTail = timed(events, () -> tailInMemory(journal, events));
				double redisAppend = timed(events, () -> appendToRedis(log, id, source, batch));
				double redisTail = timed(events, () -> tailFromRedis(tailer, log, keys, id, events));
				int current = round;
				double redisParallel = timed((long) events, () -> appendInParallel(log, current, events, executions, batch));
				connections.strings().sync().flushall();
				String row = String.format("%-8s append: memory %,12.0f/s  redis %,10.0f/s (%.1f%%) | tail: memory %,12.0f/s"
						+ "  redis %,10.0f/s (%.1f%%) | redis append, %d executions at once: %,10.0f/s",
						warmup ? "warmup" : "round " + round, memoryAppend, redisAppend, 100 * redisAppend / memoryAppend,
						memoryTail, redisTail, 100 * redisTail / memoryTail, executions, redisParallel);
				System.out.println(row);
			}
			tailer.close();
		}
		finally {
			if (server != null) {
				server.close();
			}
		}
	}

	private static List<GraphExecutionEvent> events(String executionId, int count) {
		List<GraphExecutionEvent> events = new ArrayList<>(count);
		Instant now = Instant.now();
		for (int i = 1; i <= count; i++) {
			events.add(new NodeCompletedEvent(executionId, "bench", i, now, "node-" + (i % 7), Duration.ofMillis(3),
					Map.of("answer", "value " + i, "step", i)));
		}
		return events;
	}

	private static ExecutionJournal appendInMemory(String id, List<GraphExecutionEvent> events) {
		ExecutionJournal journal = new ExecutionJournal(id, events.size(), ExecutionJournal.PauseListener.NONE);
		for (GraphExecutionEvent event : events) {
			journal.append(event);
		}
		return journal;
	}

	private static void tailInMemory(ExecutionJournal journal, int events) {
		ConsumerSpec spec = new ConsumerSpec(0, EventFilter.all(), OverflowPolicy.BLOCK, 1024, 1024, 1,
				Duration.ofMillis(10), Schedulers.immediate(), ConsumerListener.NONE);
		Long count = journal.consume(spec).take(events).count().block();
		check(count, events);
	}

	private static void appendToRedis(RedisEventLog log, String id, List<GraphExecutionEvent> events, int batch) {
		for (int from = 0; from < events.size(); from += batch) {
			List<JournalEntry> entries = new ArrayList<>(batch);
			for (int i = from; i < Math.min(events.size(), from + batch); i++) {
				entries.add(new JournalEntry(events.get(i)));
			}
			log.append(id, entries, FENCE, events.size(), Duration.ofMinutes(5)).toCompletableFuture().join();
		}
	}

	private static void tailFromRedis(RedisStreamTailer tailer, RedisEventLog log, RedisKeys keys, String id,
			int events) {
		Long count = tailer.tail(keys.events(id), id, 0).map(log::decode).take(events).count().block();
		check(count, events);
	}

	private static void appendInParallel(RedisEventLog log, int round, int events, int executions, int batch) {
		int each = events / executions;
		List<CompletableFuture<Void>> writers = new ArrayList<>();
		for (int e = 0; e < executions; e++) {
			String id = "parallel-" + round + "-" + e;
			List<GraphExecutionEvent> source = events(id, each);
			writers.add(CompletableFuture.runAsync(() -> appendToRedis(log, id, source, batch)));
		}
		CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).join();
	}

	private static double timed(long events, Runnable work) {
		long start = System.nanoTime();
		work.run();
		long nanos = System.nanoTime() - start;
		return events * 1e9 / nanos;
	}

	private static void check(Long count, int expected) {
		if (count == null || count != expected) {
			throw new IllegalStateException("Expected " + expected + " events but read " + count);
		}
	}

	private static int intArg(String[] args, String name, int fallback) {
		String value = stringArg(args, name, null);
		return (value != null) ? Integer.parseInt(value) : fallback;
	}

	private static String stringArg(String[] args, String name, String fallback) {
		for (String arg : args) {
			if (arg.startsWith("--" + name + "=")) {
				return arg.substring(name.length() + 3);
			}
		}
		return fallback;
	}

}
