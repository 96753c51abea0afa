package io.graphstreaming.spring.web.compression;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code graph.streaming.web.websocket-permessage-deflate}: a client that offers
 * permessage-deflate (RFC 7692) gets it when the property is on, and not otherwise; the
 * protocol works the same over the deflated socket.
 */
class PermessageDeflateTests {

	@ParameterizedTest(name = "websocket-permessage-deflate={0}")
	@ValueSource(booleans = { true, false })
	void aClientOfferingPermessageDeflateGetsItOnlyWhenEnabled(boolean enabled) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CompressionTestApplication.class)
			.properties("server.port=0", "graph.streaming.web.websocket-permessage-deflate=" + enabled)
			.run()) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			Handshake handshake = HttpClient.create()
				.websocket(WebsocketClientSpec.builder().compress(true).build())
				.uri("ws://localhost:" + port + "/graphs/plain/ws")
				.handle((in, out) -> out.sendString(Mono.just("{\"type\":\"execute\",\"input\":{\"steps\":2}}"))
					.then()
					.thenMany(in.receive().asString().collectList().map((frames) -> new Handshake(
							in.headers().get("Sec-WebSocket-Extensions"), frames.size(),
							frames.get(frames.size() - 1)))))
				.blockLast(Duration.ofSeconds(20));

			assertThat(handshake).isNotNull();
			if (enabled) {
				assertThat(handshake.extensions()).startsWith("permessage-deflate");
			}
			else {
				assertThat(handshake.extensions()).isNull();
			}
			assertThat(handshake.lastFrame()).contains("\"eventType\":\"ExecutionCompleted\"");
		}
	}

	private record Handshake(@Nullable String extensions, int frames, String lastFrame) {
	}

}
