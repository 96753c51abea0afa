package io.graphstreaming.spring.web;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.spring.web.HttpTestClient.Reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /graphs/executions}: the executions still known, oldest first, optionally
 * only those with given statuses. Other tests share the server, so the assertions look
 * for this test's own executions only.
 */
class ExecutionListTests extends AbstractWebTransportTests {

	private static final String LONG_RUN = "{\"input\":{\"nodes\":1,\"delayMs\":600000}}";

	private final JsonMapper json = new JsonMapper();

	@Test
	void runningExecutionsAreListedOldestFirstWithTheirStatusFields() {
		String first = start("synthetic", LONG_RUN);
		String second = start("synthetic", LONG_RUN);
		String finished = this.json.readTree(this.client.post("/graphs/demo/execute", "{}").body())
			.get("executionId")
			.asString();
		await().until(() -> find(list("/graphs/executions?status=running"), second) != null
				&& find(list("/graphs/executions?status=running"), second).has("currentNode"));
		Reply reply = this.client.get("/graphs/executions?status=running");
		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.header("Content-Type")).isEqualTo("application/json");
		List<String> ids = ids(this.json.readTree(reply.body()));
		assertThat(ids).contains(first, second).doesNotContain(finished);
		assertThat(ids.indexOf(first)).isLessThan(ids.indexOf(second));
		JsonNode running = find(this.json.readTree(reply.body()), second);
		assertThat(running.propertyNames()).containsExactly("executionId", "graphId", "status", "startedAt",
				"eventCount", "currentNode");
		assertThat(running.get("graphId").asString()).isEqualTo("synthetic");
		assertThat(running.get("status").asString()).isEqualTo("running");
		assertThat(running.get("currentNode").asString()).isEqualTo("step");
		assertThat(running.get("eventCount").asLong()).isEqualTo(3);
		this.client.delete("/graphs/synthetic/executions/" + first);
		this.client.delete("/graphs/synthetic/executions/" + second);
		assertThat(ids(list("/graphs/executions?status=running"))).doesNotContain(first, second);
	}

	@Test
	void withoutAStatusEveryRetainedExecutionIsListed() {
		String finished = this.json.readTree(this.client.post("/graphs/demo/execute", "{}").body())
			.get("executionId")
			.asString();
		JsonNode all = list("/graphs/executions");
		JsonNode entry = find(all, finished);
		assertThat(entry).isNotNull();
		assertThat(entry.get("status").asString()).isEqualTo("completed");
		assertThat(entry.has("finishedAt")).isTrue();
		assertThat(ids(list("/graphs/executions?status=completed,cancelled"))).contains(finished);
		assertThat(ids(list("/graphs/executions?status=failed"))).doesNotContain(finished);
		assertThat(ids(list("/graphs/executions?status=running&status=completed"))).contains(finished);
	}

	@Test
	void anUnknownStatusIsABadRequest() {
		assertProblem(this.client.get("/graphs/executions?status=bogus"), 400, "Bad Request",
				"Query parameter 'status' must be one of running, completed, failed, cancelled but was 'bogus'",
				"/graphs/executions");
	}

	private String start(String graphId, String body) {
		Reply started = this.client.post("/graphs/" + graphId + "/executions", body);
		assertThat(started.status()).isEqualTo(202);
		String location = started.header("Location");
		return location.substring(location.lastIndexOf('/') + 1);
	}

	private JsonNode list(String uri) {
		Reply reply = this.client.get(uri);
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		JsonNode body = this.json.readTree(reply.body());
		assertThat(body.isArray()).isTrue();
		return body;
	}

	private static List<String> ids(JsonNode list) {
		List<String> ids = new ArrayList<>();
		list.forEach((entry) -> ids.add(entry.get("executionId").asString()));
		return ids;
	}

	private static JsonNode find(JsonNode list, String executionId) {
		for (JsonNode entry : list) {
			if (entry.get("executionId").asString().equals(executionId)) {
				return entry;
			}
		}
		return null;
	}

}
