package io.graphstreaming.sample.redis;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.graphstreaming.sample.redis.OwnerLossTests.SseEvent;
import io.graphstreaming.sample.redis.OwnerLossTests.SseEvents;
import io.graphstreaming.testsupport.RedisServer;

import static io.graphstreaming.sample.redis.OwnerLossTests.assertContiguous;
import static io.graphstreaming.sample.redis.OwnerLossTests.assertRedisStreamIs;
import static io.graphstreaming.sample.redis.OwnerLossTests.describeRedis;
import static io.graphstreaming.sample.redis.OwnerLossTests.get;
import static io.graphstreaming.sample.redis.OwnerLossTests.json;
import static io.graphstreaming.sample.redis.OwnerLossTests.print;
import static io.graphstreaming.sample.redis.OwnerLossTests.sleep;
import static io.graphstreaming.sample.redis.OwnerLossTests.startSynthetic;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis restarted mid-run (SHUTDOWN, down for 2 s, started again on its append-only file)
 * loses nothing under the lossless policy: the owner's journal writer retries while Redis
 * is down (the run pauses once its local journal is full), the consumer's stream goes on
 * (reconnecting with {@code Last-Event-ID} if its connection ended), and ends with every
 * event exactly once. The Redis journal health component is DOWN meanwhile.
 *
 * <p>This class has a Redis of its own: it restarts it.
 */
class RedisRestartTests {

	private static final String HEALTH_COMPONENT = "graphStreamingRedis";

	private static final int STEPS = 30;

	private static final String PREFIX = "restart";

	static RedisServer redis;

	static SampleInstances instances;

	static String a;

	static String b;

	@BeforeAll
	static void start() {
		redis = RedisServer.start();
		instances = new SampleInstances(redis, PREFIX);
		a = instances.start("a");
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

	@Test
	void redisRestartedMidRunLosesNothing() throws Exception {
		String[] execution = new String[1];
		try {
			restartMidRun(execution);
		}
		catch (AssertionError | RuntimeException ex) {
			if (execution[0] != null) {
				System.out.println("[redis-restart] " + describeRedis(redis, PREFIX, execution[0]));
			}
			throw ex;
		}
	}

	private void restartMidRun(String[] execution) throws Exception {
		HttpResponse<String> healthy = get(a + "/actuator/health");
		assertThat(healthy.statusCode()).as(healthy.body()).isEqualTo(200);
		assertThat(component(healthy).get("status").asString()).isEqualTo("UP");

		String id = startSynthetic(a, "{\"input\":{\"nodes\":" + STEPS + ",\"delayMs\":100,\"chunks\":2}}");
		execution[0] = id;
		String path = "/graphs/synthetic/executions/" + id + "/stream";
		List<SseEvent> events = new ArrayList<>();
		List<String> connections = new ArrayList<>(List.of("B from the start"));
		SseEvents stream = SseEvents.open(b + path, null);
		try {
			// mid-run: after a few steps
			int completed = 0;
			while (completed < 5) {
				SseEvent event = stream.next(Duration.ofSeconds(20));
				assertThat(event).as("the stream ended early: %s", types(events)).isNotNull();
				events.add(event);
				if (event.type().equals("NodeCompleted")) {
					completed++;
				}
			}
			long restartAt = System.nanoTime();
			System.out.println("[redis-restart] restarting Redis after sequence " + events.get(events.size() - 1).sequence());
			Thread restart = new Thread(() -> redis.restart(Duration.ofSeconds(2)), "redis-restart");
			restart.start();

			// while it is down: the Redis journal component is DOWN, the overall status 503
			JsonNode down = null;
			while (down == null && restart.isAlive()) {
				HttpResponse<String> health = get(a + "/actuator/health");
				if (health.statusCode() == 503) {
					down = json(health.body());
					System.out.println("[redis-restart] health on A " + ms(restartAt) + " ms after the restart began: 503 "
							+ health.body());
					assertThat(component(health).get("status").asString()).isEqualTo("DOWN");
				}
				else {
					sleep(50);
				}
			}
			assertThat(down).as("A's health was DOWN (503) while Redis was down").isNotNull();
			restart.join(TimeUnit.SECONDS.toMillis(30));
			assertThat(restart.isAlive()).isFalse();
			long upAgainAt = System.nanoTime();
			System.out.println("[redis-restart] Redis answers again " + ms(restartAt) + " ms after the restart began");

			// and UP again after
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
			HttpResponse<String> health = get(a + "/actuator/health");
			while (health.statusCode() != 200 && System.nanoTime() < deadline) {
				sleep(100);
				health = get(a + "/actuator/health");
			}
			assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
			assertThat(component(health).get("status").asString()).isEqualTo("UP");
			System.out.println("[redis-restart] health on A UP again " + ms(upAgainAt) + " ms after Redis came back");

			// the rest of the stream, reconnecting (to A or B, in turn) when a connection ends early
			int reconnects = 0;
			while (!terminal(events)) {
				SseEvent event = stream.next(Duration.ofSeconds(20));
				if (event != null) {
					events.add(event);
					continue;
				}
				assertThat(stream.error()).as("connection %d ended with an error", connections.size()).isNull();
				assertThat(++reconnects).as("reconnects").isLessThanOrEqualTo(10);
				String lastId = events.isEmpty() ? null : events.get(events.size() - 1).id();
				boolean toA = reconnects % 2 == 1;
				stream = reopen((toA ? a : b) + path, lastId);
				connections.add((toA ? "A" : "B") + " after " + lastId);
			}
			System.out.println("[redis-restart] terminal event " + ms(upAgainAt) + " ms after Redis came back; connections: "
					+ connections);
		}
		finally {
			stream.close();
		}
		print(events);
		assertContiguous(events);
		// a moment for any late write (an instance that lost the run must not add to its stream)
		sleep(1000);
		assertRedisStreamIs(redis, PREFIX, id, events);
		SseEvent last = events.get(events.size() - 1);
		assertThat(last.type()).as("the last event: %s", last.data()).isEqualTo("ExecutionCompleted");
		assertThat(last.data().get("output").get("step").asInt()).isEqualTo(STEPS);
		assertThat(events).filteredOn((event) -> event.type().equals("ExecutionStarted")).hasSize(1);
		int restores = assertStepsFollowCheckpoints(events);
		System.out.println("[redis-restart] CheckpointRestored events (takeovers): " + restores);
		// the owner was alive all along: it keeps the run (no takeover once Redis is back)
		assertThat(restores).as("takeovers of a run whose owner never stopped").isZero();
		// every chunk of every step, once, in order
		List<String> expectedChunks = new ArrayList<>();
		for (int step = 0; step < STEPS; step++) {
			expectedChunks.add("step " + step + " chunk 0");
			expectedChunks.add("step " + step + " chunk 1");
		}
		assertThat(events.stream()
			.filter((event) -> event.type().equals("NodeOutputChunk"))
			.map((event) -> event.data().get("chunk").asString())
			.toList()).isEqualTo(expectedChunks);
		JsonNode status = json(get(b + "/graphs/synthetic/executions/" + id).body());
		assertThat(status.get("status").asString()).isEqualTo("completed");
		assertThat(status.get("eventCount").asLong()).isEqualTo(events.size());
		// Redis kept it all: a fresh replay from A is the same stream
		try (SseEvents replay = SseEvents.open(a + path, null)) {
			assertThat(replay.all(Duration.ofSeconds(10)).stream().map(SseEvent::data).toList())
				.isEqualTo(events.stream().map(SseEvent::data).toList());
		}
	}

	/**
	 * Steps complete 1, 2, 3...; after a {@code CheckpointRestored} they continue from the
	 * step of the checkpoint it names, which must be one the stream announced.
	 * @return how many restores there were
	 */
	private static int assertStepsFollowCheckpoints(List<SseEvent> events) {
		Map<String, Integer> checkpointSteps = new HashMap<>();
		int done = 0;
		int restores = 0;
		for (SseEvent event : events) {
			switch (event.type()) {
				case "NodeCompleted" -> {
					int step = event.data().get("output").get("step").asInt();
					assertThat(step).as("step completed at sequence %d", event.sequence()).isEqualTo(done + 1);
					done = step;
				}
				case "CheckpointCreated" -> checkpointSteps.put(event.data().get("checkpointId").asString(), done);
				case "CheckpointRestored" -> {
					restores++;
					String checkpoint = event.data().get("checkpointId").asString();
					assertThat(checkpointSteps).as("the restored checkpoint was announced by CheckpointCreated")
						.containsKey(checkpoint);
					done = checkpointSteps.get(checkpoint);
				}
				default -> {
				}
			}
		}
		assertThat(done).isEqualTo(STEPS);
		return restores;
	}

	private static SseEvents reopen(String url, @Nullable String lastEventId) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
		while (true) {
			try {
				return SseEvents.open(url, lastEventId);
			}
			catch (AssertionError | RuntimeException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				System.out.println("[redis-restart] reconnect to " + url + " failed, retrying: " + ex.getMessage());
				sleep(200);
			}
		}
	}

	private static JsonNode component(HttpResponse<String> health) {
		JsonNode components = json(health.body()).get("components");
		assertThat(components).as(health.body()).isNotNull();
		JsonNode component = components.get(HEALTH_COMPONENT);
		assertThat(component).as("health component %s in %s", HEALTH_COMPONENT, health.body()).isNotNull();
		return component;
	}

	private static boolean terminal(List<SseEvent> events) {
		if (events.isEmpty()) {
			return false;
		}
		String type = events.get(events.size() - 1).type();
		return type.equals("ExecutionCompleted") || type.equals("ExecutionFailed") || type.equals("ExecutionCancelled");
	}

	private static List<String> types(List<SseEvent> events) {
		return events.stream().map(SseEvent::type).toList();
	}

	private static long ms(long since) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
	}

}
