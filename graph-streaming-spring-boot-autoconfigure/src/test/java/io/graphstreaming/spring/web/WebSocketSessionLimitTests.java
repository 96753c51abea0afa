package io.graphstreaming.spring.web;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;

import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.spring.web.HttpTestClient.Reply;
import io.graphstreaming.spring.web.testapp.WebTestApplication;

import static io.graphstreaming.spring.web.AbstractWebTransportTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;
import static org.awaitility.Awaitility.await;

/**
 * The total limit of WebSocket sessions ({@code web.websocket-max-sessions}) when hit
 * over real connections, by different clients (so that the per-client limit, kept high,
 * is not what refuses them): a handshake over it gets 429 with {@code Retry-After}, the
 * sessions already open stream on to their terminal event, and a session that closes
 * frees its slot.
 */
@SpringBootTest(classes = { WebTestApplication.class, ClientLimitsTests.PrincipalFromHeader.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.web.websocket-max-sessions=2",
				"graph.streaming.web.websocket-max-sessions-per-client=100", "graph.streaming.web.retry-after=3s" })
class WebSocketSessionLimitTests {

	private static final String UPGRADE_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

	@LocalServerPort
	int port;

	@Autowired
	StreamLimiter streamLimiter;

	@Autowired
	ExecutionRegistry executions;

	@AfterEach
	void nothingLeftOpen() {
		this.executions.cancelAll("test over");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.streamLimiter.openStreams("websocket") == 0);
	}

	@Test
	void handshakeOverTheTotalSessionLimitIsRefusedWith429WhileOpenSessionsStreamOn() {
		try (WsTestClient first = WsTestClient.open(wsUri(), user("first"));
				WsTestClient second = WsTestClient.open(wsUri(), user("second"))) {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.streamLimiter.openStreams("websocket") == 2);

			Reply refused = upgrade("third");
			assertProblem(refused, 429, "Too Many Requests",
					"\"detail\":\"Too many concurrent WebSocket sessions: the limit is 2\"", "/graphs/demo/ws");
			assertThat(refused.header("Retry-After")).isEqualTo("3");
			assertThatRuntimeException().isThrownBy(() -> WsTestClient.open(wsUri(), user("fourth")))
				.withMessageContaining("429");

			for (WsTestClient open : List.of(first, second)) {
				open.send("{\"type\":\"execute\",\"input\":{\"name\":\"Ada\"}}");
				List<String> frames = open.untilClosed();
				assertThat(open.awaitClose().getCode()).isEqualTo(1000);
				assertThat(frames).last().asString().contains("\"eventType\":\"ExecutionCompleted\"");
			}
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.streamLimiter.openStreams("websocket") == 0);

		try (WsTestClient again = WsTestClient.open(wsUri(), user("third"))) {
			again.send("{\"type\":\"execute\",\"input\":{}}");
			assertThat(again.untilClosed()).last().asString().contains("\"eventType\":\"ExecutionCompleted\"");
		}
	}

	private Reply upgrade(String user) {
		return new HttpTestClient(this.port)
			.exchange("GET", "/graphs/demo/ws",
					Map.of("X-Test-User", user, "Upgrade", "websocket", "Connection", "Upgrade",
							"Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", UPGRADE_KEY),
					null)
			.block(HttpTestClient.TIMEOUT);
	}

	private URI wsUri() {
		return URI.create("ws://localhost:" + this.port + "/graphs/demo/ws");
	}

	private static HttpHeaders user(String name) {
		HttpHeaders headers = new HttpHeaders();
		headers.set("X-Test-User", name);
		return headers;
	}

}
