package io.graphstreaming.spring.web.websocket;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.web.websocket.testapp.WebSocketTestApplication;

import static io.graphstreaming.spring.web.websocket.testapp.WebSocketTestApplication.GREETING;
import static io.graphstreaming.spring.web.websocket.testapp.WebSocketTestApplication.STEP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The WebSocket transport under the {@code cancel} disconnect policy and a limit of one
 * concurrent execution.
 */
@SpringBootTest(classes = WebSocketTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.execution.disconnect-policy=cancel",
				"graph.streaming.execution.max-concurrent=1" })
class GraphWebSocketExecutionPolicyTests {

	private static final String LONG_RUN = """
			{"type":"execute","input":{"nodes":500,"delayMs":10}}""";

	@LocalServerPort
	private int port;

	@Autowired
	private GraphRegistry registry;

	@Autowired
	private JsonMapper jsonMapper;

	@BeforeEach
	void noExecutionRuns() {
		await().atMost(TestSocket.TIMEOUT).until(() -> this.registry.executions().activeCount() == 0);
	}

	@Test
	void clientLeavingMidStreamCancelsTheExecution() {
		String executionId;
		try (TestSocket socket = TestSocket.open(uri(STEP))) {
			socket.send(LONG_RUN);
			executionId = json(socket.next()).get("executionId").stringValue();
			socket.next();
		}
		GraphExecution execution = this.registry.execution(STEP, executionId);
		await().atMost(TestSocket.TIMEOUT).until(() -> execution.status() == ExecutionStatus.CANCELLED);
		try (TestSocket socket = TestSocket.open(uri(STEP))) {
			socket.send("{\"type\":\"resume\",\"executionId\":\"" + executionId + "\"}");
			List<String> frames = socket.untilClosed();
			assertThat(socket.awaitClose().getCode()).isEqualTo(1000);
			JsonNode last = json(frames.get(frames.size() - 1));
			assertThat(last.get("eventType").stringValue()).isEqualTo("ExecutionCancelled");
			assertThat(last.get("reason").stringValue()).isEqualTo("the last consumer left");
		}
	}

	@Test
	void executeOverTheExecutionLimitGets429AndTheSocketStaysUsable() {
		try (TestSocket running = TestSocket.open(uri(STEP)); TestSocket refused = TestSocket.open(uri(GREETING))) {
			running.send(LONG_RUN);
			running.next();
			refused.send("{\"type\":\"execute\"}");
			JsonNode error = json(refused.next());
			assertThat(error.get("status").intValue()).isEqualTo(429);
			assertThat(error.get("detail").stringValue()).isEqualTo("Too many concurrent executions: the limit is 1");
			running.send("{\"type\":\"cancel\"}");
			running.untilClosed();
			await().atMost(TestSocket.TIMEOUT).until(() -> this.registry.executions().activeCount() == 0);
			refused.send("{\"type\":\"execute\"}");
			List<String> frames = new ArrayList<>(refused.untilClosed());
			assertThat(refused.awaitClose().getCode()).isEqualTo(1000);
			assertThat(json(frames.get(frames.size() - 1)).get("eventType").stringValue())
				.isEqualTo("ExecutionCompleted");
		}
	}

	private JsonNode json(String frame) {
		return this.jsonMapper.readTree(frame);
	}

	private URI uri(String graphId) {
		return URI.create("ws://localhost:" + this.port + "/graphs/" + graphId + "/ws");
	}

}
