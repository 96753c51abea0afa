package io.graphstreaming.spring.web.websocket;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.execution.ExecutionExpiredException;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.web.StreamLimiter;
import io.graphstreaming.spring.web.websocket.testapp.WebSocketTestApplication;

import static io.graphstreaming.spring.web.websocket.testapp.WebSocketTestApplication.FLEETING;
import static io.graphstreaming.spring.web.websocket.testapp.WebSocketTestApplication.GREETING;
import static io.graphstreaming.spring.web.websocket.testapp.WebSocketTestApplication.STEP;
import static io.graphstreaming.spring.web.websocket.testapp.WebSocketTestApplication.TRIMMED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Drives {@code /graphs/{graphId}/ws} with a real WebSocket client against a running
 * server.
 */
@SpringBootTest(classes = WebSocketTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.web.websocket-ping-interval=200ms", "graph.streaming.web.websocket-max-message-size=4KB",
				"graph.streaming.web.max-concurrent-streams=50", "graph.streaming.graphs.trimmed.journal.max-events=4",
				"graph.streaming.graphs.fleeting.journal.retention=1ms", "graph.streaming.graphs.step.buffer-size=50",
				"graph.streaming.graphs.step.max-buffer-size=100" })
class GraphWebSocketHandlerIntegrationTests {

	private static final String EXECUTE_LOUD = """
			{"type":"execute","input":{"name":"Ada","loud":true}}""";

	@LocalServerPort
	private int port;

	@Autowired
	private GraphRegistry registry;

	@Autowired
	private GraphEventJsonWriter jsonWriter;

	@Autowired
	private StreamLimiter limiter;

	@Autowired
	private JsonMapper jsonMapper;

	@Test
	void executeSendsEachEventAsItsJournalJsonInOrderThenClosesNormally() {
		try (TestSocket socket = TestSocket.open(uri(GREETING))) {
			socket.send(EXECUTE_LOUD);
			List<String> frames = socket.untilClosed();
			assertThat(socket.awaitClose().getCode()).isEqualTo(1000);
			assertContiguous(frames);
			GraphExecution execution = this.registry.execution(GREETING, executionId(frames.get(0)));
			for (String frame : frames) {
				long sequence = json(frame).get("sequence").longValue();
				byte[] journalBytes = execution.journal().entry(sequence).serialized(this.jsonWriter);
				assertThat(frame).isEqualTo(new String(journalBytes, StandardCharsets.UTF_8));
			}
			assertThat(normalized(frames)).isEqualTo("""
					{"eventType":"ExecutionStarted","executionId":"<id>","graphId":"greeting","sequence":1,"timestamp":"<ts>","startNode":"greet","input":{"name":"Ada","loud":true}}
					{"eventType":"NodeEntered","executionId":"<id>","graphId":"greeting","sequence":2,"timestamp":"<ts>","nodeId":"greet"}
					{"eventType":"NodeStarted","executionId":"<id>","graphId":"greeting","sequence":3,"timestamp":"<ts>","nodeId":"greet"}
					{"eventType":"NodeCompleted","executionId":"<id>","graphId":"greeting","sequence":4,"timestamp":"<ts>","nodeId":"greet","durationMs":0,"output":{"greeting":"Hello, Ada"}}
					{"eventType":"NodeExited","executionId":"<id>","graphId":"greeting","sequence":5,"timestamp":"<ts>","nodeId":"greet"}
					{"eventType":"ConditionEvaluated","executionId":"<id>","graphId":"greeting","sequence":6,"timestamp":"<ts>","nodeId":"greet","targetNode":"shout","condition":"loud","result":true}
					{"eventType":"NodeEntered","executionId":"<id>","graphId":"greeting","sequence":7,"timestamp":"<ts>","nodeId":"shout"}
					{"eventType":"NodeStarted","executionId":"<id>","graphId":"greeting","sequence":8,"timestamp":"<ts>","nodeId":"shout"}
					{"eventType":"NodeCompleted","executionId":"<id>","graphId":"greeting","sequence":9,"timestamp":"<ts>","nodeId":"shout","durationMs":0,"output":{"greeting":"HELLO, ADA"}}
					{"eventType":"NodeExited","executionId":"<id>","graphId":"greeting","sequence":10,"timestamp":"<ts>","nodeId":"shout"}
					{"eventType":"NodeEntered","executionId":"<id>","graphId":"greeting","sequence":11,"timestamp":"<ts>","nodeId":"finish"}
					{"eventType":"NodeStarted","executionId":"<id>","graphId":"greeting","sequence":12,"timestamp":"<ts>","nodeId":"finish"}
					{"eventType":"NodeCompleted","executionId":"<id>","graphId":"greeting","sequence":13,"timestamp":"<ts>","nodeId":"finish","durationMs":0,"output":{"done":true}}
					{"eventType":"NodeExited","executionId":"<id>","graphId":"greeting","sequence":14,"timestamp":"<ts>","nodeId":"finish"}
					{"eventType":"ExecutionCompleted","executionId":"<id>","graphId":"greeting","sequence":15,"timestamp":"<ts>","durationMs":0,"output":{"name":"Ada","loud":true,"greeting":"HELLO, ADA","done":true}}
					""");
		}
	}

	@Test
	void executeWithEventTypesSendsOnlyThoseTypes() {
		try (TestSocket socket = TestSocket.open(uri(GREETING))) {
			socket.send("""
					{"type":"execute","input":{},"eventTypes":["NodeStarted","NodeCompleted"]}""");
			List<String> frames = socket.untilClosed();
			assertThat(socket.awaitClose().getCode()).isEqualTo(1000);
			assertThat(frames).extracting((frame) -> field(frame, "eventType") + " " + field(frame, "nodeId"))
				.containsExactly("NodeStarted greet", "NodeCompleted greet", "NodeStarted finish",
						"NodeCompleted finish");
			assertThat(frames).extracting((frame) -> json(frame).get("sequence").longValue())
				.containsExactly(3L, 4L, 8L, 9L);
		}
	}

	@Test
	void executeWithNodesSendsOnlyThoseNodesEvents() {
		try (TestSocket socket = TestSocket.open(uri(GREETING))) {
			socket.send("""
					{"type":"execute","input":{"loud":true},"nodes":["shout"]}""");
			List<String> frames = socket.untilClosed();
			assertThat(socket.awaitClose().getCode()).isEqualTo(1000);
			assertThat(frames).extracting((frame) -> field(frame, "eventType") + " " + field(frame, "nodeId"))
				.containsExactly("NodeEntered shout", "NodeStarted shout", "NodeCompleted shout", "NodeExited shout");
		}
	}

	@Test
	void cancelMidRunEndsWithExecutionCancelledThenClosesNormally() {
		try (TestSocket socket = TestSocket.open(uri(STEP))) {
			socket.send("""
					{"type":"execute","input":{"nodes":1000,"delayMs":10}}""");
			List<String> frames = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				frames.add(socket.next());
			}
			socket.send("""
					{"type":"cancel"}""");
			frames.addAll(socket.untilClosed());
			assertThat(socket.awaitClose().getCode()).isEqualTo(1000);
			assertContiguous(frames);
			String last = frames.get(frames.size() - 1);
			assertThat(field(last, "eventType")).isEqualTo("ExecutionCancelled");
			assertThat(field(last, "reason")).isEqualTo(GraphWebSocketHandler.CANCEL_REASON);
			assertThat(frames).hasSizeLessThan(5 * 1000);
		}
	}

	@Test
	void resumeAfterNSendsExactlyTheEventsAfterN() {
		List<String> all;
		try (TestSocket first = TestSocket.open(uri(GREETING))) {
			first.send(EXECUTE_LOUD);
			all = first.untilClosed();
		}
		try (TestSocket second = TestSocket.open(uri(GREETING))) {
			second.send("""
					{"type":"resume","executionId":"%s","after":5}""".formatted(executionId(all.get(0))));
			List<String> resumed = second.untilClosed();
			assertThat(second.awaitClose().getCode()).isEqualTo(1000);
			assertThat(resumed).containsExactlyElementsOf(all.subList(5, all.size()));
		}
	}

	@Test
	void resumeOfARunningExecutionAfterTheClientLeftReceivesEverySequenceOnce() {
		List<String> frames = new ArrayList<>();
		String executionId;
		try (TestSocket first = TestSocket.open(uri(STEP))) {
			first.send("""
					{"type":"execute","input":{"nodes":30,"delayMs":20}}""");
			for (int i = 0; i < 7; i++) {
				frames.add(first.next());
			}
			executionId = executionId(frames.get(0));
		}
		assertThat(this.registry.execution(STEP, executionId).finishedAt()).isNull();
		try (TestSocket second = TestSocket.open(uri(STEP))) {
			second.send("""
					{"type":"resume","executionId":"%s","after":%d}""".formatted(executionId, frames.size()));
			frames.addAll(second.untilClosed());
			assertThat(second.awaitClose().getCode()).isEqualTo(1000);
		}
		assertContiguous(frames);
		assertThat(frames).hasSize(1 + 5 * 30 + 1);
		assertThat(field(frames.get(frames.size() - 1), "eventType")).isEqualTo("ExecutionCompleted");
	}

	static Stream<Arguments> badMessages() {
		return Stream.of(Arguments.of("malformed JSON", "{\"type\":", 400, "Malformed JSON"),
				Arguments.of("not an object", "[1,2]", 400, "must be a JSON object"),
				Arguments.of("missing type", "{}", 400, "Field 'type' is missing"),
				Arguments.of("type not a string", "{\"type\":7}", 400, "Field 'type' must be a string"),
				Arguments.of("unknown type", "{\"type\":\"launch\"}", 400, "Unknown message type 'launch'"),
				Arguments.of("input not an object", "{\"type\":\"execute\",\"input\":\"Ada\"}", 400,
						"Field 'input' must be a JSON object but was a string"),
				Arguments.of("eventTypes not an array", "{\"type\":\"execute\",\"eventTypes\":\"NodeStarted\"}", 400,
						"Field 'eventTypes' must be an array of strings"),
				Arguments.of("eventTypes empty", "{\"type\":\"execute\",\"eventTypes\":[]}", 400,
						"Field 'eventTypes' names nothing"),
				Arguments.of("unknown event type", "{\"type\":\"execute\",\"eventTypes\":[\"Bogus\"]}", 400,
						"Unknown event type 'Bogus'"),
				Arguments.of("nodes holding a number", "{\"type\":\"execute\",\"nodes\":[1]}", 400,
						"Field 'nodes' must be an array of strings but holds a number"),
				Arguments.of("unknown node", "{\"type\":\"execute\",\"nodes\":[\"nope\"]}", 400,
						"unknown node 'nope' of graph 'greeting'"),
				Arguments.of("resume without executionId", "{\"type\":\"resume\",\"after\":1}", 400,
						"Field 'executionId' is missing"),
				Arguments.of("resume with a non-string executionId", "{\"type\":\"resume\",\"executionId\":5}", 400,
						"Field 'executionId' must be a non-empty string"),
				Arguments.of("resume with a fractional after", "{\"type\":\"resume\",\"executionId\":\"x\",\"after\":1.5}",
						400, "Field 'after' must be a whole number but was a number"),
				Arguments.of("resume with a string after", "{\"type\":\"resume\",\"executionId\":\"x\",\"after\":\"1\"}",
						400, "Field 'after' must be a whole number but was a string"),
				Arguments.of("resume with a negative after", "{\"type\":\"resume\",\"executionId\":\"x\",\"after\":-1}",
						400, "Field 'after' must be at least 0"),
				Arguments.of("resume of an unknown execution",
						"{\"type\":\"resume\",\"executionId\":\"" + UUID.randomUUID() + "\"}", 404, "No execution"),
				Arguments.of("cancel with nothing streaming", "{\"type\":\"cancel\"}", 409,
						"No execution is streaming on this socket"),
				Arguments.of("execute with a misspelled input", "{\"type\":\"execute\",\"inputs\":{\"loud\":true}}", 400,
						"Unknown field 'inputs' in the execute message"),
				Arguments.of("resume with a field of execute", "{\"type\":\"resume\",\"executionId\":\"x\",\"input\":{}}",
						400, "Unknown field 'input' in the resume message"),
				Arguments.of("cancel with an execution id", "{\"type\":\"cancel\",\"executionId\":\"x\"}", 400,
						"Unknown field 'executionId' in the cancel message"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badMessages")
	void badMessageGetsAnErrorAndTheSocketStaysUsable(String name, String message, int status, String detail) {
		try (TestSocket socket = TestSocket.open(uri(GREETING))) {
			socket.send(message);
			assertError(socket.next(), status, detail);
			assertStillExecutes(socket);
		}
	}

	@Test
	void badMessageGetsTheExactErrorJson() {
		try (TestSocket socket = TestSocket.open(uri(GREETING))) {
			socket.send("{\"type\":\"launch\"}");
			assertThat(socket.next()).isEqualTo("""
					{"type":"error","status":400,"detail":"Unknown message type 'launch'; expected execute, cancel or resume"}""");
		}
	}

	@Test
	void unknownFieldGetsTheExactErrorJsonNamingTheFieldsItsTypeTakes() {
		try (TestSocket socket = TestSocket.open(uri(GREETING))) {
			socket.send("{\"type\":\"execute\",\"inputs\":{\"name\":\"Ada\"}}");
			assertThat(socket.next()).isEqualTo("""
					{"type":"error","status":400,"detail":"Unknown field 'inputs' in the execute message; \
					the fields accepted are 'type', 'input', 'eventTypes', 'nodes' and 'compression'"}""");
			socket.send("{\"type\":\"resume\",\"executionId\":\"x\",\"limit\":5}");
			assertThat(socket.next()).isEqualTo("""
					{"type":"error","status":400,"detail":"Unknown field 'limit' in the resume message; \
					the fields accepted are 'type', 'executionId', 'after', 'eventTypes', 'nodes' and 'compression'"}""");
			socket.send("{\"type\":\"cancel\",\"reason\":\"x\"}");
			assertThat(socket.next()).isEqualTo("""
					{"type":"error","status":400,"detail":"Unknown field 'reason' in the cancel message; \
					the only field accepted is 'type'"}""");
			assertStillExecutes(socket);
		}
	}

	@Test
	void binaryFrameGetsAnErrorAndTheSocketStaysUsable() {
		try (TestSocket socket = TestSocket.open(uri(GREETING))) {
			socket.sendBinary(EXECUTE_LOUD.getBytes(StandardCharsets.UTF_8));
			assertError(socket.next(), 400, "Binary frames are not supported");
			assertStillExecutes(socket);
		}
	}

	@Test
	void resumeOfAnotherGraphsExecutionGets404() {
		String executionId = runToEnd(STEP, "{\"type\":\"execute\",\"input\":{\"nodes\":1}}");
		try (TestSocket socket = TestSocket.open(uri(GREETING))) {
			socket.send("{\"type\":\"resume\",\"executionId\":\"" + executionId + "\"}");
			assertError(socket.next(), 404, "No execution '" + executionId + "'");
			assertStillExecutes(socket);
		}
	}

	@Test
	void resumeAheadOfTheNewestEventGets400() {
		String executionId = runToEnd(GREETING, EXECUTE_LOUD);
		try (TestSocket socket = TestSocket.open(uri(GREETING))) {
			socket.send("{\"type\":\"resume\",\"executionId\":\"" + executionId + "\",\"after\":16}");
			assertError(socket.next(), 400, "is ahead of execution " + executionId + ", whose newest event is 15");
			assertStillExecutes(socket);
		}
	}

	@Test
	void resumeAfterEventsNoLongerKeptGets410() {
		String execute = "{\"type\":\"execute\",\"input\":{\"nodes\":3,\"delayMs\":10}}";
		String executionId = runToEnd(TRIMMED, execute);
		try (TestSocket socket = TestSocket.open(uri(TRIMMED))) {
			socket.send("{\"type\":\"resume\",\"executionId\":\"" + executionId + "\",\"after\":2}");
			assertError(socket.next(), 410, "Events after sequence 2 of execution " + executionId
					+ " are no longer kept; the oldest kept is 14");
			assertStillExecutes(socket, execute, 1 + 5 * 3 + 1);
		}
	}

	@Test
	void resumeOfAnExpiredExecutionGets410() {
		String executionId = runToEnd(FLEETING, EXECUTE_LOUD);
		await().atMost(TestSocket.TIMEOUT).untilAsserted(() -> {
			this.registry.executions().evictExpired();
			assertThatExceptionOfType(ExecutionExpiredException.class)
				.isThrownBy(() -> this.registry.execution(FLEETING, executionId));
		});
		try (TestSocket socket = TestSocket.open(uri(FLEETING))) {
			socket.send("{\"type\":\"resume\",\"executionId\":\"" + executionId + "\"}");
			assertError(socket.next(), 410, "no longer kept");
			assertStillExecutes(socket);
		}
	}

	@Test
	void secondExecuteOrResumeWhileStreamingGets409AndTheStreamGoesOn() {
		try (TestSocket socket = TestSocket.open(uri(STEP))) {
			socket.send("""
					{"type":"execute","input":{"nodes":20,"delayMs":20}}""");
			String first = socket.next();
			socket.send("""
					{"type":"execute","input":{"nodes":1}}""");
			socket.send("""
					{"type":"resume","executionId":"%s","after":1}""".formatted(executionId(first)));
			List<String> frames = new ArrayList<>(List.of(first));
			frames.addAll(socket.untilClosed());
			assertThat(socket.awaitClose().getCode()).isEqualTo(1000);
			List<String> errors = frames.stream().filter((frame) -> frame.startsWith("{\"type\":\"error\"")).toList();
			assertThat(errors).hasSize(2).allSatisfy((error) -> assertError(error, 409, "is streaming on this socket"));
			List<String> events = frames.stream().filter((frame) -> !errors.contains(frame)).toList();
			assertContiguous(events);
			assertThat(events).hasSize(1 + 5 * 20 + 1);
		}
	}

	@Test
	void unknownGraphIsRefusedAtTheHandshakeWith404() {
		ReactorNettyWebSocketClient client = new ReactorNettyWebSocketClient();
		assertThatExceptionOfType(WebSocketClientHandshakeException.class)
			.isThrownBy(() -> client.execute(uri("nope"), (session) -> Mono.empty()).block(TestSocket.TIMEOUT))
			.satisfies((ex) -> assertThat(ex.response().status().code()).isEqualTo(404));
		upgradeRequest("/graphs/nope/ws").exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.json("""
					{"type":"about:blank","title":"Not Found","status":404,"detail":"No graph 'nope'","instance":"/graphs/nope/ws"}""",
					JsonCompareMode.STRICT);
	}

	@Test
	void plainGetIsRefusedWith400() {
		webTestClient().get()
			.uri("/graphs/greeting/ws")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("This endpoint accepts WebSocket upgrade requests only ('Upgrade: websocket')");
	}

	@Test
	void otherMethodsAreRefusedWith405() {
		webTestClient().post()
			.uri("/graphs/greeting/ws")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.METHOD_NOT_ALLOWED)
			.expectHeader()
			.valueEquals(HttpHeaders.ALLOW, "GET")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(405);
	}

	@Test
	void handshakeOverTheStreamLimitIsRefusedWith429() {
		List<StreamLimiter.Permit> held = new ArrayList<>();
		// Streams of earlier tests may still be closing; filling the limiter around them
		// would leave a slot free the moment they finish, so wait for none before filling.
		await().atMost(TestSocket.TIMEOUT).until(() -> this.limiter.openStreams() == 0);
		try {
			for (int i = 0; i < this.limiter.maxConcurrentStreams(); i++) {
				held.add(this.limiter.acquire("test"));
			}
			ReactorNettyWebSocketClient client = new ReactorNettyWebSocketClient();
			assertThatExceptionOfType(WebSocketClientHandshakeException.class)
				.isThrownBy(() -> client.execute(uri(GREETING), (session) -> Mono.empty()).block(TestSocket.TIMEOUT))
				.satisfies((ex) -> assertThat(ex.response().status().code()).isEqualTo(429));
			upgradeRequest("/graphs/greeting/ws").exchange()
				.expectStatus()
				.isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
				.expectHeader()
				.valueEquals(HttpHeaders.RETRY_AFTER, "1")
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo(429)
				.jsonPath("$.detail")
				.isEqualTo("Too many concurrent streams: the limit is 50");
		}
		finally {
			held.forEach(StreamLimiter.Permit::release);
		}
		assertThat(runToEnd(GREETING, EXECUTE_LOUD)).isNotBlank();
	}

	@Test
	void handshakeFailingAfterThePermitWasTakenGivesItBack() {
		await().atMost(TestSocket.TIMEOUT).until(() -> this.limiter.openStreams("websocket") == 0);
		webTestClient().get()
			.uri("/graphs/greeting/ws")
			.header(HttpHeaders.UPGRADE, "websocket")
			.header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
			.header("Sec-WebSocket-Version", "13")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(400);
		assertThat(this.limiter.openStreams("websocket")).isZero();
	}

	@Test
	void openSocketCountsAsOneWebSocketStreamUntilItCloses() {
		await().atMost(TestSocket.TIMEOUT).until(() -> this.limiter.openStreams("websocket") == 0);
		try (TestSocket socket = TestSocket.open(uri(GREETING))) {
			await().atMost(TestSocket.TIMEOUT).until(() -> this.limiter.openStreams("websocket") == 1);
			socket.send(EXECUTE_LOUD);
			socket.untilClosed();
		}
		await().atMost(TestSocket.TIMEOUT).until(() -> this.limiter.openStreams("websocket") == 0);
	}

	@Test
	void messageOverWebsocketMaxMessageSizeGets413ThenClose1008() {
		try (TestSocket socket = TestSocket.open(uri(GREETING))) {
			socket.send("{\"type\":\"execute\",\"input\":{\"name\":\"" + "a".repeat(5000) + "\"}}");
			assertError(socket.next(), 413, "larger than the limit of 4096 bytes");
			assertThat(socket.awaitClose()).isEqualTo(GraphWebSocketHandler.MESSAGE_TOO_BIG);
		}
	}

	@Test
	void messageOverTwiceTheLimitIsCutOffByTheCodecWith1009() {
		try (TestSocket socket = TestSocket.open(uri(GREETING))) {
			socket.send("{\"type\":\"execute\",\"input\":{\"name\":\"" + "a".repeat(9000) + "\"}}");
			assertThat(socket.awaitClose().getCode()).isEqualTo(1009);
		}
	}

	@Test
	void tooManyBadMessagesInARowCloseWith1008() {
		try (TestSocket socket = TestSocket.open(uri(GREETING))) {
			for (int i = 0; i < GraphWebSocketHandler.MAX_CONSECUTIVE_BAD_MESSAGES; i++) {
				socket.send("{\"type\":\"bogus\"}");
			}
			List<String> frames = socket.untilClosed();
			assertThat(frames).hasSize(GraphWebSocketHandler.MAX_CONSECUTIVE_BAD_MESSAGES)
				.allSatisfy((frame) -> assertError(frame, 400, "Unknown message type"));
			assertThat(socket.awaitClose()).isEqualTo(GraphWebSocketHandler.TOO_MANY_BAD_MESSAGES);
		}
	}

	@Test
	void badMessagesBelowTheLimitFollowedByAValidOneKeepTheSocketOpen() {
		try (TestSocket socket = TestSocket.open(uri(GREETING))) {
			for (int i = 0; i < GraphWebSocketHandler.MAX_CONSECUTIVE_BAD_MESSAGES - 1; i++) {
				socket.send("{\"type\":\"bogus\"}");
				assertError(socket.next(), 400, "Unknown message type");
			}
			assertStillExecutes(socket);
		}
	}

	@Test
	void openSocketIsPingedAtTheConfiguredInterval() {
		try (TestSocket socket = TestSocket.openCountingPings(uri(GREETING))) {
			await().atMost(TestSocket.TIMEOUT).until(() -> socket.pings() >= 2);
			assertThat(socket.isClosed()).isFalse();
		}
	}

	@Test
	void slowClientHoldsBackTheExecutionInsteadOfQueueingEvents() {
		SlowSocket slow = SlowSocket.open(uri(STEP), """
				{"type":"execute","input":{"nodes":800,"payloadBytes":40000}}""");
		try {
			String first = slow.first();
			GraphExecution execution = this.registry.execution(STEP, executionId(first));
			long total = 1 + 5 * 800 + 1;
			await().atMost(TestSocket.TIMEOUT).until(() -> !execution.journal().hasCapacity());
			long pausedAt = execution.journal().head();
			await().during(Duration.ofMillis(300)).until(() -> execution.journal().head() == pausedAt);
			assertThat(pausedAt).isLessThan(total);
			assertThat(execution.finishedAt()).isNull();
			List<String> frames = slow.readAll();
			assertContiguous(frames);
			assertThat(frames).hasSize((int) total);
			assertThat(slow.closeCode()).isEqualTo(1000);
		}
		finally {
			slow.close();
		}
	}

	@Test
	void slowClientThatSendsWhileReadingTheTailOfItsStreamGetsEveryEventAndTheCloseFrame() {
		// The server writes its close frame while megabytes are still on their way to this
		// client, which answers every frame it reads with a pong (as a client answers the
		// pings it reads late): a server closing its connection at once would be reset
		// by the first pong, and the reset would lose the tail of the stream.
		SlowSocket slow = SlowSocket.openPonging(uri(STEP), """
				{"type":"execute","input":{"nodes":200,"payloadBytes":40000}}""");
		try {
			GraphExecution execution = this.registry.execution(STEP, executionId(slow.first()));
			await().atMost(TestSocket.TIMEOUT).until(() -> !execution.journal().hasCapacity());
			List<String> frames = slow.readAll();
			assertContiguous(frames);
			assertThat(frames).hasSize(1 + 5 * 200 + 1);
			assertThat(slow.closeCode()).isEqualTo(1000);
		}
		finally {
			slow.close();
		}
	}

	@Test
	void serverHalfClosesAfterItsCloseFrameThenReadsOnUntilTheLingerEnds() throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			socket.setSoTimeout((int) TestSocket.TIMEOUT.toMillis());
			OutputStream out = socket.getOutputStream();
			DataInputStream in = new DataInputStream(socket.getInputStream());
			out.write(("GET /graphs/greeting/ws HTTP/1.1\r\nHost: localhost:" + this.port
					+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="
					+ "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			assertThat(readHeaders(in)).startsWith("HTTP/1.1 101");
			byte[] execute = EXECUTE_LOUD.getBytes(StandardCharsets.UTF_8);
			out.write(new byte[] { (byte) 0x81, (byte) (0x80 | execute.length), 0, 0, 0, 0 });
			out.write(execute);
			out.flush();
			int opcode;
			int texts = 0;
			do {
				opcode = in.readUnsignedByte() & 0x0F;
				int length = in.readUnsignedByte() & 0x7F;
				long size = (length == 126) ? in.readUnsignedShort() : (length == 127) ? in.readLong() : length;
				in.skipNBytes(size);
				texts += (opcode == 0x1) ? 1 : 0;
			}
			while (opcode != 0x8);
			assertThat(texts).isEqualTo(15);
			// After its close frame the server ends its output, though this client neither
			// answers the close frame nor closes...
			assertThat(in.read()).isEqualTo(-1);
			// ...and reads on: what the client sends now is not answered with a reset...
			await().during(Duration.ofMillis(500)).atMost(TestSocket.TIMEOUT).until(() -> sendsPong(out));
			// ...until the server closes the connection after the linger.
			await().atMost(GraphWebSocketHandlerMapping.CLOSE_LINGER.plus(TestSocket.TIMEOUT))
				.until(() -> !sendsPong(out));
		}
	}

	/**
	 * Whether a (masked, empty) pong frame can still be written: once the server has reset
	 * the connection, writing fails.
	 */
	private static boolean sendsPong(OutputStream out) {
		try {
			out.write(new byte[] { (byte) 0x8A, (byte) 0x80, 0, 0, 0, 0 });
			out.flush();
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String readHeaders(DataInputStream in) throws IOException {
		StringBuilder headers = new StringBuilder();
		while (headers.length() < 4 || !headers.substring(headers.length() - 4).equals("\r\n\r\n")) {
			headers.append((char) in.readUnsignedByte());
		}
		return headers.toString();
	}

	private String runToEnd(String graphId, String execute) {
		try (TestSocket socket = TestSocket.open(uri(graphId))) {
			socket.send(execute);
			List<String> frames = socket.untilClosed();
			assertThat(socket.awaitClose().getCode()).isEqualTo(1000);
			assertContiguous(frames);
			return executionId(frames.get(0));
		}
	}

	private void assertStillExecutes(TestSocket socket) {
		assertStillExecutes(socket, EXECUTE_LOUD, 15);
	}

	private void assertStillExecutes(TestSocket socket, String execute, int events) {
		socket.send(execute);
		List<String> frames = socket.untilClosed();
		assertThat(socket.awaitClose().getCode()).isEqualTo(1000);
		assertContiguous(frames);
		assertThat(frames).hasSize(events);
	}

	private void assertError(String frame, int status, String detail) {
		JsonNode error = json(frame);
		assertThat(error.get("type").stringValue()).isEqualTo("error");
		assertThat(error.get("status").intValue()).isEqualTo(status);
		assertThat(error.get("detail").stringValue()).contains(detail).doesNotContain("Exception", "\tat ");
		assertThat(error.propertyNames()).containsExactly("type", "status", "detail");
	}

	private void assertContiguous(List<String> frames) {
		assertThat(frames).isNotEmpty();
		assertThat(field(frames.get(0), "eventType")).isEqualTo("ExecutionStarted");
		String executionId = executionId(frames.get(0));
		for (int i = 0; i < frames.size(); i++) {
			JsonNode event = json(frames.get(i));
			assertThat(event.get("sequence").longValue()).as("sequence of frame %d", i).isEqualTo(i + 1);
			assertThat(event.get("executionId").stringValue()).isEqualTo(executionId);
		}
		assertThat(field(frames.get(frames.size() - 1), "eventType")).isIn("ExecutionCompleted", "ExecutionFailed",
				"ExecutionCancelled");
	}

	private static String normalized(List<String> frames) {
		StringBuilder text = new StringBuilder();
		for (String frame : frames) {
			text.append(frame.replaceAll("\"executionId\":\"[^\"]+\"", "\"executionId\":\"<id>\"")
				.replaceAll("\"timestamp\":\"[^\"]+\"", "\"timestamp\":\"<ts>\"")
				.replaceAll("\"durationMs\":[0-9.eE-]+", "\"durationMs\":0")).append('\n');
		}
		return text.toString();
	}

	private String executionId(String frame) {
		return field(frame, "executionId");
	}

	private String field(String frame, String name) {
		JsonNode value = json(frame).get(name);
		return (value != null) ? value.asString() : "";
	}

	private JsonNode json(String frame) {
		return this.jsonMapper.readTree(frame);
	}

	private URI uri(String graphId) {
		return URI.create("ws://localhost:" + this.port + "/graphs/" + graphId + "/ws");
	}

	private WebTestClient webTestClient() {
		return WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.port)
			.responseTimeout(TestSocket.TIMEOUT)
			.build();
	}

	private WebTestClient.RequestHeadersSpec<?> upgradeRequest(String path) {
		return webTestClient().get()
			.uri(path)
			.header(HttpHeaders.UPGRADE, "websocket")
			.header(HttpHeaders.CONNECTION, "Upgrade")
			.header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
			.header("Sec-WebSocket-Version", "13");
	}

}
