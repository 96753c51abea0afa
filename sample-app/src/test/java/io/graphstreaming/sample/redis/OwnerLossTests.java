package io.graphstreaming.sample.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.sample.SampleApplication;
import io.graphstreaming.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Kill the owner mid-run (a real {@code kill -9} of a separate JVM) and the execution
 * goes on on another instance: from its newest checkpoint with a continuous sequence
 * ({@code CheckpointRestored} first), or, without a checkpoint, ending with
 * {@code ExecutionFailed} ({@code OwnerLost}). The consumer streams from the surviving
 * instance, whose replica tails Redis, so its one SSE connection sees it all.
 *
 * <p>Note on settings: the takeover uses the checkpoint store of the graph on the
 * instance that takes over (B here), so B has checkpoints on (the redis profile); the
 * owner's {@code checkpoints.enabled} decides whether there is anything to continue from.
 */
class OwnerLossTests {

	private static final String PREFIX = "ownerloss";

	private static final Duration LEASE = Duration.ofMillis(1500);

	static final JsonMapper JSON = JsonMapper.builder().build();

	static RedisServer redis;

	static SampleInstances instances;

	static String b;

	private @Nullable Owner owner;

	@BeforeAll
	static void start() {
		redis = RedisServer.start();
		instances = new SampleInstances(redis, PREFIX);
		b = instances.start("b");
	}

	@AfterAll
	static void stop() {
		if (instances != null) {
			instances.close();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@AfterEach
	void killOwner() {
		Owner current = this.owner;
		if (current != null) {
			current.kill();
		}
	}

	@Test
	void killedOwnerIsContinuedFromItsCheckpointWithAContinuousSequence() throws Exception {
		Owner dead = launch("owner");
		try {
			String id = startSynthetic(dead.url, "{\"input\":{\"nodes\":12,\"delayMs\":150}}");
			List<SseEvent> events = new ArrayList<>();
			long killedAt = 0;
			int ownerEvents = -1;
			try (SseEvents stream = SseEvents.open(b + "/graphs/synthetic/executions/" + id + "/stream", null)) {
				int completed = 0;
				int checkpoints = 0;
				SseEvent event;
				while ((event = stream.next(Duration.ofSeconds(20))) != null) {
					events.add(event);
					switch (event.type()) {
						case "NodeCompleted" -> completed++;
						case "CheckpointCreated" -> checkpoints++;
						default -> {
						}
					}
					// kill right after a step started (its 150 ms ahead), not near a checkpoint
					if (killedAt == 0 && completed >= 4 && checkpoints >= 1 && event.type().equals("NodeStarted")) {
						killedAt = System.nanoTime();
						dead.kill();
						ownerEvents = events.size();
						System.out.println("[owner-loss] killed the owner (kill -9) after sequence "
								+ event.sequence() + " (" + completed + " NodeCompleted, " + checkpoints
								+ " CheckpointCreated seen on B)");
					}
				}
				assertThat(stream.error()).as("the SSE connection to B ended with an error").isNull();
			}
			print(events);
			assertThat(killedAt).as("the owner was killed mid-run").isNotZero();
			assertContiguous(events);
			SseEvent last = events.get(events.size() - 1);
			assertThat(last.type()).as("one connection to B, never reconnected, ends with the terminal event")
				.isEqualTo("ExecutionCompleted");
			assertThat(events).filteredOn((event) -> event.type().equals("ExecutionStarted")).hasSize(1);
			List<SseEvent> restored = events.stream().filter((event) -> event.type().equals("CheckpointRestored")).toList();
			assertThat(restored).as("exactly one CheckpointRestored").hasSize(1);
			SseEvent restore = restored.get(0);
			int restoreIndex = events.indexOf(restore);
			// right after the last event the dead owner wrote (those after the kill, if any, were in flight)
			assertThat(restoreIndex).as("events that arrived after the kill but before the takeover")
				.isBetween(ownerEvents, ownerEvents + 2);
			List<SseEvent> beforeRestore = events.subList(0, restoreIndex);
			List<SseEvent> afterRestore = events.subList(restoreIndex + 1, events.size());
			long delay = TimeUnit.NANOSECONDS.toMillis(restore.receivedAt() - killedAt);
			System.out.println("[owner-loss] the stream on B continued " + delay + " ms after the kill (lease "
					+ LEASE.toMillis() + " ms, scan every " + LEASE.toMillis() / 2 + " ms)");
			assertThat(delay).as("takeover latency in ms").isLessThan(LEASE.toMillis() * 4);
			// from the newest checkpoint the owner wrote
			SseEvent newestCheckpoint = lastOfType(beforeRestore, "CheckpointCreated");
			assertThat(restore.data().get("checkpointId").asString())
				.isEqualTo(newestCheckpoint.data().get("checkpointId").asString());
			assertThat(restore.data().get("nodeId").asString())
				.isEqualTo(newestCheckpoint.data().get("nodeId").asString());
			int checkpointStep = lastOfType(beforeRestore.subList(0, beforeRestore.indexOf(newestCheckpoint)),
					"NodeCompleted")
				.data()
				.get("output")
				.get("step")
				.asInt();
			List<Integer> stepsBefore = steps(beforeRestore);
			List<Integer> stepsAfter = steps(afterRestore);
			System.out.println("[owner-loss] steps before the kill " + stepsBefore + ", restored at step "
					+ checkpointStep + ", steps after " + stepsAfter);
			assertThat(stepsBefore).isEqualTo(range(1, stepsBefore.size()));
			assertThat(stepsAfter).as("the steps after the restore continue from the checkpoint's")
				.isEqualTo(range(checkpointStep + 1, 12));
			assertThat(afterRestore).filteredOn((event) -> event.type().equals("ExecutionStarted")).isEmpty();
			assertThat(last.data().get("output").get("step").asInt()).isEqualTo(12);
			// the status on B, and the stream as Redis keeps it: the same events again
			JsonNode status = json(get(b + "/graphs/synthetic/executions/" + id).body());
			assertThat(status.get("status").asString()).isEqualTo("completed");
			assertThat(status.get("eventCount").asLong()).isEqualTo(events.size());
			assertRedisStreamIs(redis, PREFIX, id, events);
			try (SseEvents replay = SseEvents.open(b + "/graphs/synthetic/executions/" + id + "/stream", null)) {
				List<SseEvent> again = replay.all(Duration.ofSeconds(10));
				assertThat(again.stream().map(SseEvent::data).toList())
					.isEqualTo(events.stream().map(SseEvent::data).toList());
			}
		}
		catch (AssertionError | RuntimeException ex) {
			dead.printLogTail();
			throw ex;
		}
	}

	@Test
	void killedOwnerWithoutCheckpointEndsWithOwnerLost() throws Exception {
		Owner dead = launch("owner-no-checkpoints", "--graph.streaming.checkpoints.enabled=false");
		try {
			String id = startSynthetic(dead.url, "{\"input\":{\"nodes\":12,\"delayMs\":150}}");
			List<SseEvent> events = new ArrayList<>();
			long killedAt = 0;
			int ownerEvents = -1;
			try (SseEvents stream = SseEvents.open(b + "/graphs/synthetic/executions/" + id + "/stream", null)) {
				int completed = 0;
				SseEvent event;
				while ((event = stream.next(Duration.ofSeconds(20))) != null) {
					events.add(event);
					if (event.type().equals("NodeCompleted")) {
						completed++;
					}
					if (killedAt == 0 && completed >= 2 && event.type().equals("NodeStarted")) {
						killedAt = System.nanoTime();
						dead.kill();
						ownerEvents = events.size();
						System.out.println("[owner-loss] killed the owner without checkpoints after sequence "
								+ event.sequence());
					}
				}
				assertThat(stream.error()).isNull();
			}
			print(events);
			assertThat(killedAt).isNotZero();
			assertContiguous(events);
			assertThat(events).extracting(SseEvent::type)
				.doesNotContain("CheckpointCreated", "CheckpointRestored", "ExecutionCompleted");
			SseEvent last = events.get(events.size() - 1);
			assertThat(last.type()).isEqualTo("ExecutionFailed");
			assertThat(events.indexOf(last)).isBetween(ownerEvents, ownerEvents + 2);
			assertThat(last.data().get("errorType").asString()).isEqualTo("OwnerLost");
			assertThat(last.data().get("errorMessage").asString()).startsWith("owner lost");
			assertThat(last.data().get("errorMessage").asString()).contains("owner-no-checkpoints");
			long delay = TimeUnit.NANOSECONDS.toMillis(last.receivedAt() - killedAt);
			System.out.println("[owner-loss] ExecutionFailed (OwnerLost) reached B " + delay + " ms after the kill: "
					+ last.data());
			assertThat(delay).isLessThan(LEASE.toMillis() * 4);
			JsonNode status = json(get(b + "/graphs/synthetic/executions/" + id).body());
			assertThat(status.get("status").asString()).isEqualTo("failed");
			assertRedisStreamIs(redis, PREFIX, id, events);
		}
		catch (AssertionError | RuntimeException ex) {
			dead.printLogTail();
			throw ex;
		}
	}

	private Owner launch(String instanceId, String... extra) throws IOException {
		long started = System.nanoTime();
		Owner launched = Owner.launch(instanceId, redis.url(), PREFIX, LEASE, extra);
		this.owner = launched;
		launched.awaitReady(Duration.ofSeconds(60));
		System.out.println("[owner-loss] owner process " + instanceId + " ready in "
				+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
		return launched;
	}

	static String startSynthetic(String base, String body) {
		HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(base + "/graphs/synthetic/executions"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)), HttpResponse.BodyHandlers.ofString());
		assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
		return json(created.body()).get("executionId").asString();
	}

	static HttpResponse<String> get(String url) {
		return send(HttpRequest.newBuilder(URI.create(url)).header("Accept-Encoding", "identity").GET(),
				HttpResponse.BodyHandlers.ofString());
	}

	/** One new connection per request (see SampleHttp on Reactor Netty keep-alive). */
	static <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
		try {
			HttpClient client = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(Duration.ofSeconds(5))
				.build();
			return client.send(request.timeout(Duration.ofSeconds(30)).build(), handler);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static JsonNode json(String text) {
		return JSON.readTree(text);
	}

	static void assertContiguous(List<SseEvent> events) {
		assertThat(events).isNotEmpty();
		String executionId = events.get(0).data().get("executionId").asString();
		for (int i = 0; i < events.size(); i++) {
			SseEvent event = events.get(i);
			assertThat(event.sequence()).as("sequence of event %d (%s), all: %s", i, event.type(), sequences(events))
				.isEqualTo(i + 1);
			assertThat(event.id()).isEqualTo(executionId + ":" + (i + 1));
			assertThat(event.data().get("sequence").asLong()).isEqualTo(i + 1);
			assertThat(event.data().get("eventType").asString()).isEqualTo(event.type());
		}
	}

	/**
	 * The execution's stream as Redis holds it ({@code XRANGE}): its entries' event types
	 * by sequence, which must be exactly the events the consumer saw (nothing written after
	 * the terminal event by an instance that lost the run, no gap).
	 */
	static void assertRedisStreamIs(RedisServer server, String keyPrefix, String executionId, List<SseEvent> seen) {
		RedisClient client = RedisClient.create(server.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			List<StreamMessage<String, String>> entries = connection.sync()
				.xrange(keyPrefix + ":events:" + executionId, Range.create("-", "+"));
			List<String> stored = new ArrayList<>();
			for (StreamMessage<String, String> entry : entries) {
				JsonNode event = json(entry.getBody().get("e"));
				stored.add(entry.getId() + " " + event.get("sequence").asLong() + " " + event.get("eventType").asString());
			}
			List<String> expected = seen.stream()
				.map((event) -> "0-" + event.sequence() + " " + event.sequence() + " " + event.type())
				.toList();
			assertThat(stored).as("the Redis stream of %s", executionId).isEqualTo(expected);
		}
		finally {
			client.shutdown();
		}
	}

	/**
	 * What Redis holds of an execution, for failure reports: its stream (sequence and type
	 * of each entry), its registry hash and its lease.
	 */
	static String describeRedis(RedisServer server, String keyPrefix, String executionId) {
		RedisClient client = RedisClient.create(server.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			StringBuilder text = new StringBuilder("Redis stream of " + executionId + ":");
			for (StreamMessage<String, String> entry : connection.sync()
				.xrange(keyPrefix + ":events:" + executionId, Range.create("-", "+"))) {
				JsonNode event = json(entry.getBody().get("e"));
				text.append(' ').append(entry.getId()).append('=').append(event.get("eventType").asString());
				if (event.has("errorType")) {
					text.append('(').append(event.get("errorType").asString()).append(')');
				}
			}
			text.append("\nregistry hash: ").append(connection.sync().hgetall(keyPrefix + ":execution:" + executionId));
			text.append("\nlease: ").append(connection.sync().get(keyPrefix + ":lease:" + executionId));
			text.append("\nrunning: ").append(connection.sync().smembers(keyPrefix + ":running"));
			return text.toString();
		}
		catch (RuntimeException ex) {
			return "(could not read Redis: " + ex + ")";
		}
		finally {
			client.shutdown();
		}
	}

	static List<Long> sequences(List<SseEvent> events) {
		return events.stream().map(SseEvent::sequence).toList();
	}

	static List<Integer> steps(List<SseEvent> events) {
		return events.stream()
			.filter((event) -> event.type().equals("NodeCompleted"))
			.map((event) -> event.data().get("output").get("step").asInt())
			.toList();
	}

	static List<Integer> range(int from, int to) {
		List<Integer> values = new ArrayList<>();
		for (int i = from; i <= to; i++) {
			values.add(i);
		}
		return values;
	}

	static SseEvent lastOfType(List<SseEvent> events, String type) {
		for (int i = events.size() - 1; i >= 0; i--) {
			if (events.get(i).type().equals(type)) {
				return events.get(i);
			}
		}
		throw new AssertionError("no " + type + " in " + events.stream().map(SseEvent::type).toList());
	}

	static void print(List<SseEvent> events) {
		StringBuilder text = new StringBuilder();
		for (SseEvent event : events) {
			text.append(event.sequence()).append(' ').append(event.type());
			JsonNode node = event.data().get("nodeId");
			if (node != null) {
				text.append('(').append(node.asString()).append(')');
			}
			text.append("  ");
		}
		System.out.println("[events] " + text);
	}

	/**
	 * The owner: the sample app in its own JVM (same class path as this test), so that it
	 * can really be killed.
	 */
	static final class Owner {

		final String url;

		private final Process process;

		private final Path log;

		private final Thread reaper;

		private Owner(String url, Process process, Path log) {
			this.url = url;
			this.process = process;
			this.log = log;
			this.reaper = new Thread(process::destroyForcibly, "kill owner on exit");
			Runtime.getRuntime().addShutdownHook(this.reaper);
		}

		static Owner launch(String instanceId, String redisUrl, String keyPrefix, Duration lease, String... extra)
				throws IOException {
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				port = socket.getLocalPort();
			}
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
					"-Xmx256m", "-Dreactor.netty.http.server.lastFlushWhenNoRead=true", "-cp",
					System.getProperty("java.class.path"), SampleApplication.class.getName(),
					"--spring.profiles.active=redis", "--server.port=" + port,
					"--graph.streaming.journal.redis.url=" + redisUrl,
					"--graph.streaming.journal.redis.key-prefix=" + keyPrefix,
					"--graph.streaming.journal.redis.instance-id=" + instanceId,
					"--graph.streaming.journal.redis.lease=" + lease.toMillis() + "ms",
					"--graph.streaming.web.max-executions-per-minute-per-client=100000",
					"--spring.main.banner-mode=off"));
			command.addAll(List.of(extra));
			Path directory = Path.of("target", "owner-processes");
			Files.createDirectories(directory);
			Path log = directory.resolve(instanceId + ".log");
			Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
			return new Owner("http://localhost:" + port, process, log);
		}

		void awaitReady(Duration timeout) {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (System.nanoTime() < deadline) {
				if (!this.process.isAlive()) {
					printLogTail();
					fail("the owner process exited with " + this.process.exitValue());
				}
				try {
					HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(this.url + "/graphs")).GET(),
							HttpResponse.BodyHandlers.ofString());
					if (response.statusCode() == 200) {
						return;
					}
				}
				catch (UncheckedIOException ex) {
					// not listening yet
				}
				sleep(200);
			}
			printLogTail();
			kill();
			fail("the owner process did not answer GET /graphs within " + timeout);
		}

		void kill() {
			if (this.process.isAlive()) {
				this.process.destroyForcibly();
				try {
					this.process.waitFor(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			try {
				Runtime.getRuntime().removeShutdownHook(this.reaper);
			}
			catch (IllegalStateException ex) {
				// shutting down
			}
		}

		void printLogTail() {
			try {
				List<String> lines = Files.readAllLines(this.log);
				System.out.println("---- last lines of " + this.log.toAbsolutePath() + " ----");
				lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(System.out::println);
				System.out.println("----");
			}
			catch (IOException ex) {
				System.out.println("(no owner log: " + ex + ")");
			}
		}

	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * One event frame as received.
	 *
	 * @param id the {@code id:} line
	 * @param sequence its sequence part
	 * @param type the {@code event:} line
	 * @param data the {@code data:} JSON
	 * @param receivedAt {@link System#nanoTime()} when it arrived
	 */
	record SseEvent(String id, long sequence, String type, JsonNode data, long receivedAt) {
	}

	/**
	 * One SSE connection read on a thread of its own, its frames queued as they arrive
	 * (comments such as heartbeats skipped).
	 */
	static final class SseEvents implements AutoCloseable {

		private static final Object END = new Object();

		private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

		private final Stream<String> lines;

		private volatile @Nullable Throwable error;

		private boolean ended;

		private SseEvents(Stream<String> lines) {
			this.lines = lines;
			Thread reader = new Thread(this::read, "sse-reader");
			reader.setDaemon(true);
			reader.start();
		}

		/**
		 * Opens a stream.
		 * @param url the stream URL
		 * @param lastEventId the {@code Last-Event-ID} header, if any
		 * @return the open stream (its status was 200)
		 */
		static SseEvents open(String url, @Nullable String lastEventId) {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
				.header("Accept", "text/event-stream")
				.header("Accept-Encoding", "identity")
				.GET();
			if (lastEventId != null) {
				request.header("Last-Event-ID", lastEventId);
			}
			try {
				HttpResponse<Stream<String>> response = HttpClient.newBuilder()
					.version(HttpClient.Version.HTTP_1_1)
					.connectTimeout(Duration.ofSeconds(5))
					.build()
					.send(request.build(), HttpResponse.BodyHandlers.ofLines());
				if (response.statusCode() != 200) {
					String body = String.join("\n", response.body().toList());
					throw new AssertionError("GET " + url + " answered " + response.statusCode() + ": " + body);
				}
				return new SseEvents(response.body());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		private void read() {
			String id = null;
			String type = null;
			StringBuilder data = new StringBuilder();
			try {
				for (String line : (Iterable<String>) this.lines::iterator) {
					if (line.isEmpty()) {
						if (data.length() > 0 && id != null && type != null) {
							long sequence = Long.parseLong(id.substring(id.lastIndexOf(':') + 1));
							this.queue.add(new SseEvent(id, sequence, type, json(data.toString()), System.nanoTime()));
						}
						id = null;
						type = null;
						data.setLength(0);
					}
					else if (line.startsWith("id:")) {
						id = value(line);
					}
					else if (line.startsWith("event:")) {
						type = value(line);
					}
					else if (line.startsWith("data:")) {
						if (data.length() > 0) {
							data.append('\n');
						}
						data.append(value(line));
					}
				}
			}
			catch (RuntimeException ex) {
				this.error = ex;
			}
			finally {
				this.queue.add(END);
			}
		}

		private static String value(String line) {
			String value = line.substring(line.indexOf(':') + 1);
			return value.startsWith(" ") ? value.substring(1) : value;
		}

		/**
		 * The next event.
		 * @param timeout the longest wait
		 * @return the event, or {@code null} once the connection has ended
		 */
		@Nullable SseEvent next(Duration timeout) throws InterruptedException {
			if (this.ended) {
				return null;
			}
			Object next = this.queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (next == null) {
				throw new AssertionError("no event and no end of the stream within " + timeout);
			}
			if (next == END) {
				this.ended = true;
				return null;
			}
			return (SseEvent) next;
		}

		/** Every event until the connection ends. */
		List<SseEvent> all(Duration timeout) throws InterruptedException {
			List<SseEvent> events = new ArrayList<>();
			SseEvent event;
			while ((event = next(timeout)) != null) {
				events.add(event);
			}
			return events;
		}

		/** Why the connection ended, if not normally. */
		@Nullable Throwable error() {
			return this.error;
		}

		@Override
		public void close() {
			this.lines.close();
		}

	}

}
