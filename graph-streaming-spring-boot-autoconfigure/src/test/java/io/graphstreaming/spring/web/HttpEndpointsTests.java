package io.graphstreaming.spring.web;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.spring.web.HttpTestClient.Reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The plain JSON endpoints: graph descriptions, non-streaming execution, status, cancel.
 */
class HttpEndpointsTests extends AbstractWebTransportTests {

	private static final String DEMO_DESCRIPTION = "{\"id\":\"demo\",\"description\":\"Greets someone, loudly if asked\","
			+ "\"startNode\":\"greet\",\"nodes\":[{\"id\":\"greet\",\"description\":\"Writes the greeting\"},"
			+ "{\"id\":\"shout\",\"description\":\"Upper-cases it\"},{\"id\":\"finish\",\"description\":\"Marks the end\"}],"
			+ "\"edges\":[{\"from\":\"greet\",\"to\":\"shout\",\"condition\":\"loud\"},"
			+ "{\"from\":\"greet\",\"to\":\"finish\",\"condition\":null},"
			+ "{\"from\":\"shout\",\"to\":\"finish\",\"condition\":null}]}";

	private final JsonMapper json = new JsonMapper();

	@Test
	void listGraphsDescribesEveryGraph() {
		Reply reply = this.client.get("/graphs");
		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.header("Content-Type")).isEqualTo("application/json");
		assertThat(reply.body()).isEqualTo("[" + DEMO_DESCRIPTION + ",{\"id\":\"synthetic\","
				+ "\"description\":\"Load and test graph shaped by its input\",\"startNode\":\"step\","
				+ "\"nodes\":[{\"id\":\"step\",\"description\":\"One link of the chain\"}],"
				+ "\"edges\":[{\"from\":\"step\",\"to\":\"step\",\"condition\":\"more steps\"}]}]");
	}

	@Test
	void describeGraph() {
		Reply reply = this.client.get("/graphs/demo");
		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.body()).isEqualTo(DEMO_DESCRIPTION);
	}

	@Test
	void executeRunsToTheEndAndAnswersTheResult() {
		Reply reply = this.client.post("/graphs/demo/execute", "{\"input\":{\"name\":\"Ada\",\"loud\":true}}");
		assertThat(reply.status()).isEqualTo(200);
		JsonNode body = this.json.readTree(reply.body());
		assertThat(body.propertyNames()).containsExactly("executionId", "status", "output", "durationMs");
		assertThat(body.get("status").asString()).isEqualTo("completed");
		assertThat(body.get("output").toString())
			.isEqualTo("{\"name\":\"Ada\",\"loud\":true,\"greeting\":\"HELLO, ADA\",\"done\":true}");
		assertThat(body.get("durationMs").isNumber()).isTrue();
		Reply status = this.client.get("/graphs/demo/executions/" + body.get("executionId").asString());
		assertThat(status.body()).contains("\"status\":\"completed\"", "\"eventCount\":15");
	}

	@Test
	void executeOfAFailingRunAnswersTheErrorWithoutATrace() {
		Reply reply = this.client.post("/graphs/synthetic/execute", "{\"input\":{\"nodes\":3,\"failAt\":1}}");
		assertThat(reply.status()).isEqualTo(200);
		JsonNode body = this.json.readTree(reply.body());
		assertThat(body.get("status").asString()).isEqualTo("failed");
		assertThat(body.get("output").isNull()).isTrue();
		assertThat(body.get("errorType").asString()).isEqualTo("IllegalStateException");
		assertThat(body.get("errorMessage").asString()).isEqualTo("synthetic failure at step 1");
		assertThat(body.get("nodeId").asString()).isEqualTo("step");
		assertThat(reply.body()).doesNotContain("\tat ");
	}

	@Test
	void emptyBodyMeansEmptyInput() {
		Reply reply = this.client.post("/graphs/demo/execute", "");
		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.body()).contains("\"output\":{\"greeting\":\"Hello, world\",\"done\":true}");
		Reply noBody = this.client.exchange("POST", "/graphs/demo/execute", Map.of(), null)
			.block(HttpTestClient.TIMEOUT);
		assertThat(noBody.status()).isEqualTo(200);
		Reply nullInput = this.client.post("/graphs/demo/execute", "{\"input\":null}");
		assertThat(nullInput.status()).isEqualTo(200);
	}

	@Test
	void statusOfARunningExecution() {
		Reply started = this.client.post("/graphs/synthetic/executions", "{\"input\":{\"nodes\":1,\"delayMs\":600000}}");
		String location = started.header("Location");
		await().until(() -> this.client.get(location).body().contains("\"currentNode\""));
		JsonNode status = this.json.readTree(this.client.get(location).body());
		assertThat(status.propertyNames()).containsExactly("executionId", "graphId", "status", "startedAt",
				"eventCount", "currentNode");
		assertThat(status.get("graphId").asString()).isEqualTo("synthetic");
		assertThat(status.get("status").asString()).isEqualTo("running");
		assertThat(status.get("eventCount").asLong()).isEqualTo(3);
		assertThat(status.get("currentNode").asString()).isEqualTo("step");
		this.client.delete(location);
		JsonNode ended = this.json.readTree(this.client.get(location).body());
		assertThat(ended.get("status").asString()).isEqualTo("cancelled");
		assertThat(ended.get("eventCount").asLong()).isEqualTo(4);
		assertThat(ended.has("finishedAt")).isTrue();
	}

	@Test
	void cancelIsIdempotentAndLeavesFinishedExecutionsAlone() {
		Reply started = this.client.post("/graphs/synthetic/executions", "{\"input\":{\"nodes\":1,\"delayMs\":600000}}");
		String location = started.header("Location");
		String id = location.substring(location.lastIndexOf('/') + 1);
		Reply first = this.client.delete(location);
		assertThat(first.status()).isEqualTo(202);
		assertThat(first.body()).isEqualTo("{\"executionId\":\"" + id + "\",\"status\":\"cancelled\"}");
		Reply again = this.client.delete(location);
		assertThat(again.status()).isEqualTo(202);
		assertThat(again.body()).isEqualTo(first.body());
		Reply done = this.client.post("/graphs/demo/executions", "{}");
		String doneLocation = done.header("Location");
		// the run goes on off the request thread: let it end before cancelling
		this.registry.execution("demo", doneLocation.substring(doneLocation.lastIndexOf('/') + 1))
			.result()
			.block(HttpTestClient.TIMEOUT);
		Reply cancelDone = this.client.delete(doneLocation);
		assertThat(cancelDone.status()).isEqualTo(202);
		assertThat(cancelDone.body()).contains("\"status\":\"completed\"");
	}

}
