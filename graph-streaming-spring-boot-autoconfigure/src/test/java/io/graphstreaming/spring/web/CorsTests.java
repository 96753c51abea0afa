package io.graphstreaming.spring.web;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.graphstreaming.spring.web.HttpTestClient.Reply;
import io.graphstreaming.spring.web.testapp.WebTestApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CORS by configuration on a real port: a preflight from an allowed origin (or one that
 * matches a pattern) gets the {@code Access-Control-*} headers, an actual request gets
 * the allowed origin and the exposed headers that resume and retries need, a disallowed
 * origin, method or header gets 403 as problem+json (also for the WebSocket handshake),
 * and nothing outside the base path gets CORS headers.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.web.cors.allowed-origins=https://app.example.com",
				"graph.streaming.web.cors.allowed-origin-patterns=https://*.example.org",
				"graph.streaming.web.cors.allow-credentials=true", "graph.streaming.web.cors.max-age=10m" })
class CorsTests {

	private static final String ALLOWED = "https://app.example.com";

	@LocalServerPort
	int port;

	private HttpTestClient client;

	@BeforeEach
	void createClient() {
		this.client = new HttpTestClient(this.port);
	}

	@Test
	void preflightFromAnAllowedOriginGetsTheCorsHeaders() {
		Reply reply = preflight("/graphs/demo/execute/stream", ALLOWED, "POST", "content-type,last-event-id");

		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
		assertThat(reply.header("Access-Control-Allow-Methods")).isEqualTo("GET,HEAD,POST,DELETE");
		assertThat(reply.header("Access-Control-Allow-Headers")).isEqualToIgnoringCase("content-type, last-event-id");
		assertThat(reply.header("Access-Control-Allow-Credentials")).isEqualTo("true");
		assertThat(reply.header("Access-Control-Max-Age")).isEqualTo("600");
	}

	@Test
	void preflightFromAnOriginMatchingAPatternIsAllowed() {
		Reply reply = preflight("/graphs/demo/executions/x", "https://dashboards.example.org", "DELETE", null);

		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.header("Access-Control-Allow-Origin")).isEqualTo("https://dashboards.example.org");
	}

	@Test
	void actualRequestFromAnAllowedOriginGetsTheOriginAndTheExposedHeaders() {
		Reply reply = this.client.exchange("POST", "/graphs/demo/execute/stream", Map.of("Origin", ALLOWED),
				"{\"input\":{}}")
			.block(HttpTestClient.TIMEOUT);

		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
		assertThat(reply.header("Access-Control-Expose-Headers"))
			.isEqualTo("Location, Retry-After, X-Execution-Id, X-Resumed-From");
		assertThat(reply.header("X-Execution-Id")).isNotBlank();
		assertThat(reply.frames()).last().extracting(HttpTestClient.SseFrame::event).isEqualTo("ExecutionCompleted");
	}

	@Test
	void preflightFromADisallowedOriginIsForbidden() {
		Reply reply = preflight("/graphs/demo/execute/stream", "https://evil.example.net", "POST", null);

		assertForbidden(reply, "/graphs/demo/execute/stream");
	}

	@Test
	void preflightForADisallowedMethodOrHeaderIsForbidden() {
		assertForbidden(preflight("/graphs", ALLOWED, "PUT", null), "/graphs");
		assertForbidden(preflight("/graphs", ALLOWED, "GET", "x-custom"), "/graphs");
	}

	@Test
	void actualRequestFromADisallowedOriginIsForbiddenBeforeItRuns() {
		Reply reply = this.client.exchange("POST", "/graphs/demo/execute", Map.of("Origin", "https://evil.example.net"),
				"{\"input\":{}}")
			.block(HttpTestClient.TIMEOUT);

		assertForbidden(reply, "/graphs/demo/execute");
	}

	@Test
	void webSocketHandshakeFromADisallowedOriginIsForbidden() {
		Reply reply = this.client.exchange("GET", "/graphs/demo/ws", Map.of("Origin", "https://evil.example.net",
				"Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Version", "13", "Sec-WebSocket-Key",
				"dGhlIHNhbXBsZSBub25jZQ=="), null)
			.block(HttpTestClient.TIMEOUT);

		assertForbidden(reply, "/graphs/demo/ws");
	}

	@Test
	void pathsOutsideTheBasePathGetNoCorsHeaders() {
		Reply reply = preflight("/elsewhere", ALLOWED, "POST", null);

		assertThat(reply.header("Access-Control-Allow-Origin")).isNull();
		assertThat(reply.status()).isNotEqualTo(403);
	}

	private Reply preflight(String path, String origin, String method, String headers) {
		Map<String, String> request = (headers != null)
				? Map.of("Origin", origin, "Access-Control-Request-Method", method, "Access-Control-Request-Headers",
						headers)
				: Map.of("Origin", origin, "Access-Control-Request-Method", method);
		return this.client.exchange("OPTIONS", path, request, null).block(HttpTestClient.TIMEOUT);
	}

	private static void assertForbidden(Reply reply, String instance) {
		assertThat(reply.status()).as(reply.body()).isEqualTo(403);
		assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
		assertThat(reply.header("Access-Control-Allow-Origin")).isNull();
		assertThat(reply.body()).contains("\"title\":\"Forbidden\"")
			.contains("\"status\":403")
			.contains("not allowed")
			.contains("\"instance\":\"" + instance + "\"");
	}

}
