package io.graphstreaming.spring.web;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.checkpoint.CheckpointStore;
import io.graphstreaming.core.checkpoint.FileCheckpointStore;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.web.HttpTestClient.Reply;
import io.graphstreaming.spring.web.HttpTestClient.SseFrame;
import io.graphstreaming.spring.web.testapp.CheckpointTestApplication;

import static io.graphstreaming.spring.web.AbstractWebTransportTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkpoints over HTTP with {@code graph.streaming.checkpoints.enabled} and the file
 * store: list, read, resume (202 and streamed) a cancelled execution, and the error
 * answers.
 */
@SpringBootTest(classes = CheckpointTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.checkpoints.enabled=true", "graph.streaming.checkpoints.store=file" })
class CheckpointResumeTests {

	private static final String GRAPH = "/graphs/pipeline";

	@TempDir
	static Path directory;

	@DynamicPropertySource
	static void checkpointDirectory(DynamicPropertyRegistry registry) {
		registry.add("graph.streaming.checkpoints.directory", () -> directory.toString());
	}

	@LocalServerPort
	int port;

	@Autowired
	GraphRegistry registry;

	@Autowired
	CheckpointStore store;

	private final JsonMapper json = new JsonMapper();

	private final String holdKey = "key-" + UUID.randomUUID();

	private HttpTestClient client;

	@BeforeEach
	void createClient() {
		this.client = new HttpTestClient(this.port);
	}

	@AfterEach
	void release() {
		CheckpointTestApplication.HELD.remove(this.holdKey);
	}

	@Test
	void theGraphUsesTheFileStoreBean() {
		assertThat(this.store).isInstanceOf(FileCheckpointStore.class);
		assertThat(this.registry.executor("pipeline").checkpointStore()).isSameAs(this.store);
	}

	@Test
	void resumeAfterCancelFinishesWithTheStateOfAnUninterruptedRun() {
		String executionId = startAndCancelInHold();

		Reply list = this.client.get(GRAPH + "/executions/" + executionId + "/checkpoints");
		assertThat(list.status()).isEqualTo(200);
		assertThat(list.header("Content-Type")).isEqualTo("application/json");
		JsonNode checkpoints = this.json.readTree(list.body());
		assertThat(checkpoints.size()).isEqualTo(2);
		JsonNode first = checkpoints.get(0);
		assertThat(fieldNames(first)).containsExactly("checkpointId", "executionId", "graphId", "nodeId", "nextNodes",
				"sequence", "createdAt");
		assertThat(first.get("checkpointId").asString()).isEqualTo(executionId + "-1");
		assertThat(first.get("executionId").asString()).isEqualTo(executionId);
		assertThat(first.get("graphId").asString()).isEqualTo("pipeline");
		assertThat(first.get("nodeId").asString()).isEqualTo("fetch");
		assertThat(first.get("nextNodes").toString()).isEqualTo("[\"enrich\"]");
		assertThat(Instant.parse(first.get("createdAt").asString())).isNotNull();
		JsonNode second = checkpoints.get(1);
		assertThat(second.get("checkpointId").asString()).isEqualTo(executionId + "-2");
		assertThat(second.get("nodeId").asString()).isEqualTo("enrich");
		assertThat(second.get("nextNodes").toString()).isEqualTo("[\"hold\"]");
		assertThat(second.get("sequence").asLong()).isGreaterThan(first.get("sequence").asLong());

		Reply full = this.client.get(GRAPH + "/checkpoints/" + executionId + "-2");
		assertThat(full.status()).isEqualTo(200);
		JsonNode checkpoint = this.json.readTree(full.body());
		assertThat(fieldNames(checkpoint)).containsExactly("checkpointId", "executionId", "graphId", "nodeId",
				"nextNodes", "sequence", "createdAt", "nodeExecutions", "budgetUsage", "iterations", "state");
		assertThat(checkpoint.get("nodeExecutions").asInt()).isEqualTo(2);
		assertThat(checkpoint.get("state")).isEqualTo(this.json.readTree("{\"holdKey\":\"" + this.holdKey
				+ "\",\"items\":[1,2,3],\"total\":6,\"label\":\"three items\"}"));

		CheckpointTestApplication.HELD.remove(this.holdKey);
		Reply resumed = this.client.post(GRAPH + "/executions/" + executionId + "/resume", null);
		assertThat(resumed.status()).as(resumed.body()).isEqualTo(202);
		assertThat(resumed.header("Content-Type")).isEqualTo("application/json");
		JsonNode body = this.json.readTree(resumed.body());
		String newId = body.get("executionId").asString();
		assertThat(newId).isNotEqualTo(executionId);
		assertThat(body.get("graphId").asString()).isEqualTo("pipeline");
		assertThat(body.get("status").asString()).isIn("running", "completed");
		assertThat(body.get("startedAt").asString()).endsWith("Z");
		assertThat(body.get("resumedFrom").asString()).isEqualTo(executionId + "-2");
		assertThat(resumed.header("Location")).isEqualTo(GRAPH + "/executions/" + newId);

		List<JsonNode> events = pollToCompletion(resumed.header("Location"));
		assertThat(events).extracting((event) -> event.get("eventType").asString())
			.startsWith("ExecutionStarted", "CheckpointRestored")
			.endsWith("ExecutionCompleted")
			.doesNotContain("ExecutionCancelled");
		assertThat(events.get(1).get("checkpointId").asString()).isEqualTo(executionId + "-2");
		assertThat(events.stream()
			.skip(2)
			.filter((event) -> event.has("nodeId"))
			.map((event) -> event.get("nodeId").asString()))
			.doesNotContain("fetch", "enrich")
			.contains("hold", "finish");
		JsonNode resumedOutput = events.get(events.size() - 1).get("output");

		JsonNode status = this.json.readTree(this.client.get(resumed.header("Location")).body());
		assertThat(status.get("status").asString()).isEqualTo("completed");
		assertThat(status.get("resumedFrom").asString()).isEqualTo(executionId + "-2");

		Reply uninterrupted = this.client.post(GRAPH + "/execute", input());
		assertThat(uninterrupted.status()).isEqualTo(200);
		JsonNode expected = this.json.readTree(uninterrupted.body()).get("output");
		assertThat(resumedOutput).isEqualTo(expected);
		assertThat(expected.get("summary").asString()).isEqualTo("three items = 6");
	}

	@Test
	void resumeStreamStartsWithExecutionStartedThenCheckpointRestored() {
		String executionId = startAndCancelInHold();
		CheckpointTestApplication.HELD.remove(this.holdKey);
		Reply reply = this.client.post(GRAPH + "/executions/" + executionId + "/resume/stream",
				"{\"checkpointId\":\"" + executionId + "-1\"}");
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		assertThat(reply.header("Content-Type")).isEqualTo("text/event-stream");
		assertThat(reply.header("Cache-Control")).isEqualTo("no-cache");
		assertThat(reply.header("X-Resumed-From")).isEqualTo(executionId + "-1");
		String newId = reply.header("X-Execution-Id");
		assertThat(newId).isNotEqualTo(executionId);
		List<SseFrame> frames = reply.frames();
		assertThat(frames.get(0).id()).isEqualTo(newId + ":1");
		assertThat(frames.get(0).event()).isEqualTo("ExecutionStarted");
		assertThat(frames.get(0).data()).contains("\"startNode\":\"enrich\"");
		assertThat(frames.get(1).id()).isEqualTo(newId + ":2");
		assertThat(frames.get(1).event()).isEqualTo("CheckpointRestored");
		assertThat(frames.get(1).data()).contains("\"nodeId\":\"fetch\"", "\"checkpointId\":\"" + executionId + "-1\"");
		assertThat(frames.get(2).event()).isEqualTo("NodeEntered");
		assertThat(frames.get(2).data()).contains("\"nodeId\":\"enrich\"");
		SseFrame last = frames.get(frames.size() - 1);
		assertThat(last.event()).isEqualTo("ExecutionCompleted");
		assertThat(last.sequence()).isEqualTo(frames.size());
		assertThat(last.data()).contains("\"summary\":\"three items = 6\"");
	}

	@Test
	void resumeWhileTheExecutionRunsIsAConflict() {
		CheckpointTestApplication.HELD.add(this.holdKey);
		String executionId = start();
		awaitEvent(GRAPH + "/executions/" + executionId,
				(event) -> "NodeStarted".equals(event.get("eventType").asString())
						&& "hold".equals(event.get("nodeId").asString()));
		String path = GRAPH + "/executions/" + executionId + "/resume";
		assertProblem(this.client.post(path, null), 409, "Conflict",
				"Execution '" + executionId + "' of graph 'pipeline' is still running; cancel it", path);
		assertProblem(this.client.post(path + "/stream", null), 409, "Conflict", "is still running", path + "/stream");
		this.client.delete(GRAPH + "/executions/" + executionId);
	}

	@Test
	void checkpointsOutliveTheExecutionsTheRegistryKnows() {
		String executionId = "from-a-previous-jvm";
		Checkpoint checkpoint = new Checkpoint(executionId + "-1", executionId, "pipeline", "enrich", List.of("hold"),
				Map.of("items", List.of(4, 5), "total", 9, "label", "two items"), 12, 2, Map.of(), Map.of(),
				Instant.now());
		this.store.save(checkpoint).block(Duration.ofSeconds(10));
		JsonNode list = this.json.readTree(this.client.get(GRAPH + "/executions/" + executionId + "/checkpoints").body());
		assertThat(list.size()).isEqualTo(1);
		assertThat(list.get(0).get("checkpointId").asString()).isEqualTo(executionId + "-1");
		Reply resumed = this.client.post(GRAPH + "/executions/" + executionId + "/resume",
				"{\"checkpointId\":\"" + executionId + "-1\"}");
		assertThat(resumed.status()).as(resumed.body()).isEqualTo(202);
		List<JsonNode> events = pollToCompletion(resumed.header("Location"));
		assertThat(events.get(events.size() - 1).get("output").get("summary").asString()).isEqualTo("two items = 9");
	}

	@Test
	void unknownExecutionsAndCheckpointsAreNotFound() {
		String list = GRAPH + "/executions/nobody/checkpoints";
		assertProblem(this.client.get(list), 404, "Not Found",
				"Graph 'pipeline' has no execution 'nobody' with checkpoints", list);
		String checkpoint = GRAPH + "/checkpoints/nobody-1";
		assertProblem(this.client.get(checkpoint), 404, "Not Found", "Graph 'pipeline' has no checkpoint 'nobody-1'",
				checkpoint);
		String resume = GRAPH + "/executions/nobody/resume";
		assertProblem(this.client.post(resume, null), 404, "Not Found",
				"Execution 'nobody' of graph 'pipeline' has no checkpoint", resume);
		assertProblem(this.client.post(resume, "{\"checkpointId\":\"nobody-7\"}"), 404, "Not Found",
				"Graph 'pipeline' has no checkpoint 'nobody-7'", resume);
		assertProblem(this.client.post(resume + "/stream", "{}"), 404, "Not Found",
				"Execution 'nobody' of graph 'pipeline' has no checkpoint", resume + "/stream");
		assertProblem(this.client.get("/graphs/nope/checkpoints/x-1"), 404, "Not Found", "No graph 'nope'",
				"/graphs/nope/checkpoints/x-1");
	}

	@Test
	void aCheckpointOfAnotherExecutionOrABadBodyIsABadRequest() {
		Reply other = this.client.post(GRAPH + "/execute", "{\"input\":{}}");
		String otherId = this.json.readTree(other.body()).get("executionId").asString();
		String executionId = startAndCancelInHold();
		String resume = GRAPH + "/executions/" + executionId + "/resume";
		assertProblem(this.client.post(resume, "{\"checkpointId\":\"" + otherId + "-1\"}"), 400, "Bad Request",
				"Checkpoint '" + otherId + "-1' belongs to execution '" + otherId + "', not '" + executionId + "'",
				resume);
		assertProblem(this.client.post(resume, "{\"checkpoint\":\"x\"}"), 400, "Bad Request",
				"Unknown field 'checkpoint' in the request body; the only field accepted is 'checkpointId'", resume);
		assertProblem(this.client.post(resume, "{\"checkpointId\":5}"), 400, "Bad Request",
				"Field 'checkpointId' must be a string but was a number", resume);
		assertProblem(this.client.post(resume + "/stream", "[1]"), 400, "Bad Request",
				"The request body must be a JSON object", resume + "/stream");
		assertProblem(this.client.post(resume, "{\"checkpointId\":"), 400, "Bad Request", "Malformed JSON", resume);
	}

	/**
	 * Starts a run that blocks in {@code hold}, waits until it is there (after the
	 * checkpoints of {@code fetch} and {@code enrich}), cancels it and waits for its end.
	 */
	private String startAndCancelInHold() {
		CheckpointTestApplication.HELD.add(this.holdKey);
		String executionId = start();
		String location = GRAPH + "/executions/" + executionId;
		awaitEvent(location, (event) -> "NodeStarted".equals(event.get("eventType").asString())
				&& "hold".equals(event.get("nodeId").asString()));
		assertThat(this.client.delete(location).status()).isEqualTo(202);
		assertThat(this.registry.execution("pipeline", executionId).result().block(Duration.ofSeconds(10)).status())
			.isEqualTo(ExecutionStatus.CANCELLED);
		return executionId;
	}

	private String start() {
		Reply started = this.client.post(GRAPH + "/executions", input());
		assertThat(started.status()).isEqualTo(202);
		return this.json.readTree(started.body()).get("executionId").asString();
	}

	private String input() {
		return "{\"input\":{\"holdKey\":\"" + this.holdKey + "\"}}";
	}

	private void awaitEvent(String location, Predicate<JsonNode> condition) {
		long after = 0;
		for (int poll = 0; poll < 100; poll++) {
			JsonNode page = this.json.readTree(this.client.get(location + "/events?after=" + after + "&waitMs=500").body());
			for (JsonNode event : page.get("events")) {
				if (condition.test(event)) {
					return;
				}
			}
			after = page.get("next").asLong();
		}
		throw new AssertionError("No such event in execution " + location);
	}

	private List<JsonNode> pollToCompletion(String location) {
		List<JsonNode> events = new ArrayList<>();
		long after = 0;
		for (int poll = 0; poll < 100; poll++) {
			JsonNode page = this.json.readTree(this.client.get(location + "/events?after=" + after + "&waitMs=2000").body());
			page.get("events").forEach(events::add);
			after = page.get("next").asLong();
			if (page.get("completed").asBoolean()) {
				return events;
			}
		}
		throw new AssertionError("Execution " + location + " did not complete");
	}

	private static List<String> fieldNames(JsonNode node) {
		return node.properties().stream().map(Map.Entry::getKey).toList();
	}

}
