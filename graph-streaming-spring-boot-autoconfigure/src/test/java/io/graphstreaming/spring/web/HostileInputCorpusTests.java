package io.graphstreaming.spring.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.reactive.socket.CloseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.spring.web.HttpTestClient.Reply;
import io.graphstreaming.spring.web.HttpTestClient.SseFrame;
import io.graphstreaming.spring.web.testapp.WebTestApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hostile-input corpus: several hundred malformed, truncated, mistyped, oversized,
 * deeply nested and badly encoded requests and WebSocket messages (the cases are data:
 * {@code hostile-input/http-cases.jsonl} and {@code hostile-input/websocket-cases.jsonl}),
 * sent over real connections so that invalid bytes and bad headers really go over the
 * wire. Every HTTP answer must be the expected 4xx as {@code application/problem+json}
 * with no exception class or stack trace; every WebSocket case must get its error message
 * and close code, or keep a usable socket; no case may start an execution. After the
 * corpus, {@code demo} still runs correctly over SSE and WebSocket, and nothing is left
 * running.
 *
 * <p>The server lets headers and request lines reach the application (64 KB and 256 KB),
 * so that the corpus tests the application rather than Netty's decoder; what Netty itself
 * refuses beyond its own limits is a 4xx as well (see
 * {@link #headersBeyondTheServersLimitAreRefusedByTheServerWithA4xx}).
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.web.max-request-body=64KB", "graph.streaming.web.websocket-max-message-size=64KB",
				"server.max-http-request-header-size=64KB",
				"server.netty.max-initial-line-length=256KB" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputCorpusTests {

	private static final JsonMapper JSON = new JsonMapper();

	private static final Pattern TEMPLATE = Pattern.compile("\\$\\{(repeat\\((\\d+),(.*?)\\)|hex\\(([0-9a-f ]*)\\)|(\\w+))\\}");

	/** What must never reach a client: exception classes, stack frames, internal packages. */
	private static final List<String> LEAKS = List.of("Exception", "\tat ", "\\tat ", "java.", "tools.jackson",
			"org.springframework", "io.graphstreaming", "reactor.", "io.netty", "StreamReadConstraints");

	@LocalServerPort
	int port;

	@Autowired
	ExecutionRegistry executions;

	@Autowired
	StreamLimiter streamLimiter;

	HttpTestClient client;

	private final Map<String, String> variables = new LinkedHashMap<>();

	@BeforeAll
	void createExecutionsTheCasesName() {
		this.client = new HttpTestClient(this.port);
		this.variables.put("demo", run("demo", "{\"input\":{\"name\":\"Ada\"}}"));
		this.variables.put("demo2", run("demo", "{}"));
		this.variables.put("synthetic", run("synthetic", "{\"input\":{\"nodes\":2}}"));
	}

	static Stream<HttpCase> httpCases() {
		return lines("hostile-input/http-cases.jsonl").stream().map(HttpCase::of);
	}

	static Stream<SocketCase> webSocketCases() {
		return lines("hostile-input/websocket-cases.jsonl").stream().map(SocketCase::of);
	}

	@Test
	@Order(0)
	void corpusHoldsAtLeastTwoHundredCasesWithDistinctNames() {
		List<String> names = new ArrayList<>();
		httpCases().forEach((c) -> names.add("http " + c.name()));
		webSocketCases().forEach((c) -> names.add("ws " + c.name()));
		assertThat(names).hasSizeGreaterThanOrEqualTo(200).doesNotHaveDuplicates();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("httpCases")
	@Order(1)
	void hostileHttpRequestGetsItsProblemAnswerAndStartsNothing(HttpCase hostile) {
		int executionsBefore = this.executions.executions().size();
		Map<String, String> headers = new LinkedHashMap<>();
		hostile.headers().forEach((name, value) -> headers.put(name, text(value)));
		byte[] body = (hostile.body() != null) ? bytes(hostile.body()) : null;
		Reply reply = send(hostile.method(), text(hostile.path()), headers, body);
		assertThat(reply.status()).as(reply.body()).isEqualTo(hostile.status()).isBetween(400, 499);
		assertThat(reply.header("Content-Type")).as(reply.body()).isEqualTo("application/problem+json");
		JsonNode problem = JSON.readTree(reply.body());
		assertThat(problem.path("type").asString()).isEqualTo("about:blank");
		assertThat(problem.path("title").asString()).isNotBlank();
		assertThat(problem.path("status").asInt()).isEqualTo(hostile.status());
		if (hostile.detail() != null) {
			assertThat(problem.path("detail").asString()).contains(text(hostile.detail()));
		}
		assertNoLeak(reply.body());
		assertThat(this.executions.executions()).as("no execution started").hasSize(executionsBefore);
		assertThat(this.streamLimiter.openStreams()).as("no stream left open").isZero();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("webSocketCases")
	@Order(2)
	void hostileWebSocketMessageGetsItsErrorAndCloseCodeAndStartsNothing(SocketCase hostile) {
		int executionsBefore = this.executions.executions().size();
		try (WsTestClient socket = WsTestClient.open(URI.create("ws://localhost:" + this.port + "/graphs/demo/ws"))) {
			for (Map<String, String> frame : hostile.frames()) {
				if (frame.containsKey("text")) {
					socket.send(new String(bytes(frame.get("text")), StandardCharsets.UTF_8));
				}
				else if (frame.containsKey("textBytes")) {
					socket.sendTextBytes(bytes(frame.get("textBytes")));
				}
				else {
					socket.sendBinary(bytes(frame.get("binary")));
				}
			}
			if (hostile.status() != null) {
				String reply = socket.next();
				assertThat(reply).as("an error message").isNotNull();
				JsonNode error = JSON.readTree(reply);
				assertThat(error.path("type").asString()).as(reply).isEqualTo("error");
				assertThat(error.path("status").asInt()).as(reply).isEqualTo(hostile.status());
				if (hostile.detail() != null) {
					assertThat(error.path("detail").asString()).contains(text(hostile.detail()));
				}
				assertNoLeak(reply);
			}
			if (hostile.close() != null) {
				CloseStatus status = socket.awaitClose();
				assertThat(status.getCode()).as("close status %s", status).isEqualTo(hostile.close());
				assertNoLeak(String.valueOf(status.getReason()));
			}
			else {
				socket.send("{\"type\":\"cancel\"}");
				String reply = socket.next();
				assertThat(reply).as("the socket stays usable").contains("\"status\":409");
				assertThat(socket.isClosed()).isFalse();
			}
		}
		assertThat(this.executions.executions()).as("no execution started").hasSize(executionsBefore);
	}

	@Test
	@Order(3)
	void headersBeyondTheServersLimitAreRefusedByTheServerWithA4xx() {
		Reply reply = send("POST", "/graphs/demo/execute/stream",
				Map.of("Last-Event-ID", "x".repeat(100 * 1024)), "{}".getBytes(StandardCharsets.UTF_8));
		assertThat(reply.status()).isBetween(400, 499);
		assertNoLeak(reply.body());
	}

	@Test
	@Order(4)
	void afterTheCorpusDemoStillRunsCorrectlyAndNothingIsLeftRunning() {
		Reply sse = this.client.post("/graphs/demo/execute/stream", "{\"input\":{\"name\":\"Grace\",\"loud\":true}}");
		assertThat(sse.status()).isEqualTo(200);
		List<SseFrame> frames = sse.frames();
		for (int i = 0; i < frames.size(); i++) {
			assertThat(frames.get(i).sequence()).isEqualTo(i + 1);
		}
		assertThat(frames.get(0).event()).isEqualTo("ExecutionStarted");
		SseFrame last = frames.get(frames.size() - 1);
		assertThat(last.event()).isEqualTo("ExecutionCompleted");
		assertThat(last.data()).contains("\"greeting\":\"HELLO, GRACE\"");
		try (WsTestClient socket = WsTestClient.open(URI.create("ws://localhost:" + this.port + "/graphs/demo/ws"))) {
			socket.send("{\"type\":\"execute\",\"input\":{\"name\":\"Grace\"}}");
			List<String> events = socket.untilClosed();
			assertThat(socket.awaitClose().getCode()).isEqualTo(1000);
			assertThat(events.get(events.size() - 1)).contains("\"eventType\":\"ExecutionCompleted\"")
				.contains("\"greeting\":\"Hello, Grace\"");
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.executions.activeCount()).as("executions left running").isZero());
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.streamLimiter.openStreams()).as("streams left open").isZero());
	}

	private String run(String graphId, String body) {
		Reply reply = this.client.post("/graphs/" + graphId + "/execute", body);
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		return JSON.readTree(reply.body()).path("executionId").asString();
	}

	private Reply send(String method, String uri, Map<String, String> headers, byte @Nullable [] body) {
		var sender = this.client.http()
			.headers((h) -> {
				headers.forEach(h::set);
				if (body != null) {
					h.set("Content-Length", body.length);
				}
			})
			.request(HttpMethod.valueOf(method))
			.uri(uri);
		var receiver = (body != null) ? sender.send(ByteBufFlux.fromInbound(Mono.just(body))) : sender;
		return receiver.responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8)
			.defaultIfEmpty("")
			.map((text) -> new Reply(response.status().code(), response.responseHeaders(), text)))
			.block(HttpTestClient.TIMEOUT);
	}

	private static void assertNoLeak(String text) {
		for (String leak : LEAKS) {
			assertThat(text).as("no '%s' in %s", leak, abbreviate(text)).doesNotContain(leak);
		}
	}

	/**
	 * A template as bytes: {@code ${repeat(N,text)}}, {@code ${hex(..)}} and the
	 * variables expanded, the rest UTF-8.
	 */
	private byte[] bytes(String template) {
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		Matcher matcher = TEMPLATE.matcher(template);
		int at = 0;
		while (matcher.find()) {
			out.writeBytes(template.substring(at, matcher.start()).getBytes(StandardCharsets.UTF_8));
			if (matcher.group(2) != null) {
				out.writeBytes(matcher.group(3).repeat(Integer.parseInt(matcher.group(2))).getBytes(StandardCharsets.UTF_8));
			}
			else if (matcher.group(4) != null) {
				out.writeBytes(HexFormat.of().parseHex(matcher.group(4).replace(" ", "")));
			}
			else {
				String value = this.variables.get(matcher.group(5));
				assertThat(value).as("variable %s", matcher.group(5)).isNotNull();
				out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
			}
			at = matcher.end();
		}
		out.writeBytes(template.substring(at).getBytes(StandardCharsets.UTF_8));
		return out.toByteArray();
	}

	private String text(String template) {
		return new String(bytes(template), StandardCharsets.UTF_8);
	}

	private static String abbreviate(String text) {
		return (text.length() <= 300) ? text : text.substring(0, 300) + "...";
	}

	private static List<String> lines(String resource) {
		try (InputStream in = HostileInputCorpusTests.class.getClassLoader().getResourceAsStream(resource)) {
			assertThat(in).as(resource).isNotNull();
			List<String> lines = new ArrayList<>();
			BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				if (!line.isBlank() && !line.startsWith("#")) {
					lines.add(line);
				}
			}
			return lines;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * One hostile HTTP request and the answer it must get.
	 */
	record HttpCase(String name, String method, String path, Map<String, String> headers, @Nullable String body,
			int status, @Nullable String detail) {

		static HttpCase of(String line) {
			JsonNode node = JSON.readTree(line);
			Map<String, String> headers = new LinkedHashMap<>();
			node.path("headers").properties().forEach((entry) -> headers.put(entry.getKey(), entry.getValue().asString()));
			return new HttpCase(node.path("name").asString(), node.path("method").asString(),
					node.path("path").asString(), headers, node.has("body") ? node.get("body").asString() : null,
					node.path("status").asInt(), node.has("detail") ? node.get("detail").asString() : null);
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	/**
	 * One hostile WebSocket exchange: the frames sent, the error and close code expected.
	 */
	record SocketCase(String name, List<Map<String, String>> frames, @Nullable Integer status, @Nullable String detail,
			@Nullable Integer close) {

		static SocketCase of(String line) {
			JsonNode node = JSON.readTree(line);
			List<Map<String, String>> frames = new ArrayList<>();
			for (JsonNode frame : node.path("frames")) {
				Map<String, String> fields = new LinkedHashMap<>();
				frame.properties().forEach((entry) -> fields.put(entry.getKey(), entry.getValue().asString()));
				frames.add(fields);
			}
			return new SocketCase(node.path("name").asString(), frames,
					node.has("status") ? node.get("status").asInt() : null,
					node.has("detail") ? node.get("detail").asString() : null,
					node.has("close") ? node.get("close").asInt() : null);
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

}
