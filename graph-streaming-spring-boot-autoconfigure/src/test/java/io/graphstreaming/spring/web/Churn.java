package io.graphstreaming.spring.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;

import io.graphstreaming.spring.web.testapp.WebTestApplication;

/**
 * The connect/abort cycles of the churn tests: a client starts a run of
 * {@code synthetic} over SSE or a WebSocket, reads what arrives first (its first event)
 * and drops the connection.
 */
final class Churn {

	/** How long a whole churn may take before the test gives up. */
	static final Duration CHURN_TIMEOUT = Duration.ofMinutes(5);

	private Churn() {
	}

	/**
	 * Starts the test application for a churn: a random port, short retention, no rate
	 * limit, and spill after the first event of each run into {@code spillDirectory}, so
	 * that files left behind show.
	 * @param spillDirectory where segments go
	 * @param properties more properties
	 * @return the running application
	 */
	static ConfigurableApplicationContext start(Path spillDirectory, String... properties) {
		return new SpringApplicationBuilder(WebTestApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "graph.streaming.journal.retention=1s",
					"graph.streaming.web.max-executions-per-minute-per-client=1000000",
					"graph.streaming.memory-mapped-buffers.enabled=true",
					"graph.streaming.memory-mapped-buffers.directory=" + spillDirectory,
					"graph.streaming.memory-mapped-buffers.file-size=64KB",
					"graph.streaming.memory-mapped-buffers.in-memory-events=1")
			.properties(properties)
			.run();
	}

	/**
	 * The port the application listens on.
	 * @param context the running application
	 * @return its port
	 */
	static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	/**
	 * Starts a run over SSE, reads the first chunk of the response and drops the
	 * connection.
	 * @param input the run's input, a JSON object
	 * @return the first chunk, which holds the first event
	 */
	static Mono<String> sseCycle(HttpClient http, String input) {
		return http.post()
			.uri("/graphs/synthetic/execute/stream")
			.send(ByteBufFlux.fromString(Mono.just("{\"input\":" + input + "}")))
			.response((response, body) -> body.asString(StandardCharsets.UTF_8).take(1))
			.next();
	}

	/**
	 * Starts a run over a WebSocket, reads the first frame and drops the connection
	 * without a close frame.
	 * @param input the run's input, a JSON object
	 * @return the first frame, the first event's JSON
	 */
	static Mono<String> webSocketCycle(HttpClient http, String input) {
		return http.websocket()
			.uri("/graphs/synthetic/ws")
			.handle((inbound, outbound) -> outbound
				.sendString(Mono.just("{\"type\":\"execute\",\"input\":" + input + "}"))
				.then()
				.thenMany(inbound.receive().asString(StandardCharsets.UTF_8).take(1))
				.doOnComplete(() -> inbound.withConnection(Connection::dispose)))
			.next();
	}

	/**
	 * The entries of a directory.
	 */
	static long entries(Path directory) {
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
