package io.graphstreaming.spring.web;

import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.WebFilter;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.spring.web.HttpTestClient.Reply;
import io.graphstreaming.spring.web.HttpTestClient.SseFrame;
import io.graphstreaming.spring.web.testapp.WebTestApplication;

import static io.graphstreaming.spring.web.AbstractWebTransportTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every per-client limit when hit, over real HTTP and WebSocket: one stream per client,
 * three executions started per client per minute, one WebSocket session per client, the
 * input's nesting and size, and the cap of a long poll's wait. The test application sets
 * the principal from an {@code X-Test-User} header (as a security chain would), so each
 * test is its own client; requests without the header are keyed by their address. Limits
 * refuse new work only: a stream opened under a limit runs on to its terminal event.
 */
@SpringBootTest(classes = { WebTestApplication.class, ClientLimitsTests.PrincipalFromHeader.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.web.max-concurrent-streams-per-client=1",
				"graph.streaming.web.max-executions-per-minute-per-client=3",
				"graph.streaming.web.websocket-max-sessions-per-client=1", "graph.streaming.web.max-input-depth=3",
				"graph.streaming.web.max-input-elements=20", "graph.streaming.web.long-poll-max-wait=300ms",
				"graph.streaming.web.retry-after=2s" })
class ClientLimitsTests {

	private static final String USER = "X-Test-User";

	private static final String LONG_RUN = "{\"input\":{\"nodes\":1,\"delayMs\":600000}}";

	@LocalServerPort
	int port;

	@Autowired
	StreamLimiter streamLimiter;

	@Autowired
	ExecutionRateLimiter rateLimiter;

	@Autowired
	ExecutionRegistry executions;

	HttpTestClient client;

	private final List<Disposable> open = new ArrayList<>();

	@BeforeEach
	void createClient() {
		this.client = new HttpTestClient(this.port);
	}

	@AfterEach
	void cancelEverything() {
		this.open.forEach(Disposable::dispose);
		this.executions.cancelAll("test over");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.executions.activeCount() == 0 && this.streamLimiter.openStreams() == 0);
	}

	@Test
	void secondStreamOfAClientIsRefusedWhileItsFirstRunsOnToItsTerminalEvent() throws Exception {
		OpenStream first = openStream(Map.of(), "/graphs/synthetic/execute/stream", LONG_RUN);
		Reply refused = exchange("POST", "/graphs/demo/execute/stream", Map.of(), "{}");
		assertProblem(refused, 429, "Too Many Requests",
				"\"detail\":\"Too many concurrent streams for this client: the limit is 1\"",
				"/graphs/demo/execute/stream");
		assertThat(refused.header("Retry-After")).isEqualTo("2");
		assertProblem(exchange("GET", "/graphs/synthetic/executions/" + first.executionId() + "/stream", Map.of(), null),
				429, "Too Many Requests", "for this client", "/graphs/synthetic/executions/" + first.executionId()
						+ "/stream");
		Reply otherClient = exchange("POST", "/graphs/demo/execute/stream", Map.of(USER, "other"), "{}");
		assertThat(otherClient.status()).as("another client's stream").isEqualTo(200);
		assertThat(last(otherClient.frames()).event()).isEqualTo("ExecutionCompleted");
		assertThat(this.client.delete("/graphs/synthetic/executions/" + first.executionId()).status()).isEqualTo(202);
		List<SseFrame> frames = first.frames().get(10, TimeUnit.SECONDS);
		assertThat(last(frames).event()).as("the open stream ran on to its terminal event")
			.isEqualTo("ExecutionCancelled");
		assertContiguous(frames);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.streamLimiter.openStreams() == 0);
		assertThat(exchange("POST", "/graphs/demo/execute/stream", Map.of(), "{}").status()).isEqualTo(200);
	}

	@Test
	void executionsOverTheClientsAllowancePerMinuteAreRefusedWithRetryAfterOnEveryStartingRoute() throws Exception {
		Map<String, String> user = Map.of(USER, "allowance");
		OpenStream stream = openStream(user, "/graphs/synthetic/execute/stream", LONG_RUN);
		Reply polled = exchange("POST", "/graphs/demo/executions", user, "{}");
		assertThat(polled.status()).as(polled.headers().toString() + polled.body()).isEqualTo(202);
		assertThat(exchange("POST", "/graphs/demo/execute", user, "{}").status()).isEqualTo(200);
		for (String[] route : new String[][] { { "POST", "/graphs/demo/execute" },
				{ "POST", "/graphs/demo/executions" }, { "POST", "/graphs/demo/execute/stream" },
				{ "GET", "/graphs/demo/execute/stream" } }) {
			Reply refused = exchange(route[0], route[1], user, route[0].equals("POST") ? "{}" : null);
			assertProblem(refused, 429, "Too Many Requests",
					"\"detail\":\"Too many executions started by this client: the limit is 3 per minute\"", route[1]);
			assertThat(Long.parseLong(refused.header("Retry-After"))).as("the next start, 20 s apart")
				.isBetween(1L, 20L);
		}
		assertThat(exchange("POST", "/graphs/demo/execute", Map.of(USER, "someone else"), "{}").status())
			.isEqualTo(200);
		assertThat(exchange("DELETE", "/graphs/synthetic/executions/" + stream.executionId(), user, null).status())
			.isEqualTo(202);
		assertThat(last(stream.frames().get(10, TimeUnit.SECONDS)).event())
			.as("the stream started first runs on to its end").isEqualTo("ExecutionCancelled");
	}

	@Test
	void requestsThatStartNothingLeaveTheAllowanceAlone() {
		Map<String, String> user = Map.of(USER, "careless");
		for (int i = 0; i < 5; i++) {
			assertThat(exchange("POST", "/graphs/demo/execute", user, "{\"input\":").status()).isEqualTo(400);
			assertThat(exchange("POST", "/graphs/nope/execute/stream", user, "{}").status()).isEqualTo(404);
		}
		Reply first = exchange("POST", "/graphs/demo/execute/stream", user, "{}");
		String lastEventId = last(first.frames()).id();
		for (int i = 0; i < 5; i++) {
			Reply reconnect = exchange("GET", "/graphs/demo/execute/stream", Map.of(USER, "careless",
					"Last-Event-ID", lastEventId), null);
			assertThat(reconnect.status()).as("a reconnect resumes, starts nothing").isEqualTo(204);
		}
		assertThat(exchange("POST", "/graphs/demo/execute", user, "{}").status()).isEqualTo(200);
		assertThat(exchange("POST", "/graphs/demo/execute", user, "{}").status()).isEqualTo(200);
		assertThat(exchange("POST", "/graphs/demo/execute", user, "{}").status()).isEqualTo(429);
	}

	@Test
	void webSocketExecuteOverTheAllowanceGetsA429ErrorAndTheSocketStaysUsable() {
		Map<String, String> user = Map.of(USER, "socket-user");
		for (int i = 0; i < 3; i++) {
			assertThat(exchange("POST", "/graphs/demo/execute", user, "{}").status()).isEqualTo(200);
		}
		try (WsTestClient socket = WsTestClient.open(wsUri("demo"), headers("socket-user"))) {
			socket.send("{\"type\":\"execute\",\"input\":{}}");
			assertThat(socket.next()).startsWith(
					"{\"type\":\"error\",\"status\":429,\"detail\":\"Too many executions started by this client: "
							+ "the limit is 3 per minute; retry in ");
			socket.send("{\"type\":\"cancel\"}");
			assertThat(socket.next()).contains("\"status\":409");
			assertThat(socket.isClosed()).isFalse();
		}
	}

	@Test
	void secondWebSocketSessionOfAClientIsRefusedAtTheHandshakeWhileTheFirstWorks() {
		try (WsTestClient first = WsTestClient.open(wsUri("demo"), headers("sockets"))) {
			await().atMost(Duration.ofSeconds(5)).until(() -> this.streamLimiter.openStreamsOf("principal:sockets") == 1);
			Reply refused = exchange("GET", "/graphs/demo/ws", Map.of(USER, "sockets", "Upgrade", "websocket",
					"Connection", "Upgrade", "Sec-WebSocket-Version", "13", "Sec-WebSocket-Key",
					"dGhlIHNhbXBsZSBub25jZQ=="), null);
			assertProblem(refused, 429, "Too Many Requests",
					"\"detail\":\"Too many concurrent WebSocket sessions for this client: the limit is 1\"",
					"/graphs/demo/ws");
			assertThat(refused.header("Retry-After")).isEqualTo("2");
			try (WsTestClient other = WsTestClient.open(wsUri("demo"), headers("another socket user"))) {
				other.send("{\"type\":\"execute\",\"input\":{}}");
				assertThat(other.untilClosed()).last().asString().contains("ExecutionCompleted");
			}
			first.send("{\"type\":\"execute\",\"input\":{\"name\":\"Ada\"}}");
			List<String> frames = first.untilClosed();
			assertThat(first.awaitClose().getCode()).isEqualTo(1000);
			assertThat(frames).last().asString().contains("\"eventType\":\"ExecutionCompleted\"");
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.streamLimiter.openStreamsOf("principal:sockets") == 0);
		try (WsTestClient again = WsTestClient.open(wsUri("demo"), headers("sockets"))) {
			assertThat(again.isClosed()).isFalse();
		}
	}

	@Test
	void inputNestedDeeperThanTheLimitIsRefusedWith400OnEveryTransport() {
		String deep = "{\"a\":{\"b\":{\"c\":{}}}}";
		assertProblem(exchange("POST", "/graphs/demo/execute", Map.of(), "{\"input\":" + deep + "}"), 400,
				"Bad Request", "the input may nest objects and arrays at most 3 levels deep", "/graphs/demo/execute");
		assertProblem(exchange("GET", "/graphs/demo/execute/stream?input=" + encode(deep), Map.of(), null), 400,
				"Bad Request", "the input may nest objects and arrays at most 3 levels deep",
				"/graphs/demo/execute/stream");
		assertThat(exchange("POST", "/graphs/demo/execute", Map.of(USER, "deep"),
				"{\"input\":{\"a\":{\"b\":{\"c\":1}}}}").status()).as("3 levels").isEqualTo(200);
		try (WsTestClient socket = WsTestClient.open(wsUri("demo"))) {
			socket.send("{\"type\":\"execute\",\"input\":" + deep + "}");
			assertThat(socket.next()).isEqualTo("{\"type\":\"error\",\"status\":400,\"detail\":\"The JSON is nested too "
					+ "deeply: the input may nest objects and arrays at most 3 levels deep\"}");
		}
	}

	@Test
	void inputWithMoreValuesThanTheLimitIsRefusedWith413OnEveryTransport() {
		String large = "{\"list\":[" + "1,".repeat(19) + "1]}";
		assertProblem(exchange("POST", "/graphs/demo/executions", Map.of(), "{\"input\":" + large + "}"), 413,
				"Content Too Large", "\"detail\":\"Field 'input' holds more than 20 values; the limit is 20\"",
				"/graphs/demo/executions");
		assertProblem(exchange("GET", "/graphs/demo/execute/stream?input=" + encode(large), Map.of(), null), 413,
				"Content Too Large", "Query parameter 'input' holds more than 20 values", "/graphs/demo/execute/stream");
		assertThat(exchange("POST", "/graphs/demo/execute", Map.of(USER, "large"),
				"{\"input\":{\"list\":[" + "1,".repeat(18) + "1]}}").status()).as("20 values").isEqualTo(200);
		try (WsTestClient socket = WsTestClient.open(wsUri("demo"))) {
			socket.send("{\"type\":\"execute\",\"input\":" + large + "}");
			assertThat(socket.next()).isEqualTo(
					"{\"type\":\"error\",\"status\":413,\"detail\":\"Field 'input' holds more than 20 values; the limit is 20\"}");
			socket.send("{\"type\":\"cancel\"}");
			assertThat(socket.next()).as("the socket stays usable").contains("\"status\":409");
		}
	}

	@Test
	void longPollWaitAboveTheMaximumIsABadRequestNamingTheMaximum() {
		Reply started = exchange("POST", "/graphs/synthetic/executions", Map.of(USER, "poller"), LONG_RUN);
		String location = started.header("Location");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.executions.find(location.substring(
				location.lastIndexOf('/') + 1)).journal().head() >= 3);
		long head = this.executions.find(location.substring(location.lastIndexOf('/') + 1)).journal().head();

		Reply tooLong = exchange("GET", location + "/events?after=" + head + "&waitMs=9223372036854775807",
				Map.of(USER, "poller"), null);
		Reply longest = exchange("GET", location + "/events?after=" + head + "&waitMs=300", Map.of(USER, "poller"),
				null);

		assertProblem(tooLong, 400, "Bad Request",
				"Query parameter 'waitMs' must be at most 300 (the longest long poll of this server) but was "
						+ "9223372036854775807",
				location + "/events");
		assertThat(tooLong.body()).contains("\"maxWaitMs\":300");
		assertThat(longest.status()).as("the maximum itself is allowed").isEqualTo(200);
		assertThat(longest.body()).isEqualTo("{\"events\":[],\"next\":" + head + ",\"completed\":false}");
	}

	private Reply exchange(String method, String uri, Map<String, String> headers, String body) {
		return this.client.exchange(method, uri, headers, body).block(HttpTestClient.TIMEOUT);
	}

	private OpenStream openStream(Map<String, String> headers, String uri, String body) throws InterruptedException {
		CountDownLatch first = new CountDownLatch(1);
		AtomicReference<String> executionId = new AtomicReference<>();
		java.util.concurrent.CompletableFuture<List<SseFrame>> frames = new java.util.concurrent.CompletableFuture<>();
		List<SseFrame> received = new java.util.concurrent.CopyOnWriteArrayList<>();
		Disposable stream = this.client
			.frames("POST", uri, headers, body,
					(response) -> executionId.set(response.responseHeaders().get("X-Execution-Id")))
			.subscribe((frame) -> {
				received.add(frame);
				first.countDown();
			}, frames::completeExceptionally, () -> frames.complete(received));
		this.open.add(stream);
		assertThat(first.await(10, TimeUnit.SECONDS)).as("the stream's first event").isTrue();
		return new OpenStream(executionId.get(), frames);
	}

	private URI wsUri(String graphId) {
		return URI.create("ws://localhost:" + this.port + "/graphs/" + graphId + "/ws");
	}

	private static HttpHeaders headers(String user) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(USER, user);
		return headers;
	}

	private static String encode(String value) {
		return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
	}

	private static SseFrame last(List<SseFrame> frames) {
		assertThat(frames).isNotEmpty();
		return frames.get(frames.size() - 1);
	}

	private static void assertContiguous(List<SseFrame> frames) {
		for (int i = 0; i < frames.size(); i++) {
			assertThat(frames.get(i).sequence()).isEqualTo(i + 1);
		}
	}

	record OpenStream(String executionId, java.util.concurrent.CompletableFuture<List<SseFrame>> frames) {
	}

	/**
	 * Sets the exchange's principal from the {@code X-Test-User} header, as a security
	 * chain would after authenticating the user.
	 */
	@Configuration(proxyBeanMethods = false)
	static class PrincipalFromHeader {

		@Bean
		WebFilter principalFromHeader() {
			return (exchange, chain) -> {
				String user = exchange.getRequest().getHeaders().getFirst(USER);
				if (user == null) {
					return chain.filter(exchange);
				}
				Principal principal = () -> user;
				return chain.filter(exchange.mutate().principal(Mono.just(principal)).build());
			};
		}

	}

}
