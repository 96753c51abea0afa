package io.graphstreaming.spring.web.testapp;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.GraphState;
import io.graphstreaming.core.graph.NodeContext;

/**
 * The application the HTTP transport tests run: the starter's auto-configuration and two
 * graphs, {@code demo} (three nodes, a conditional edge) and {@code synthetic} (one node
 * {@code step} looping {@code nodes} times through a conditional self-edge; inputs
 * {@code nodes}, {@code delayMs}, {@code payloadBytes}, {@code failAt}, {@code chunks}).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class WebTestApplication {

	/** The demo graph id. */
	public static final String DEMO = "demo";

	/** The synthetic graph id. */
	public static final String SYNTHETIC = "synthetic";

	@Bean
	StreamingGraphExecutor demoGraph() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(DEMO, "Greets someone, loudly if asked");
		executor.addNode(GraphNode.of("greet", (state, context) -> Map.of("greeting",
				"Hello, " + state.getOrDefault("name", "world"))).withDescription("Writes the greeting").nonBlocking());
		executor.addNode(GraphNode.of("shout", (state, context) -> Map.of("greeting",
				String.valueOf(state.get("greeting")).toUpperCase())).withDescription("Upper-cases it"));
		executor.addNode(GraphNode.of("finish", (state, context) -> Map.of("done", true))
			.withDescription("Marks the end")
			.nonBlocking());
		executor.connect("greet", "shout", "loud", (state) -> Boolean.TRUE.equals(state.get("loud")));
		executor.connect("greet", "finish");
		executor.connect("shout", "finish");
		executor.setStartNode("greet");
		return executor;
	}

	/**
	 * An application route under the graphs' base path, next to the starter's: it must
	 * keep its own answers, errors included.
	 */
	@Bean
	RouterFunction<ServerResponse> applicationOrders() {
		return RouterFunctions.route()
			.GET("/graphs/custom/orders/{id}", (request) -> "7".equals(request.pathVariable("id"))
					? Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND, "order 7 not found"))
					: ServerResponse.ok().bodyValue("order " + request.pathVariable("id")))
			.build();
	}

	@Bean
	StreamingGraphExecutor syntheticGraph() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(SYNTHETIC,
				"Load and test graph shaped by its input");
		executor.addNode(GraphNode.async("step", WebTestApplication::step).withDescription("One link of the chain"));
		executor.connect("step", "step", "more steps",
				(state) -> state.getInt("step", 0) < state.getInt("nodes", 5));
		executor.setStartNode("step");
		executor.maxSteps(1_000_000);
		return executor;
	}

	private static Mono<Map<String, @Nullable Object>> step(GraphState state, NodeContext context) {
		int index = state.getInt("step", 0);
		long delayMs = state.getInt("delayMs", 0);
		int chunks = state.getInt("chunks", 0);
		Mono<Void> work;
		if (chunks == 0) {
			work = pause(delayMs);
		}
		else {
			work = Flux.range(0, chunks)
				.concatMap((chunk) -> pause(delayMs / chunks)
					.then(Mono.defer(() -> context.emitChunkAndAwaitCapacity("step " + index + " chunk " + chunk))))
				.then();
		}
		return work.then(Mono.fromCallable(() -> {
			if (index == state.getInt("failAt", -1)) {
				throw new IllegalStateException("synthetic failure at step " + index);
			}
			Map<String, @Nullable Object> written = new LinkedHashMap<>();
			written.put("step", index + 1);
			int payloadBytes = state.getInt("payloadBytes", 0);
			if (payloadBytes > 0) {
				written.put("payload", "x".repeat(payloadBytes));
			}
			return written;
		}));
	}

	private static Mono<Void> pause(long millis) {
		return (millis > 0) ? Mono.delay(Duration.ofMillis(millis)).then() : Mono.empty();
	}

}
