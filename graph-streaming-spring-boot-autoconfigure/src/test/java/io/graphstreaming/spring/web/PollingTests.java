package io.graphstreaming.spring.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.spring.web.HttpTestClient.Reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Polling: start, page through the events, long poll, filters and parameter checks.
 */
class PollingTests extends AbstractWebTransportTests {

	private final JsonMapper json = new JsonMapper();

	@Autowired
	MeterRegistry meters;

	@Test
	void startAnswersAcceptedWithTheExecutionUrl() {
		Reply reply = this.client.post("/graphs/synthetic/executions", "{\"input\":{\"nodes\":2,\"delayMs\":50}}");
		assertThat(reply.status()).isEqualTo(202);
		assertThat(reply.header("Content-Type")).isEqualTo("application/json");
		JsonNode body = this.json.readTree(reply.body());
		String id = body.get("executionId").asString();
		assertThat(body.get("graphId").asString()).isEqualTo("synthetic");
		assertThat(body.get("status").asString()).isEqualTo("running");
		assertThat(body.get("startedAt").asString()).endsWith("Z");
		assertThat(reply.header("Location")).isEqualTo("/graphs/synthetic/executions/" + id);
		Reply status = this.client.get(reply.header("Location"));
		assertThat(status.status()).isEqualTo(200);
		assertThat(status.body()).contains("\"executionId\":\"" + id + "\"");
	}

	@Test
	void longPollingPagesToCompletionWithEveryEventOnce() {
		Reply started = this.client.post("/graphs/synthetic/executions", "{\"input\":{\"nodes\":20,\"delayMs\":5}}");
		String events = started.header("Location") + "/events";
		List<Long> sequences = new ArrayList<>();
		long after = 0;
		boolean completed = false;
		String lastType = null;
		int polls = 0;
		while (!completed) {
			assertThat(++polls).as("polls").isLessThan(500);
			JsonNode page = this.json.readTree(this.client.get(events + "?after=" + after + "&limit=7&waitMs=5000").body());
			assertThat(page.get("events").size()).isLessThanOrEqualTo(7);
			for (JsonNode event : page.get("events")) {
				sequences.add(event.get("sequence").asLong());
				lastType = event.get("eventType").asString();
			}
			long next = page.get("next").asLong();
			assertThat(next).isGreaterThanOrEqualTo(after);
			after = next;
			completed = page.get("completed").asBoolean();
		}
		assertThat(sequences).containsExactlyElementsOf(LongStream.rangeClosed(1, 102).boxed().toList());
		assertThat(lastType).isEqualTo("ExecutionCompleted");
		JsonNode afterEnd = this.json.readTree(this.client.get(events + "?after=" + after + "&waitMs=5000").body());
		assertThat(afterEnd.get("events").size()).isZero();
		assertThat(afterEnd.get("next").asLong()).isEqualTo(102);
		assertThat(afterEnd.get("completed").asBoolean()).isTrue();
	}

	@Test
	void longPollAnswersAsSoonAsAnEventArrives() throws Exception {
		Reply started = this.client.post("/graphs/synthetic/executions",
				"{\"input\":{\"nodes\":1,\"delayMs\":600000}}");
		String location = started.header("Location");
		awaitEvents(location, 3);
		JsonNode first = this.json.readTree(this.client.get(location + "/events").body());
		assertThat(first.get("next").asLong()).isEqualTo(3);
		assertThat(first.get("completed").asBoolean()).isFalse();
		long begin = System.nanoTime();
		CompletableFuture<Reply> waiting = this.client
			.exchange("GET", location + "/events?after=3&waitMs=10000", java.util.Map.of(), null)
			.toFuture();
		assertThat(this.client.delete(location).status()).isEqualTo(202);
		JsonNode page = this.json.readTree(waiting.get(10, TimeUnit.SECONDS).body());
		// The wait ends with the event, not with the ten-second limit.
		assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(8));
		assertThat(page.get("events").size()).isEqualTo(1);
		assertThat(page.get("events").get(0).get("eventType").asString()).isEqualTo("ExecutionCancelled");
		assertThat(page.get("next").asLong()).isEqualTo(4);
		assertThat(page.get("completed").asBoolean()).isTrue();
	}

	@Test
	void longPollWokenByThousandsOfFilteredOutEventsStillAnswers() {
		// Every chunk wakes the waiting poll, which finds nothing it wants and waits again.
		Reply started = this.client.post("/graphs/synthetic/executions",
				"{\"input\":{\"nodes\":1,\"chunks\":9900}}");
		JsonNode page = this.json.readTree(this.client
			.get(started.header("Location") + "/events?eventTypes=ExecutionCompleted&waitMs=10000")
			.body());
		assertThat(page.get("events").size()).isEqualTo(1);
		assertThat(page.get("events").get(0).get("eventType").asString()).isEqualTo("ExecutionCompleted");
		assertThat(page.get("completed").asBoolean()).isTrue();
	}

	@Test
	void longPollWithNothingNewAnswersAnEmptyPageAfterTheWait() {
		Reply started = this.client.post("/graphs/synthetic/executions",
				"{\"input\":{\"nodes\":1,\"delayMs\":600000}}");
		String location = started.header("Location");
		awaitEvents(location, 3);
		Reply page = this.client.get(location + "/events?after=3&waitMs=200");
		assertThat(page.status()).isEqualTo(200);
		assertThat(page.body()).isEqualTo("{\"events\":[],\"next\":3,\"completed\":false}");
		this.client.delete(location);
	}

	@Test
	void filtersSkipOtherEventsAndNextMovesPastThem() {
		Reply started = this.client.post("/graphs/demo/executions", "{}");
		String events = started.header("Location") + "/events";
		JsonNode page = this.json
			.readTree(this.client.get(events + "?eventTypes=NodeCompleted&limit=1&waitMs=5000").body());
		assertThat(page.get("events").size()).isEqualTo(1);
		assertThat(page.get("events").get(0).get("sequence").asLong()).isEqualTo(4);
		assertThat(page.get("next").asLong()).isEqualTo(4);
		assertThat(page.get("completed").asBoolean()).isFalse();
		String location = started.header("Location");
		this.registry.execution("demo", location.substring(location.lastIndexOf('/') + 1))
			.result()
			.block(java.time.Duration.ofSeconds(10));
		page = this.json.readTree(this.client.get(events + "?eventTypes=NodeCompleted&nodes=finish&after=4").body());
		assertThat(page.get("events").size()).isEqualTo(1);
		assertThat(page.get("events").get(0).get("nodeId").asString()).isEqualTo("finish");
		assertThat(page.get("next").asLong()).isEqualTo(11);
		assertThat(page.get("completed").asBoolean()).isTrue();
	}

	@Test
	void limitIsCappedByTheConfiguredMaximum() {
		Reply started = this.client.post("/graphs/synthetic/executions", "{\"input\":{\"nodes\":20}}");
		this.registry.execution("synthetic", started.header("X-Execution-Id") != null
				? started.header("X-Execution-Id") : this.json.readTree(started.body()).get("executionId").asString())
			.result()
			.block(java.time.Duration.ofSeconds(10));
		JsonNode page = this.json
			.readTree(this.client.get(started.header("Location") + "/events?limit=100000").body());
		assertThat(page.get("events").size()).isEqualTo(50);
		assertThat(page.get("next").asLong()).isEqualTo(50);
	}

	@Test
	void badParametersAreRefusedWithBadRequest() {
		Reply started = this.client.post("/graphs/demo/executions", "{}");
		String events = started.header("Location") + "/events";
		String path = events;
		assertProblem(this.client.get(events + "?after=-1"), 400, "Bad Request",
				"Query parameter 'after' must be at least 0 but was -1", path);
		assertProblem(this.client.get(events + "?after=abc"), 400, "Bad Request",
				"Query parameter 'after' must be a whole number but was 'abc'", path);
		assertProblem(this.client.get(events + "?limit=0"), 400, "Bad Request",
				"Query parameter 'limit' must be at least 1 but was 0", path);
		assertProblem(this.client.get(events + "?limit=ten"), 400, "Bad Request",
				"Query parameter 'limit' must be a whole number", path);
		assertProblem(this.client.get(events + "?waitMs=-5"), 400, "Bad Request",
				"Query parameter 'waitMs' must be at least 0 but was -5", path);
		Reply tooLong = this.client.get(events + "?waitMs=10001");
		assertProblem(tooLong, 400, "Bad Request",
				"Query parameter 'waitMs' must be at most 10000 (the longest long poll of this server) but was 10001",
				path);
		assertThat(this.json.readTree(tooLong.body()).get("maxWaitMs").asLong()).isEqualTo(10000);
		assertProblem(this.client.get(events + "?after=12"), 400, "Bad Request",
				"Query parameter 'after' is 12 but the newest event of execution", path);
		assertProblem(this.client.get(events + "?eventTypes=Bogus"), 400, "Bad Request",
				"Unknown event type 'Bogus'", path);
		assertProblem(this.client.get(events + "?nodes=nowhere"), 400, "Bad Request",
				"unknown node 'nowhere' of graph 'demo'", path);
	}

	@Test
	void longPollCountsAsAnOpenPollingStreamWhileItWaitsButNotAgainstTheStreamLimit() throws Exception {
		Reply started = this.client.post("/graphs/synthetic/executions",
				"{\"input\":{\"nodes\":1,\"delayMs\":600000}}");
		String location = started.header("Location");
		awaitEvents(location, 3);
		int before = this.streamLimiter.openStreams();

		CompletableFuture<Reply> waiting = this.client
			.exchange("GET", location + "/events?after=3&waitMs=10000", java.util.Map.of(), null)
			.toFuture();

		await().atMost(Duration.ofSeconds(5)).until(() -> this.streamLimiter.openStreams("polling") == 1);
		assertThat(pollingGauge()).isEqualTo(1);
		assertThat(this.streamLimiter.openStreams()).as("not in the total the stream limits count").isEqualTo(before);
		assertThat(this.client.delete(location).status()).isEqualTo(202);
		assertThat(waiting.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.streamLimiter.openStreams("polling") == 0);
		assertThat(pollingGauge()).isZero();
	}

	private double pollingGauge() {
		return this.meters.get("graph.streaming.streams.active").tag("transport", "polling").gauge().value();
	}

	/**
	 * Runs are asynchronous: waits (by long polling) until the execution has at least
	 * {@code count} events, so a test may then poll after them.
	 */
	private void awaitEvents(String location, long count) {
		long next = 0;
		for (int attempt = 0; attempt < 50 && next < count; attempt++) {
			next = this.json.readTree(this.client.get(location + "/events?after=" + next + "&waitMs=200").body())
				.get("next")
				.asLong();
		}
		assertThat(next).isGreaterThanOrEqualTo(count);
	}

}
