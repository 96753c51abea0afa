package io.graphstreaming.spring.web;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.execution.ExecutionResult;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.web.HttpTestClient.Reply;
import io.graphstreaming.spring.web.HttpTestClient.SseFrame;
import io.graphstreaming.spring.web.testapp.SecuredTestApplication;

import static io.graphstreaming.spring.web.AbstractWebTransportTests.assertProblem;
import static io.graphstreaming.spring.web.BasicAuthSocket.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Authorization with Spring Security and the default {@code GraphAuthorizer}: for each
 * operation, an anonymous caller gets the security chain's 401, another user gets 403
 * for an execution he did not start, its owner and the admin role get through. Users:
 * {@code alice}, {@code bob} (role USER), {@code admin} (role GRAPH_ADMIN).
 */
@SpringBootTest(classes = SecuredTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "graph.streaming.checkpoints.enabled=true")
class AuthorizationTests {

	private static final String HELD = "/graphs/held";

	private static final Duration TIMEOUT = HttpTestClient.TIMEOUT;

	@LocalServerPort
	int port;

	@Autowired
	GraphRegistry registry;

	private final JsonMapper json = new JsonMapper();

	private final String holdKey = "key-" + UUID.randomUUID();

	private HttpTestClient client;

	@BeforeEach
	void createClient() {
		this.client = new HttpTestClient(this.port);
		SecuredTestApplication.HELD.add(this.holdKey);
	}

	@AfterEach
	void release() {
		SecuredTestApplication.HELD.remove(this.holdKey);
		this.registry.executions().cancelAll("test over");
	}

	static Stream<Arguments> everyEndpoint() {
		String execution = HELD + "/executions/" + UUID.randomUUID();
		String input = "{\"input\":{}}";
		return Stream.of(Arguments.of("GET", "/graphs", null), Arguments.of("GET", "/graphs/executions", null),
				Arguments.of("GET", HELD, null), Arguments.of("POST", "/graphs/demo/execute", input),
				Arguments.of("POST", "/graphs/demo/execute/stream", input),
				Arguments.of("GET", "/graphs/demo/execute/stream?input=%7B%7D", null),
				Arguments.of("POST", HELD + "/executions", input), Arguments.of("GET", execution, null),
				Arguments.of("GET", execution + "/stream", null), Arguments.of("GET", execution + "/events", null),
				Arguments.of("DELETE", execution, null), Arguments.of("GET", execution + "/checkpoints", null),
				Arguments.of("GET", HELD + "/checkpoints/" + UUID.randomUUID() + "-1", null),
				Arguments.of("POST", execution + "/resume", "{}"), Arguments.of("POST", execution + "/resume/stream", "{}"),
				Arguments.of("GET", HELD + "/ws", null));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("everyEndpoint")
	void anonymousCallerIsTurnedAwayBySecurityChainWith401(String method, String path, String body) {
		int before = this.registry.executions().executions().size();

		Map<String, String> headers = path.endsWith("/ws") ? Map.of("Upgrade", "websocket", "Connection", "Upgrade")
				: Map.of("Content-Type", "application/json");

		Reply reply = this.client.exchange(method, path, headers, body).block(TIMEOUT);

		assertThat(reply.status()).as(reply.body()).isEqualTo(401);
		assertThat(reply.header("WWW-Authenticate")).startsWith("Basic");
		assertThat(this.registry.executions().executions()).hasSize(before);
	}

	@Test
	void anonymousWebSocketHandshakeIsRefused() {
		assertThatExceptionOfType(CompletionException.class)
			.isThrownBy(() -> BasicAuthSocket.openAnonymously(wsUri()).join())
			.withMessageContaining("401");
	}

	@Test
	void anyUserListsAndDescribesGraphs() {
		for (String user : List.of("alice", "bob", "admin")) {
			Reply list = this.client.get("/graphs", basic(user));
			assertThat(list.status()).isEqualTo(200);
			assertThat(this.json.readTree(list.body()).findValuesAsString("id")).contains("demo", "held");
			assertThat(this.client.get(HELD, basic(user)).status()).isEqualTo(200);
		}
	}

	@Test
	void executeRecordsTheCallerAsOwner() {
		Reply reply = this.client.exchange("POST", "/graphs/demo/execute", basic("alice"), "{\"input\":{}}")
			.block(TIMEOUT);

		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		String executionId = this.json.readTree(reply.body()).path("executionId").asString();
		assertThat(this.registry.execution("demo", executionId).owner()).isEqualTo("alice");
	}

	@Test
	void executeStreamOverPostAndGetRecordsTheCallerAsOwner() {
		Reply post = this.client.exchange("POST", "/graphs/demo/execute/stream", basic("bob"), "{\"input\":{}}")
			.block(TIMEOUT);
		Reply get = this.client.get("/graphs/demo/execute/stream?input=%7B%7D", basic("alice"));

		assertThat(post.status()).isEqualTo(200);
		assertThat(post.frames()).last().extracting(SseFrame::event).isEqualTo("ExecutionCompleted");
		assertThat(this.registry.execution("demo", post.header("X-Execution-Id")).owner()).isEqualTo("bob");
		assertThat(get.status()).isEqualTo(200);
		assertThat(this.registry.execution("demo", get.header("X-Execution-Id")).owner()).isEqualTo("alice");
	}

	@Test
	void pollingStartRecordsTheCallerAsOwnerAndStatusShowsIt() {
		String executionId = startHeld("alice");

		Reply status = this.client.get(HELD + "/executions/" + executionId, basic("alice"));

		assertThat(this.registry.execution("held", executionId).owner()).isEqualTo("alice");
		assertThat(status.status()).isEqualTo(200);
		assertThat(this.json.readTree(status.body()).path("owner").asString()).isEqualTo("alice");
	}

	@Test
	void statusIsReadByOwnerAndAdminOnly() {
		String path = HELD + "/executions/" + startHeld("alice");

		assertForbidden(this.client.get(path, basic("bob")), "READ", path);
		assertThat(this.client.get(path, basic("alice")).status()).isEqualTo(200);
		assertThat(this.client.get(path, basic("admin")).status()).isEqualTo(200);
	}

	@Test
	void eventsArePolledByOwnerAndAdminOnly() {
		String executionId = startHeld("alice");
		String path = HELD + "/executions/" + executionId + "/events?after=0";

		assertForbidden(this.client.get(path, basic("bob")), "READ", HELD + "/executions/" + executionId + "/events");
		for (String user : List.of("alice", "admin")) {
			Reply reply = this.client.get(path, basic(user));
			assertThat(reply.status()).isEqualTo(200);
			assertThat(this.json.readTree(reply.body()).path("events").get(0).path("eventType").asString())
				.isEqualTo("ExecutionStarted");
		}
	}

	@Test
	void executionStreamIsReadByOwnerAndAdminOnly() {
		String executionId = startHeld("alice");
		String path = HELD + "/executions/" + executionId + "/stream";

		assertForbidden(this.client.get(path, basic("bob")), "READ", path);
		for (String user : List.of("alice", "admin")) {
			int[] status = { 0 };
			SseFrame first = this.client
				.frames("GET", path, basic(user), null, (response) -> status[0] = response.status().code())
				.blockFirst(TIMEOUT);
			assertThat(status[0]).isEqualTo(200);
			assertThat(first.event()).isEqualTo("ExecutionStarted");
		}
	}

	@Test
	void reattachingWithLastEventIdToTheExecuteUrlIsARead() {
		String executionId = startHeld("alice");
		int before = this.registry.executions().executions().size();
		Map<String, String> bob = new LinkedHashMap<>(basic("bob"));
		bob.put("Last-Event-ID", executionId + ":1");

		Reply reply = this.client.get(HELD + "/execute/stream", bob);

		assertForbidden(reply, "READ", HELD + "/execute/stream", executionId);
		assertThat(this.registry.executions().executions()).hasSize(before);
	}

	@Test
	void cancelIsAllowedToOwnerAndAdminOnly() {
		String alices = startHeld("alice");
		String other = startHeld("alice");

		assertForbidden(delete(HELD + "/executions/" + alices, "bob"), "CANCEL",
				HELD + "/executions/" + alices);
		assertThat(this.registry.execution("held", alices).status()).isEqualTo(ExecutionStatus.RUNNING);

		assertThat(delete(HELD + "/executions/" + alices, "alice").status()).isEqualTo(202);
		assertThat(awaitEnd(alices).status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertThat(delete(HELD + "/executions/" + other, "admin").status()).isEqualTo(202);
		assertThat(awaitEnd(other).status()).isEqualTo(ExecutionStatus.CANCELLED);
	}

	@Test
	void executionsListShowsOnlyWhatTheCallerMayRead() {
		String alices = startHeld("alice");
		String bobs = startHeld("bob");

		assertThat(listedIds("alice")).contains(alices).doesNotContain(bobs);
		assertThat(listedIds("bob")).contains(bobs).doesNotContain(alices);
		assertThat(listedIds("admin")).contains(alices, bobs);
	}

	@Test
	void checkpointsAreReadByOwnerAndAdminOnly() {
		String executionId = startHeld("alice");
		String checkpointId = awaitCheckpoint(executionId);
		String list = HELD + "/executions/" + executionId + "/checkpoints";
		String one = HELD + "/checkpoints/" + checkpointId;

		assertForbidden(this.client.get(list, basic("bob")), "READ", list);
		assertForbidden(this.client.get(one, basic("bob")), "READ", one, executionId);
		for (String user : List.of("alice", "admin")) {
			Reply listed = this.client.get(list, basic(user));
			assertThat(listed.status()).isEqualTo(200);
			assertThat(this.json.readTree(listed.body()).findValuesAsString("checkpointId")).contains(checkpointId);
			assertThat(this.client.get(one, basic(user)).status()).isEqualTo(200);
		}
	}

	@Test
	void resumeFromCheckpointNeedsToReadTheExecutionAndTheCallerOwnsTheNewOne() {
		String executionId = startHeld("alice");
		awaitCheckpoint(executionId);
		this.registry.execution("held", executionId).cancel("to resume it");
		awaitEnd(executionId);
		String resume = HELD + "/executions/" + executionId + "/resume";
		int before = this.registry.executions().executions().size();

		assertForbidden(this.client.exchange("POST", resume, basic("bob"), "{}").block(TIMEOUT), "READ", resume,
				executionId);
		assertForbidden(this.client.exchange("POST", resume + "/stream", basic("bob"), "{}").block(TIMEOUT), "READ",
				resume + "/stream", executionId);
		assertThat(this.registry.executions().executions()).hasSize(before);

		for (String user : List.of("alice", "admin")) {
			Reply resumed = this.client.exchange("POST", resume, basic(user), "{}").block(TIMEOUT);
			assertThat(resumed.status()).as(resumed.body()).isEqualTo(202);
			String newId = this.json.readTree(resumed.body()).path("executionId").asString();
			assertThat(this.registry.execution("held", newId).owner()).isEqualTo(user);
		}
	}

	@Test
	void webSocketExecuteRecordsTheHandshakePrincipalAsOwner() {
		try (BasicAuthSocket socket = BasicAuthSocket.open(wsUri("demo"), "bob")) {
			socket.send("{\"type\":\"execute\",\"input\":{}}");

			JsonNode started = this.json.readTree(socket.nextContaining("ExecutionStarted"));
			socket.nextContaining("ExecutionCompleted");

			assertThat(socket.awaitClose().getCode()).isEqualTo(1000);
			assertThat(this.registry.execution("demo", started.path("executionId").asString()).owner())
				.isEqualTo("bob");
		}
	}

	/**
	 * Spring Security's filters may finish a handshake request on another thread than the
	 * connection's event loop (the in-memory WebSession store answers on the parallel
	 * scheduler); an upgrade done there lost, now and then, the frame a client sent right
	 * after the handshake. Many sockets in a row make such a loss all but certain to show.
	 */
	@Test
	void messageSentRightAfterTheHandshakeIsNeverLostBehindSecurity() {
		for (int i = 0; i < 60; i++) {
			try (BasicAuthSocket socket = BasicAuthSocket.open(wsUri("demo"), "alice")) {
				socket.send("{\"type\":\"execute\",\"input\":{}}");

				assertThat(socket.next()).as("socket %d", i).contains("\"eventType\":\"ExecutionStarted\"");
			}
		}
	}

	@Test
	void webSocketResumeOfAnotherUsersExecutionGets403AndTheSocketStaysUsable() {
		String executionId = startHeld("alice");

		try (BasicAuthSocket socket = BasicAuthSocket.open(wsUri(), "bob")) {
			socket.send("{\"type\":\"resume\",\"executionId\":\"" + executionId + "\",\"after\":0}");
			JsonNode refused = this.json.readTree(socket.next());
			socket.send("{\"type\":\"cancel\"}");
			JsonNode nothingStreaming = this.json.readTree(socket.next());

			assertThat(refused.path("type").asString()).isEqualTo("error");
			assertThat(refused.path("status").asInt()).isEqualTo(403);
			assertThat(refused.path("detail").asString())
				.isEqualTo("Not allowed to READ execution '" + executionId + "' of graph 'held'");
			assertThat(nothingStreaming.path("status").asInt()).isEqualTo(409);
		}
		assertThat(this.registry.execution("held", executionId).status()).isEqualTo(ExecutionStatus.RUNNING);
	}

	@Test
	void webSocketResumeAndCancelAreAllowedToOwnerAndAdmin() {
		for (String user : List.of("alice", "admin")) {
			String executionId = startHeld("alice");
			try (BasicAuthSocket socket = BasicAuthSocket.open(wsUri(), user)) {
				socket.send("{\"type\":\"resume\",\"executionId\":\"" + executionId + "\",\"after\":0}");
				socket.nextContaining("ExecutionStarted");
				socket.send("{\"type\":\"cancel\"}");

				socket.nextContaining("ExecutionCancelled");
				assertThat(socket.awaitClose().getCode()).isEqualTo(1000);
			}
			assertThat(awaitEnd(executionId).status()).isEqualTo(ExecutionStatus.CANCELLED);
		}
	}

	private String startHeld(String user) {
		Reply reply = this.client
			.exchange("POST", HELD + "/executions", basic(user), "{\"input\":{\"holdKey\":\"" + this.holdKey + "\"}}")
			.block(TIMEOUT);
		assertThat(reply.status()).as(reply.body()).isEqualTo(202);
		return this.json.readTree(reply.body()).path("executionId").asString();
	}

	private Reply delete(String path, String user) {
		return this.client.exchange("DELETE", path, basic(user), null).block(TIMEOUT);
	}

	private List<String> listedIds(String user) {
		Reply reply = this.client.get("/graphs/executions", basic(user));
		assertThat(reply.status()).isEqualTo(200);
		return this.json.readTree(reply.body()).findValuesAsString("executionId");
	}

	/**
	 * Long-polls the execution's events (as admin) until its first checkpoint is saved.
	 */
	private String awaitCheckpoint(String executionId) {
		long after = 0;
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			Reply reply = this.client.get(HELD + "/executions/" + executionId + "/events?after=" + after + "&waitMs=5000",
					basic("admin"));
			JsonNode page = this.json.readTree(reply.body());
			for (JsonNode event : page.path("events")) {
				if (event.path("eventType").asString().equals("CheckpointCreated")) {
					return event.path("checkpointId").asString();
				}
			}
			after = page.path("next").asLong();
		}
		throw new AssertionError("No checkpoint of " + executionId + " within " + TIMEOUT);
	}

	private ExecutionResult awaitEnd(String executionId) {
		GraphExecution execution = this.registry.execution("held", executionId);
		return execution.result().block(TIMEOUT);
	}

	private URI wsUri() {
		return wsUri("held");
	}

	private URI wsUri(String graphId) {
		return URI.create("ws://localhost:" + this.port + "/graphs/" + graphId + "/ws");
	}

	private static void assertForbidden(Reply reply, String operation, String path) {
		String execution = path.replaceAll(".*/executions/([^/?]+).*", "$1");
		assertForbidden(reply, operation, path, execution);
	}

	private static void assertForbidden(Reply reply, String operation, String path, String executionId) {
		assertProblem(reply, 403, "Forbidden",
				"Not allowed to " + operation + " execution '" + executionId + "' of graph 'held'", path);
	}

}
