package io.graphstreaming.spring.web;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.security.DefaultGraphAuthorizer;
import io.graphstreaming.spring.security.GraphAccess;
import io.graphstreaming.spring.security.GraphAuthorizer;
import io.graphstreaming.spring.security.GraphPrincipals;
import io.graphstreaming.spring.web.HttpTestClient.Reply;
import io.graphstreaming.spring.web.testapp.SecuredTestApplication;

import static io.graphstreaming.spring.web.AbstractWebTransportTests.assertProblem;
import static io.graphstreaming.spring.web.BasicAuthSocket.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application's own {@link GraphAuthorizer} bean replaces the default rule in every
 * transport. Its rule, decided asynchronously on another thread: nobody executes or
 * describes {@code demo} (so nobody resumes one of its executions from a checkpoint
 * either), only the admin role cancels; everything else as by default.
 */
@SpringBootTest(classes = SecuredTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "graph.streaming.checkpoints.enabled=true")
@Import(CustomGraphAuthorizerTests.RestrictiveAuthorizer.class)
class CustomGraphAuthorizerTests {

	private static final String HELD = "/graphs/held";

	@LocalServerPort
	int port;

	@Autowired
	GraphRegistry registry;

	@Autowired
	GraphAuthorizer authorizer;

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

	@Test
	void applicationBeanReplacesTheDefault() {
		assertThat(this.authorizer).isNotInstanceOf(DefaultGraphAuthorizer.class);
	}

	@Test
	void refusedExecuteIs403NamingGraphAndOperationOnEveryHttpTransport() {
		int before = this.registry.executions().executions().size();

		for (String path : List.of("/graphs/demo/execute", "/graphs/demo/execute/stream", "/graphs/demo/executions")) {
			Reply reply = this.client.exchange("POST", path, basic("alice"), "{\"input\":{}}").block(HttpTestClient.TIMEOUT);
			assertProblem(reply, 403, "Forbidden", "\"detail\":\"Not allowed to EXECUTE graph 'demo'\"", path);
		}
		assertProblem(this.client.get("/graphs/demo/execute/stream?input=%7B%7D", basic("admin")), 403, "Forbidden",
				"Not allowed to EXECUTE graph 'demo'", "/graphs/demo/execute/stream");
		assertThat(this.registry.executions().executions()).hasSize(before);
	}

	@Test
	void refusedExecuteRefusesResumingFromACheckpointOverBothRoutesEvenToTheOwner() {
		String demoRun = this.registry.start("demo", Map.of(), "alice").executionId();
		awaitCheckpoint("demo", demoRun);
		int before = this.registry.executions().executions().size();

		for (String user : List.of("alice", "admin")) {
			for (String route : List.of("/resume", "/resume/stream")) {
				String path = "/graphs/demo/executions/" + demoRun + route;
				Reply reply = this.client.exchange("POST", path, basic(user), "{}").block(HttpTestClient.TIMEOUT);
				assertProblem(reply, 403, "Forbidden", "\"detail\":\"Not allowed to EXECUTE graph 'demo'\"", path);
			}
		}
		assertThat(this.registry.executions().executions()).hasSize(before);

		String heldRun = this.registry.start("held", Map.of(), "alice").executionId();
		awaitCheckpoint("held", heldRun);
		Reply allowed = this.client
			.exchange("POST", HELD + "/executions/" + heldRun + "/resume", basic("alice"), "{}")
			.block(HttpTestClient.TIMEOUT);
		assertThat(allowed.status()).as("the same resume of a graph the rule lets alice execute").isEqualTo(202);
	}

	private void awaitCheckpoint(String graphId, String executionId) {
		await().atMost(HttpTestClient.TIMEOUT)
			.until(() -> !this.registry.checkpoints(graphId, executionId).collectList().block(HttpTestClient.TIMEOUT)
				.isEmpty());
	}

	@Test
	void refusedDescribeHidesTheGraphFromTheList() {
		Reply list = this.client.get("/graphs", basic("alice"));

		assertThat(this.json.readTree(list.body()).valueStream().map((graph) -> graph.path("id").asString()))
			.containsExactly("held");
		assertProblem(this.client.get("/graphs/demo", basic("alice")), 403, "Forbidden",
				"Not allowed to DESCRIBE graph 'demo'", "/graphs/demo");
		assertThat(this.client.get(HELD, basic("alice")).status()).isEqualTo(200);
	}

	@Test
	void refusedCancelOfOwnExecutionIs403AndAdminMayCancel() {
		String executionId = startHeld("alice");
		String path = HELD + "/executions/" + executionId;

		assertProblem(delete(path, "alice"), 403, "Forbidden",
				"Not allowed to CANCEL execution '" + executionId + "' of graph 'held'", path);
		assertThat(this.registry.execution("held", executionId).status()).isEqualTo(ExecutionStatus.RUNNING);
		assertThat(delete(path, "admin").status()).isEqualTo(202);
	}

	@Test
	void refusedWebSocketExecuteGetsAnErrorMessageAndTheSocketStaysUsable() {
		try (BasicAuthSocket socket = BasicAuthSocket.open(wsUri("demo"), "alice")) {
			socket.send("{\"type\":\"execute\",\"input\":{}}");
			JsonNode refused = this.json.readTree(socket.next());
			socket.send("{\"type\":\"cancel\"}");
			JsonNode nothingStreaming = this.json.readTree(socket.next());

			assertThat(refused.path("type").asString()).isEqualTo("error");
			assertThat(refused.path("status").asInt()).isEqualTo(403);
			assertThat(refused.path("detail").asString()).isEqualTo("Not allowed to EXECUTE graph 'demo'");
			assertThat(nothingStreaming.path("status").asInt()).isEqualTo(409);
		}
	}

	@Test
	void refusedWebSocketCancelGetsAnErrorMessageAndTheStreamGoesOn() {
		String executionId = startHeld("alice");

		try (BasicAuthSocket socket = BasicAuthSocket.open(wsUri("held"), "alice")) {
			socket.send("{\"type\":\"resume\",\"executionId\":\"" + executionId + "\",\"after\":0}");
			socket.nextContaining("ExecutionStarted");
			socket.send("{\"type\":\"cancel\"}");
			JsonNode refused = this.json.readTree(socket.nextError());

			assertThat(refused.path("detail").asString())
				.isEqualTo("Not allowed to CANCEL execution '" + executionId + "' of graph 'held'");
			assertThat(this.registry.execution("held", executionId).status()).isEqualTo(ExecutionStatus.RUNNING);

			assertThat(delete(HELD + "/executions/" + executionId, "admin").status()).isEqualTo(202);
			socket.nextContaining("ExecutionCancelled");
			assertThat(socket.awaitClose().getCode()).isEqualTo(1000);
		}
	}

	private String startHeld(String user) {
		Reply reply = this.client
			.exchange("POST", HELD + "/executions", basic(user), "{\"input\":{\"holdKey\":\"" + this.holdKey + "\"}}")
			.block(HttpTestClient.TIMEOUT);
		assertThat(reply.status()).as(reply.body()).isEqualTo(202);
		return this.json.readTree(reply.body()).path("executionId").asString();
	}

	private Reply delete(String path, String user) {
		return this.client.exchange("DELETE", path, basic(user), null).block(HttpTestClient.TIMEOUT);
	}

	private URI wsUri(String graphId) {
		return URI.create("ws://localhost:" + this.port + "/graphs/" + graphId + "/ws");
	}

	@Configuration(proxyBeanMethods = false)
	static class RestrictiveAuthorizer {

		@Bean
		GraphAuthorizer restrictiveAuthorizer() {
			DefaultGraphAuthorizer defaults = new DefaultGraphAuthorizer("GRAPH_ADMIN");
			return (access) -> Mono.fromCallable(() -> decide(defaults, access)).subscribeOn(Schedulers.boundedElastic());
		}

		private static boolean decide(DefaultGraphAuthorizer defaults, GraphAccess access) {
			boolean demo = access.graphId().equals("demo");
			return switch (access.operation()) {
				case DESCRIBE, EXECUTE -> !demo;
				case CANCEL -> GraphPrincipals.hasRole(access.principal(), "GRAPH_ADMIN");
				case READ -> defaults.isAllowed(access);
			};
		}

	}

}
