package io.graphstreaming.spring.web;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.graphstreaming.spring.web.HttpTestClient.Reply;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code graph.streaming.web.cors.*}, the endpoints send no CORS header: a
 * browser's cross-origin requests stay blocked by the same-origin policy.
 */
class NoCorsByDefaultTests extends AbstractWebTransportTests {

	@Test
	void preflightGetsNoCorsHeaders() {
		Reply reply = this.client.exchange("OPTIONS", "/graphs/demo/execute/stream",
				Map.of("Origin", "https://app.example.com", "Access-Control-Request-Method", "POST"), null)
			.block(HttpTestClient.TIMEOUT);

		assertThat(reply.header("Access-Control-Allow-Origin")).isNull();
		assertThat(reply.header("Access-Control-Allow-Methods")).isNull();
	}

	@Test
	void crossOriginRequestGetsNoCorsHeaders() {
		Reply reply = this.client.get("/graphs", header("Origin", "https://app.example.com"));

		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.header("Access-Control-Allow-Origin")).isNull();
		assertThat(reply.header("Access-Control-Expose-Headers")).isNull();
	}

}
