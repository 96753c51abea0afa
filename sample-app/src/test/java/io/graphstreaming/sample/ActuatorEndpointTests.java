package io.graphstreaming.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import io.graphstreaming.sample.SampleHttp.Frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code graphstreaming} Actuator endpoint and the health indicator of the running
 * sample app, over HTTP.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = SampleAppContractTests.HEARTBEAT)
@AutoConfigureMetrics
class ActuatorEndpointTests {

	private static final String SLOW_RUN = "{\"input\":{\"nodes\":1,\"delayMs\":20000}}";

	private static final String HEALTH_COMPONENT = "graphStreaming";

	@LocalServerPort
	private int port;

	private SampleHttp http;

	@BeforeEach
	void client() {
		this.http = new SampleHttp(this.port);
	}

	@Test
	void endpointListsGraphsWithTheirNodesAndEdges() {
		HttpResponse<String> response = this.http.get("/actuator/graphstreaming");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode graphs = SampleHttp.json(response.body()).get("graphs");
		assertThat(graphs).extracting((graph) -> graph.get("id").asString())
			.containsExactly("demo", "synthetic", "agent");
		JsonNode synthetic = graphs.get(1);
		assertThat(synthetic.get("startNode").asString()).isEqualTo("step");
		assertThat(synthetic.get("nodes")).extracting((node) -> node.get("id").asString())
			.startsWith("step", "fan-out", "join", "loop", "branch-1")
			.hasSize(36);
		JsonNode selfEdge = synthetic.get("edges").get(0);
		assertThat(selfEdge.get("from").asString()).isEqualTo("step");
		assertThat(selfEdge.get("to").asString()).isEqualTo("step");
		assertThat(selfEdge.get("condition").asString()).isEqualTo("more steps");
		assertThat(graphs.get(2).get("nodes")).extracting((node) -> node.get("id").asString())
			.containsExactly("plan", "act", "search", "weather", "calculator", "observe", "answer");
		assertThat(graphs.get(0).get("nodes")).extracting((node) -> node.get("id").asString())
			.containsExactly("receive", "classify", "escalate", "reply", "respond");
	}

	@Test
	void endpointListsARunningExecutionAndItsWriteOperationCancelsIt() {
		String executionId = this.http.startForPolling("synthetic", SLOW_RUN);
		HttpResponse<Stream<String>> stream = this.http
			.getLines("/graphs/synthetic/executions/" + executionId + "/stream");
		assertThat(stream.statusCode()).isEqualTo(200);
		try (Stream<String> lines = stream.body()) {
			Iterator<String> iterator = lines.iterator();
			StringBuilder body = new StringBuilder();
			while (!body.toString().contains("event: NodeStarted\n")) {
				body.append(iterator.next()).append('\n');
			}
			JsonNode listed = activeExecution(executionId);
			assertThat(listed).as("%s among the active executions", executionId).isNotNull();
			assertThat(listed.get("graphId").asString()).isEqualTo("synthetic");
			assertThat(listed.get("status").asString()).isEqualTo("running");
			assertThat(listed.get("currentNode").asString()).isEqualTo("step");
			assertThat(listed.get("consumers").asInt()).isEqualTo(1);
			assertThat(listed.get("ageMs").asLong()).isNotNegative();
			assertThat(listed.get("eventCount").asLong()).isPositive();
			assertThat(listed.get("journalEvents").asLong()).isEqualTo(listed.get("eventCount").asLong());
			assertThat(listed.get("startedAt").asString()).isNotBlank();
			HttpResponse<String> one = this.http.get("/actuator/graphstreaming/" + executionId);
			assertThat(one.statusCode()).isEqualTo(200);
			assertThat(SampleHttp.json(one.body()).get("status").asString()).isEqualTo("running");

			HttpResponse<String> cancel = this.http.post("/actuator/graphstreaming/" + executionId, "");
			assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
			JsonNode cancelled = SampleHttp.json(cancel.body());
			assertThat(cancelled.get("executionId").asString()).isEqualTo(executionId);
			assertThat(cancelled.get("status").asString()).isEqualTo("cancelled");

			iterator.forEachRemaining((line) -> body.append(line).append('\n'));
			List<Frame> frames = SampleHttp.eventFrames(body.toString().replace(": heartbeat\n\n", ""), executionId);
			Frame last = frames.get(frames.size() - 1);
			assertThat(last.event()).isEqualTo("ExecutionCancelled");
			assertThat(last.data().get("reason").asString())
				.isEqualTo("cancelled through the graphstreaming actuator endpoint");
		}
		JsonNode status = SampleHttp.json(this.http.get("/graphs/synthetic/executions/" + executionId).body());
		assertThat(status.get("status").asString()).isEqualTo("cancelled");
		assertThat(activeExecution(executionId)).isNull();
		HttpResponse<String> retained = this.http.get("/actuator/graphstreaming/" + executionId);
		assertThat(SampleHttp.json(retained.body()).get("status").asString()).isEqualTo("cancelled");
	}

	@Test
	void endpointAnswers404ForAnUnknownExecution() {
		assertThat(this.http.get("/actuator/graphstreaming/no-such-execution").statusCode()).isEqualTo(404);
		assertThat(this.http.post("/actuator/graphstreaming/no-such-execution", "").statusCode()).isEqualTo(404);
	}

	@Test
	void healthIncludesTheGraphStreamingComponentWithItsLimits() {
		HttpResponse<String> response = this.http.get("/actuator/health");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode component = SampleHttp.json(response.body()).get("components").get(HEALTH_COMPONENT);
		assertThat(component).as(response.body()).isNotNull();
		assertThat(component.get("status").asString()).isEqualTo("UP");
		JsonNode details = component.get("details");
		assertThat(details.get("maxConcurrentExecutions").asInt()).isEqualTo(1000);
		assertThat(details.get("maxConcurrentStreams").asInt()).isEqualTo(10000);
		assertThat(details.has("activeExecutions")).isTrue();
		assertThat(details.has("openStreams")).isTrue();
		assertThat(details.has("reason")).isFalse();
	}

	private JsonNode activeExecution(String executionId) {
		JsonNode report = SampleHttp.json(this.http.get("/actuator/graphstreaming").body());
		for (JsonNode execution : report.get("activeExecutions")) {
			if (execution.get("executionId").asString().equals(executionId)) {
				return execution;
			}
		}
		return null;
	}

	/**
	 * With room for one execution, health goes down while it runs and up once it ends.
	 */
	@Nested
	@TestPropertySource(properties = "graph.streaming.execution.max-concurrent=1")
	class AtTheExecutionLimit {

		@LocalServerPort
		private int port;

		@Test
		void healthIsDownWhileTheOnlyExecutionSlotIsTakenAndUpAfter() {
			SampleHttp http = new SampleHttp(this.port);
			assertThat(graphStreamingHealth(http).get("status").asString()).isEqualTo("UP");
			String executionId = http.startForPolling("synthetic", SLOW_RUN);

			HttpResponse<String> down = http.get("/actuator/health");
			assertThat(down.statusCode()).isEqualTo(503);
			JsonNode health = SampleHttp.json(down.body());
			assertThat(health.get("status").asString()).isEqualTo("DOWN");
			JsonNode component = health.get("components").get(HEALTH_COMPONENT);
			assertThat(component.get("status").asString()).isEqualTo("DOWN");
			assertThat(component.get("details").get("activeExecutions").asInt()).isEqualTo(1);
			assertThat(component.get("details").get("maxConcurrentExecutions").asInt()).isEqualTo(1);
			assertThat(component.get("details").get("reason").asString())
				.isEqualTo("concurrent execution limit reached");
			assertThat(http.post("/graphs/synthetic/executions", SLOW_RUN).statusCode()).isEqualTo(429);

			assertThat(http.delete("/graphs/synthetic/executions/" + executionId).statusCode()).isEqualTo(202);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				HttpResponse<String> up = http.get("/actuator/health");
				assertThat(up.statusCode()).isEqualTo(200);
				assertThat(SampleHttp.json(up.body()).get("status").asString()).isEqualTo("UP");
			});
			JsonNode after = graphStreamingHealth(http);
			assertThat(after.get("status").asString()).isEqualTo("UP");
			assertThat(after.get("details").get("activeExecutions").asInt()).isZero();
			assertThat(after.get("details").has("reason")).isFalse();
			// The slot is free again: a new execution runs.
			HttpResponse<String> next = http.post("/graphs/demo/execute/stream", "{\"input\":{}}");
			assertThat(next.statusCode()).isEqualTo(200);
			List<Frame> frames = SampleHttp.eventFrames(next.body().replace(": heartbeat\n\n", ""),
					next.headers().firstValue("X-Execution-Id").orElseThrow());
			assertThat(frames.get(frames.size() - 1).event()).isEqualTo("ExecutionCompleted");
		}

		private JsonNode graphStreamingHealth(SampleHttp http) {
			return SampleHttp.json(http.get("/actuator/health").body()).get("components").get(HEALTH_COMPONENT);
		}

	}

}
