package io.graphstreaming.sample.redis;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scale-out (issue 11): three sample-app instances sharing executions through Redis
 * Streams. An execution started on one instance is streamed, resumed, polled, attached
 * by WebSocket, inspected and cancelled on the others, and 200 executions are consumed
 * with random reconnects to random instances.
 */
class ScaleOutTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String CANCEL_REASON = "cancelled by a DELETE request";

	private static final Set<String> TERMINAL = Set.of("ExecutionCompleted", "ExecutionFailed",
			"ExecutionCancelled");

	private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
	};

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static RedisServer redis;

	static SampleInstances instances;

	static String a;

	static String b;

	static String c;

	static List<String> all;

	static ConnectionProvider connections;

	static WebClient http;

	static ReactorNettyWebSocketClient webSockets;

	@BeforeAll
	static void start() {
		redis = RedisServer.start();
		instances = new SampleInstances(redis, "scale-out");
		a = instances.start("a");
		b = instances.start("b");
		c = instances.start("c");
		all = List.of(a, b, c);
		connections = ConnectionProvider.builder("scale-out-tests")
			.maxConnections(500)
			.pendingAcquireTimeout(TIMEOUT)
			.build();
		http = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections)))
			// Netty's Brotli decoder does not work with our brotli4j: no compression
			.defaultHeader("Accept-Encoding", "identity")
			.build();
		webSockets = new ReactorNettyWebSocketClient(HttpClient.create(connections));
	}

	@AfterAll
	static void stop() {
		if (instances != null) {
			instances.close();
		}
		if (connections != null) {
			connections.dispose();
		}
		if (redis != null) {
			redis.close();
		}
	}

	// ---------------------------------------------------------------- one execution

	@Test
	void sseOnAnotherInstanceDeliversEverySequenceOnceInOrderWithTheOwnersEventJson() {
		String id = startOn(a, Map.of("nodes", 8, "delayMs", 60, "chunks", 2));
		CompletableFuture<List<Event>> onB = sse(b, id, null).collectList().timeout(TIMEOUT).toFuture();
		CompletableFuture<List<Event>> onA = sse(a, id, null).collectList().timeout(TIMEOUT).toFuture();
		List<Event> fromB = onB.join();
		List<Event> fromA = onA.join();

		assertCompleteRun(fromB, 0);
		assertThat(fromB.get(0).type()).isEqualTo("ExecutionStarted");
		assertThat(fromB.get(fromB.size() - 1).type()).isEqualTo("ExecutionCompleted");
		assertThat(fromB).extracting(Event::type).contains("NodeOutputChunk");
		// the same events, byte for byte, as the owner's own consumers get
		assertThat(fromB).extracting(Event::json).containsExactlyElementsOf(fromA.stream().map(Event::json).toList());
	}

	@Test
	void lastEventIdResumesMidRunOnTheSameAndOnAnotherInstanceWithExactlyTheRest() {
		String id = startOn(a, Map.of("nodes", 12, "delayMs", 150));
		int k = 4;
		List<Event> first = sse(b, id, null).take(k).collectList().block(TIMEOUT);
		assertThat(first).extracting(Event::sequence).containsExactly(1L, 2L, 3L, 4L);
		// still running: the reconnects below happen mid-run
		assertThat(statusOn(b, id).get("status").asString()).isEqualTo("running");

		CompletableFuture<List<Event>> againOnB = sse(b, id, (long) k).collectList().timeout(TIMEOUT).toFuture();
		CompletableFuture<List<Event>> onC = sse(c, id, (long) k).collectList().timeout(TIMEOUT).toFuture();
		List<Event> restB = againOnB.join();
		List<Event> restC = onC.join();

		assertCompleteRun(restB, k);
		assertCompleteRun(restC, k);
		assertThat(restB.get(restB.size() - 1).type()).isEqualTo("ExecutionCompleted");
		assertThat(restC).extracting(Event::json).containsExactlyElementsOf(restB.stream().map(Event::json).toList());
		List<Event> whole = new ArrayList<>(first);
		whole.addAll(restB);
		assertCompleteRun(whole, 0);
	}

	@Test
	void longPollAndWebSocketOnAThirdInstanceFollowTheSameExecution() {
		String id = startOn(a, Map.of("nodes", 8, "delayMs", 100, "chunks", 2));
		CompletableFuture<List<Event>> sseOnB = sse(b, id, null).collectList().timeout(TIMEOUT).toFuture();
		List<JsonNode> pages = new CopyOnWriteArrayList<>();
		CompletableFuture<List<Event>> pollOnC = poll(c, id, 3, pages).collectList().timeout(TIMEOUT).toFuture();
		CompletableFuture<WebSocketRun> webSocketOnC = attachByWebSocket(c, id, 0).toFuture();

		List<Event> reference = sseOnB.join();
		List<Event> polled = pollOnC.join();
		WebSocketRun socket = webSocketOnC.join();

		assertCompleteRun(reference, 0);
		assertCompleteRun(polled, 0);
		assertCompleteRun(socket.events(), 0);
		List<String> json = reference.stream().map(Event::json).toList();
		assertThat(polled).extracting(Event::json).containsExactlyElementsOf(json);
		assertThat(socket.events()).extracting(Event::json).containsExactlyElementsOf(json);
		assertThat(socket.close().getCode()).isEqualTo(CloseStatus.NORMAL.getCode());
		// several pages, only the last one completed, and each page's next is its last sequence
		assertThat(pages.size()).isGreaterThan(1);
		for (int i = 0; i < pages.size(); i++) {
			assertThat(pages.get(i).get("completed").asBoolean()).as("page %d completed", i)
				.isEqualTo(i == pages.size() - 1);
		}
		assertThat(pages.get(pages.size() - 1).get("next").asLong()).isEqualTo(reference.size());
	}

	@Test
	void statusAndActuatorAgreeOnEveryInstanceWhileRunningAndWhenCompleted() {
		String id = startOn(a, Map.of("nodes", 10, "delayMs", 200));
		for (String instance : all) {
			JsonNode status = statusOn(instance, id);
			assertThat(status.get("executionId").asString()).as(instance).isEqualTo(id);
			assertThat(status.get("graphId").asString()).as(instance).isEqualTo("synthetic");
			assertThat(status.get("status").asString()).as(instance).isEqualTo("running");
			JsonNode report = actuatorOn(instance, id);
			assertThat(report.get("executionId").asString()).as(instance).isEqualTo(id);
			assertThat(report.get("graphId").asString()).as(instance).isEqualTo("synthetic");
			assertThat(report.get("status").asString()).as(instance).isEqualTo("running");
		}
		List<Event> events = sse(b, id, null).collectList().block(TIMEOUT);
		assertCompleteRun(events, 0);
		int n = events.size();
		for (String instance : all) {
			int requests = awaitStatus(instance, id, "completed");
			if (requests > 1) {
				System.out.println("ScaleOutTests: " + name(instance) + " reported completed only at status request "
						+ requests + " after B's stream ended");
			}
			JsonNode status = statusOn(instance, id);
			assertThat(status.get("graphId").asString()).as(instance).isEqualTo("synthetic");
			assertThat(status.get("eventCount").asLong()).as(instance).isEqualTo(n);
			assertThat(status.has("finishedAt")).as(instance).isTrue();
			JsonNode report = actuatorOn(instance, id);
			assertThat(report.get("graphId").asString()).as(instance).isEqualTo("synthetic");
			assertThat(report.get("status").asString()).as(instance).isEqualTo("completed");
			assertThat(report.get("eventCount").asLong()).as(instance).isEqualTo(n);
		}
	}

	@Test
	void statusOfAFinishedExecutionIsCompleteOnAnInstanceThatNeverServedIt() {
		String id = startOn(a, Map.of("nodes", 3, "delayMs", 10));
		List<Event> events = sse(a, id, null).collectList().block(TIMEOUT);
		assertCompleteRun(events, 0);
		// B and C have not looked at this execution yet: their first answer must already be right
		JsonNode onB = statusOn(b, id);
		JsonNode onC = actuatorOn(c, id);
		assertThat(onB.get("status").asString()).isEqualTo("completed");
		assertThat(onB.get("eventCount").asLong()).isEqualTo(events.size());
		assertThat(onC.get("status").asString()).isEqualTo("completed");
		assertThat(onC.get("eventCount").asLong()).isEqualTo(events.size());
	}

	// ---------------------------------------------------------------- cancel

	@Test
	void deleteOnAThirdInstanceCancelsTheRunOnTheOwnerAndEndsStreamsElsewhere() throws Exception {
		String id = startOn(a, Map.of("nodes", 50, "delayMs", 100));
		CountDownLatch someEvents = new CountDownLatch(3);
		CompletableFuture<List<Event>> onB = sse(b, id, null).doOnNext((event) -> someEvents.countDown())
			.collectList()
			.timeout(TIMEOUT)
			.toFuture();
		assertThat(someEvents.await(10, TimeUnit.SECONDS)).isTrue();

		long before = System.nanoTime();
		Response deleted = request("DELETE", c + "/graphs/synthetic/executions/" + id);
		long deleteMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
		System.out.println("ScaleOutTests: DELETE on C answered in " + deleteMs + " ms: " + deleted.body());
		assertThat(deleted.status()).isEqualTo(202);
		JsonNode body = JSON.readTree(deleted.body());
		assertThat(body.get("executionId").asString()).isEqualTo(id);
		assertThat(body.get("status").asString()).isEqualTo("cancelled");

		List<Event> streamed = onB.get(5, TimeUnit.SECONDS);
		assertCompleteRun(streamed, 0);
		Event last = streamed.get(streamed.size() - 1);
		assertThat(last.type()).isEqualTo("ExecutionCancelled");
		assertThat(JSON.readTree(last.json()).get("reason").asString()).isEqualTo(CANCEL_REASON);
		assertThat(streamed.size()).as("the run was cut short").isLessThan(50 * 4);

		int requests = awaitStatus(a, id, "cancelled");
		if (requests > 1) {
			System.out.println("ScaleOutTests: A reported cancelled only at status request " + requests
					+ " after C's DELETE answered");
		}
		assertThat(statusOn(a, id).get("eventCount").asLong()).isEqualTo(streamed.size());
		assertThat(statusOn(c, id).get("status").asString()).isEqualTo("cancelled");
		// the owner really stopped: nothing is appended after the terminal event
		Thread.sleep(500);
		for (String instance : all) {
			JsonNode status = statusOn(instance, id);
			assertThat(status.get("status").asString()).as(instance).isEqualTo("cancelled");
			assertThat(status.get("eventCount").asLong()).as(instance).isEqualTo(streamed.size());
		}
		// DELETE again, elsewhere: idempotent, reports how it ended
		Response again = request("DELETE", b + "/graphs/synthetic/executions/" + id);
		assertThat(again.status()).isEqualTo(202);
		assertThat(JSON.readTree(again.body()).get("status").asString()).isEqualTo("cancelled");
	}

	// ---------------------------------------------------------------- lookups

	@Test
	void unknownExecutionIsAProblem404OnEveryInstance() {
		String unknown = UUID.randomUUID().toString();
		for (String instance : all) {
			String base = instance + "/graphs/synthetic/executions/" + unknown;
			for (Response response : List.of(request("GET", base), request("GET", base + "/stream"),
					request("GET", base + "/events?after=0&limit=10"), request("DELETE", base),
					request("GET", instance + "/actuator/graphstreaming/" + unknown))) {
				assertThat(response.status()).as(name(instance) + " " + response.what()).isEqualTo(404);
				if (!response.what().contains("/actuator/")) {
					assertThat(response.contentType()).as(name(instance) + " " + response.what())
						.startsWith("application/problem+json");
					assertThat(JSON.readTree(response.body()).get("status").asInt()).isEqualTo(404);
				}
			}
		}
		// a known execution under another graph is unknown too, everywhere
		String id = startOn(a, Map.of("nodes", 2));
		for (String instance : all) {
			Response response = request("GET", instance + "/graphs/demo/executions/" + id);
			assertThat(response.status()).as(name(instance)).isEqualTo(404);
			assertThat(response.contentType()).startsWith("application/problem+json");
		}
	}

	@Test
	void listingOnOneInstanceShowsAnExecutionRunningOnAnother() {
		String id = startOn(a, Map.of("nodes", 30, "delayMs", 100));
		try {
			Response listed = request("GET", b + "/graphs/executions?status=running");
			assertThat(listed.status()).isEqualTo(200);
			JsonNode executions = JSON.readTree(listed.body());
			JsonNode entry = null;
			for (JsonNode execution : executions) {
				if (id.equals(execution.get("executionId").asString())) {
					entry = execution;
				}
			}
			assertThat(entry).as("B's list of running executions " + listed.body()).isNotNull();
			assertThat(entry.get("graphId").asString()).isEqualTo("synthetic");
			assertThat(entry.get("status").asString()).isEqualTo("running");
			Response completed = request("GET", b + "/graphs/executions?status=completed");
			assertThat(completed.body()).doesNotContain(id);
		}
		finally {
			request("DELETE", a + "/graphs/synthetic/executions/" + id);
		}
	}

	// ---------------------------------------------------------------- load

	@Test
	void twoHundredExecutionsStreamedAcrossThreeInstancesWithRandomReconnectsDeliverEverySequenceExactlyOnce() {
		long seed = Long.getLong("scaleOutTests.seed", 20_110_511L);
		System.out.println("ScaleOutTests: random reconnects with seed " + seed);
		Random random = new Random(seed);
		List<Plan> plans = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			plans.add(Plan.random(i, random));
		}
		long started = System.nanoTime();
		List<Outcome> outcomes = Flux.fromIterable(plans)
			.flatMap(this::consume, 20)
			.collectList()
			.block(Duration.ofSeconds(120));
		long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

		List<String> failures = new ArrayList<>();
		int connectionCount = 0;
		int emptyConnections = 0;
		int eventCount = 0;
		for (Outcome outcome : outcomes) {
			connectionCount += outcome.connections().size();
			emptyConnections += (int) outcome.connections()
				.stream()
				.filter((connection) -> connection.received() == 0)
				.count();
			eventCount += outcome.events().size();
			String problem = problemWith(outcome);
			if (problem != null) {
				failures.add("execution " + outcome.plan().index() + " " + outcome.executionId() + " (started on "
						+ "ABC".charAt(outcome.plan().startOn()) + "): " + problem + "; connections "
						+ outcome.connections());
			}
		}
		System.out.println("ScaleOutTests: " + outcomes.size() + " executions, " + eventCount + " events, "
				+ connectionCount + " SSE connections (" + emptyConnections + " without events) in "
				+ elapsed + " ms");
		assertThat(outcomes).hasSize(plans.size());
		failures.stream().limit(20).forEach((failure) -> System.out.println("ScaleOutTests: FAILED " + failure));
		assertThat(failures).as(failures.size() + " of " + outcomes.size() + " executions failed, seed " + seed)
			.isEmpty();
		assertThat(connectionCount).as("reconnects happened").isGreaterThan(plans.size() * 2);
	}

	private @Nullable String problemWith(Outcome outcome) {
		if (outcome.error() != null) {
			return "failed after " + outcome.events().size() + " events: " + outcome.error();
		}
		List<Event> events = outcome.events();
		if (events.isEmpty()) {
			return "no events";
		}
		List<Long> sequences = events.stream().map(Event::sequence).toList();
		List<Long> expected = LongStream.rangeClosed(1, events.size()).boxed().toList();
		if (!sequences.equals(expected)) {
			return "sequences " + sequences;
		}
		List<String> types = events.stream().map(Event::type).toList();
		if (!"ExecutionCompleted".equals(types.get(types.size() - 1))
				|| types.subList(0, types.size() - 1).stream().anyMatch(TERMINAL::contains)) {
			return "types " + types + ", last " + events.get(events.size() - 1).json();
		}
		if (!"completed".equals(outcome.status()) || outcome.eventCount() != events.size()) {
			return "status " + outcome.status() + " eventCount " + outcome.eventCount() + " but " + events.size()
					+ " events delivered";
		}
		return null;
	}

	/**
	 * Starts the plan's execution, then reads it connection after connection; a request
	 * that fails is recorded in the outcome (so one run reports every execution affected).
	 */
	private Mono<Outcome> consume(Plan plan) {
		List<Event> received = Collections.synchronizedList(new ArrayList<>());
		List<Connection> made = Collections.synchronizedList(new ArrayList<>());
		String[] executionId = new String[1];
		return Mono.fromCallable(() -> startOn(all.get(plan.startOn()), plan.input()))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((id) -> {
				executionId[0] = id;
				return connect(plan, id, 0, received, made).then(Mono.defer(() -> {
					// ask the instance that delivered the terminal event
					String last = all.get(made.get(made.size() - 1).instance());
					return getJson(last + "/graphs/synthetic/executions/" + id)
						.map((status) -> new Outcome(plan, id, List.copyOf(received), List.copyOf(made),
								status.get("status").asString(), status.get("eventCount").asLong(), null));
				}));
			})
			.onErrorResume((error) -> Mono.just(new Outcome(plan, executionId[0], List.copyOf(received),
					List.copyOf(made), null, -1, error)));
	}

	private Mono<Void> connect(Plan plan, String id, int attempt, List<Event> received, List<Connection> made) {
		return Mono.defer(() -> {
			if (!received.isEmpty() && received.get(received.size() - 1).terminal()) {
				return Mono.empty();
			}
			if (attempt > 40) {
				return Mono.error(new AssertionError("no terminal event after 40 connections"));
			}
			int instance = plan.instance(attempt);
			Long last = received.isEmpty() ? null : received.get(received.size() - 1).sequence();
			Drop drop = plan.drop(attempt);
			Mono<Long> connection;
			if (drop == null) {
				connection = sse(all.get(instance), id, last).doOnNext(received::add).count();
			}
			else if (drop.afterEvents() > 0) {
				connection = sse(all.get(instance), id, last).take(drop.afterEvents()).doOnNext(received::add).count();
			}
			else {
				connection = openAndDrop(all.get(instance), id, last, Duration.ofMillis(drop.afterMs()))
					.thenReturn(0L);
			}
			return connection.timeout(TIMEOUT)
				.doOnNext((count) -> made.add(new Connection(instance, last, drop, count.intValue())))
				.then(connect(plan, id, attempt + 1, received, made));
		});
	}

	/**
	 * What one simulated client does: the instance it starts the execution on, its input,
	 * and per connection the instance and when it drops (none for the last one).
	 */
	record Plan(int index, int startOn, Map<String, Object> input, List<Integer> instances, List<Drop> drops) {

		static Plan random(int index, Random random) {
			Map<String, Object> input = new LinkedHashMap<>();
			input.put("nodes", 4 + random.nextInt(5));
			input.put("delayMs", 5 + random.nextInt(16));
			if (random.nextInt(3) == 0) {
				input.put("chunks", 1 + random.nextInt(3));
			}
			List<Drop> drops = new ArrayList<>();
			int dropCount = random.nextInt(5);
			for (int i = 0; i < dropCount; i++) {
				drops.add((random.nextInt(4) == 0) ? new Drop(0, random.nextInt(40))
						: new Drop(1 + random.nextInt(8), 0));
			}
			List<Integer> instances = new ArrayList<>();
			int previous = random.nextInt(3);
			instances.add(previous);
			for (int i = 1; i < 41; i++) {
				// another random instance each time
				previous = (previous + 1 + random.nextInt(2)) % 3;
				instances.add(previous);
			}
			return new Plan(index, random.nextInt(3), input, instances, drops);
		}

		int instance(int attempt) {
			return this.instances.get(attempt);
		}

		@Nullable Drop drop(int attempt) {
			return (attempt < this.drops.size()) ? this.drops.get(attempt) : null;
		}

	}

	/**
	 * Drops a connection after that many events, or (when 0) after that many ms without
	 * taking any of its events (often before the first one arrives).
	 */
	record Drop(int afterEvents, int afterMs) {

		@Override
		public String toString() {
			return (this.afterEvents > 0) ? this.afterEvents + " events" : this.afterMs + " ms";
		}

	}

	record Connection(int instance, @Nullable Long lastEventId, @Nullable Drop drop, int received) {

		@Override
		public String toString() {
			return "ABC".charAt(this.instance) + "(after " + this.lastEventId + ", drop " + this.drop + ", got "
					+ this.received + ")";
		}

	}

	record Outcome(Plan plan, @Nullable String executionId, List<Event> events, List<Connection> connections,
			@Nullable String status, long eventCount, @Nullable Throwable error) {
	}

	// ---------------------------------------------------------------- clients

	/** One event as a client received it; its id, type and JSON checked to agree. */
	record Event(long sequence, String type, String json) {

		boolean terminal() {
			return TERMINAL.contains(this.type);
		}

		static Event of(String executionId, String json) {
			JsonNode node = JSON.readTree(json);
			if (!executionId.equals(node.get("executionId").asString())) {
				throw new AssertionError("event of another execution: " + json);
			}
			return new Event(node.get("sequence").asLong(), node.get("eventType").asString(), json);
		}

		static Event of(String executionId, ServerSentEvent<String> sse) {
			String data = sse.data();
			if (data == null) {
				throw new AssertionError("SSE without data: " + sse);
			}
			Event event = of(executionId, data);
			if (!(executionId + ":" + event.sequence()).equals(sse.id()) || !event.type().equals(sse.event())) {
				throw new AssertionError("SSE id " + sse.id() + " / event " + sse.event() + " but data " + data);
			}
			return event;
		}

	}

	/**
	 * Asserts events are exactly the sequences {@code after + 1 .. after + size}, with one
	 * terminal event, the last.
	 */
	private static void assertCompleteRun(List<Event> events, long after) {
		assertThat(events).isNotEmpty();
		assertThat(events).extracting(Event::sequence)
			.containsExactlyElementsOf(LongStream.rangeClosed(after + 1, after + events.size()).boxed().toList());
		assertThat(events.get(events.size() - 1).terminal()).as("last event terminal: " + events).isTrue();
		assertThat(events.subList(0, events.size() - 1)).noneMatch(Event::terminal);
	}

	private static String startOn(String instance, Map<String, Object> input) {
		Response response = request("POST", instance + "/graphs/synthetic/executions", Map.of("input", input));
		assertThat(response.status()).as(response.body()).isEqualTo(202);
		String id = JSON.readTree(response.body()).get("executionId").asString();
		assertThat(response.location()).endsWith("/graphs/synthetic/executions/" + id);
		return id;
	}

	private static Flux<Event> sse(String instance, String id, @Nullable Long lastEventId) {
		return http.get()
			.uri(instance + "/graphs/synthetic/executions/" + id + "/stream")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.headers((headers) -> {
				if (lastEventId != null) {
					headers.set("Last-Event-ID", id + ":" + lastEventId);
				}
			})
			.retrieve()
			.onStatus((status) -> status.isError(),
					(response) -> response.bodyToMono(String.class)
						.defaultIfEmpty("")
						.map((body) -> new AssertionError(response.statusCode().value() + " from " + name(instance)
								+ " for Last-Event-ID " + lastEventId + ": " + body)))
			.bodyToFlux(SSE)
			.filter((event) -> event.id() != null)
			.map((event) -> Event.of(id, event));
	}

	/**
	 * Opens the execution's stream and closes the connection after a while, taking none
	 * of its events: the bytes are released undecoded (cancelling Spring's SSE decoder at
	 * an arbitrary moment can leak a client buffer, which the leak detection would blame
	 * on the test).
	 */
	private static Mono<Void> openAndDrop(String instance, String id, @Nullable Long lastEventId, Duration after) {
		return http.get()
			.uri(instance + "/graphs/synthetic/executions/" + id + "/stream")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.headers((headers) -> {
				if (lastEventId != null) {
					headers.set("Last-Event-ID", id + ":" + lastEventId);
				}
			})
			.retrieve()
			.onStatus((status) -> status.isError(), (response) -> response.bodyToMono(String.class)
				.defaultIfEmpty("")
				.map((body) -> new AssertionError(response.statusCode().value() + " from " + name(instance)
						+ " for Last-Event-ID " + lastEventId + ": " + body)))
			.bodyToFlux(DataBuffer.class)
			.doOnNext(DataBufferUtils::release)
			.takeUntilOther(Mono.delay(after))
			.then();
	}

	/** Long polls until {@code completed}, {@code limit} events a page. */
	private static Flux<Event> poll(String instance, String id, int limit, List<JsonNode> pages) {
		return page(instance, id, 0, limit)
			.expand((page) -> page.get("completed").asBoolean() ? Mono.empty()
					: page(instance, id, page.get("next").asLong(), limit))
			.doOnNext(pages::add)
			.concatMapIterable((page) -> {
				List<Event> events = new ArrayList<>();
				for (JsonNode event : page.get("events")) {
					events.add(Event.of(id, JSON.writeValueAsString(event)));
				}
				return events;
			});
	}

	private static Mono<JsonNode> page(String instance, String id, long after, int limit) {
		return getJson(instance + "/graphs/synthetic/executions/" + id + "/events?after=" + after + "&limit=" + limit
				+ "&waitMs=5000");
	}

	record WebSocketRun(List<Event> events, CloseStatus close) {
	}

	/** Attaches to an existing execution with a WebSocket {@code resume} message. */
	private static Mono<WebSocketRun> attachByWebSocket(String instance, String id, long after) {
		URI uri = URI.create(instance.replace("http://", "ws://") + "/graphs/synthetic/ws");
		List<Event> events = new CopyOnWriteArrayList<>();
		CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
		String resume = "{\"type\":\"resume\",\"executionId\":\"" + id + "\",\"after\":" + after + "}";
		return webSockets.execute(uri, (session) -> {
			session.closeStatus().defaultIfEmpty(CloseStatus.NO_CLOSE_FRAME).subscribe(closed::complete);
			return session.send(Mono.just(session.textMessage(resume)))
				.thenMany(session.receive())
				.doOnNext((message) -> {
					if (message.getType() != WebSocketMessage.Type.TEXT) {
						throw new AssertionError("unexpected " + message.getType() + " frame");
					}
					events.add(Event.of(id, message.getPayloadAsText()));
				})
				.then();
		})
			.then(Mono.fromFuture(closed))
			.map((close) -> new WebSocketRun(events, close))
			.timeout(TIMEOUT);
	}

	private static JsonNode statusOn(String instance, String id) {
		return getJson(instance + "/graphs/synthetic/executions/" + id).block(TIMEOUT);
	}

	private static JsonNode actuatorOn(String instance, String id) {
		return getJson(instance + "/actuator/graphstreaming/" + id).block(TIMEOUT);
	}

	/**
	 * Waits (up to 3 s) until the instance reports the status; answers how many status
	 * requests it took (1: the first answer was already right).
	 */
	private static int awaitStatus(String instance, String id, String status) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
		int requests = 0;
		String seen;
		do {
			requests++;
			seen = statusOn(instance, id).get("status").asString();
			if (status.equals(seen)) {
				return requests;
			}
			sleep(20);
		}
		while (System.nanoTime() < deadline);
		throw new AssertionError(name(instance) + " still says " + seen + " instead of " + status);
	}

	private static Mono<JsonNode> getJson(String url) {
		return http.get().uri(url).retrieve().bodyToMono(String.class).map(JSON::readTree).timeout(TIMEOUT);
	}

	record Response(String what, int status, String contentType, String body, String location) {
	}

	private static Response request(String method, String url) {
		return request(method, url, null);
	}

	private static Response request(String method, String url, @Nullable Object body) {
		WebClient.RequestBodySpec spec = http.method(org.springframework.http.HttpMethod.valueOf(method)).uri(url);
		WebClient.RequestHeadersSpec<?> ready = (body != null)
				? spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body) : spec;
		return ready.exchangeToMono((response) -> response.bodyToMono(String.class)
			.defaultIfEmpty("")
			.map((text) -> new Response(method + " " + url, response.statusCode().value(),
					String.valueOf(response.headers().contentType().orElse(null)), text,
					String.valueOf(response.headers().asHttpHeaders().getFirst("Location")))))
			.block(TIMEOUT);
	}

	private static String name(String instance) {
		return switch (all.indexOf(instance)) {
			case 0 -> "A";
			case 1 -> "B";
			case 2 -> "C";
			default -> instance;
		};
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
