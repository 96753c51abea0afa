package io.graphstreaming.spring.web.websocket.testapp;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.GraphState;
import io.graphstreaming.core.graph.NodeContext;

/**
 * The application the WebSocket tests run: the auto-configuration and these graphs.
 * <ul>
 * <li>{@code greeting}: {@code greet}, then {@code shout} if the input has
 * {@code loud: true} (a conditional edge), then {@code finish}; instant.</li>
 * <li>{@code fleeting}: the same graph, configured by the tests to be forgotten
 * quickly.</li>
 * <li>{@code step}: one node {@code step} looping through a conditional self-edge
 * {@code nodes} times (default 5), waiting {@code delayMs} (default 0) and writing
 * {@code payloadBytes} characters (default 0) each time.</li>
 * <li>{@code trimmed}: the same loop, configured by the tests to keep few events.</li>
 * </ul>
 * Not a {@code @SpringBootConfiguration}, so that other tests' configuration search does
 * not find it: tests name it explicitly.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class WebSocketTestApplication {

	/** The three-node graph. */
	public static final String GREETING = "greeting";

	/** The three-node graph with a small journal. */
	public static final String TRIMMED = "trimmed";

	/** The three-node graph with a short retention. */
	public static final String FLEETING = "fleeting";

	/** The looping graph. */
	public static final String STEP = "step";

	@Bean
	StreamingGraphExecutor greetingGraph() {
		return greeting(GREETING);
	}

	@Bean
	StreamingGraphExecutor trimmedGraph() {
		return step(TRIMMED);
	}

	@Bean
	StreamingGraphExecutor fleetingGraph() {
		return greeting(FLEETING);
	}

	@Bean
	StreamingGraphExecutor stepGraph() {
		return step(STEP);
	}

	private static StreamingGraphExecutor step(String id) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(id, "Loops 'nodes' times");
		executor.addNode(GraphNode.async("step", WebSocketTestApplication::step).withDescription("One loop"));
		executor.connect("step", "step", "more steps", (state) -> state.getInt("count", 0) < state.getInt("nodes", 5));
		executor.setStartNode("step");
		executor.maxSteps(100_000);
		return executor;
	}

	private static StreamingGraphExecutor greeting(String id) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(id, "Greets someone, loudly if asked");
		executor.addNode(GraphNode.of("greet", (state, context) -> Map.of("greeting",
				"Hello, " + state.getOrDefault("name", "world"))).nonBlocking());
		executor.addNode(GraphNode.of("shout", (state, context) -> Map.of("greeting",
				String.valueOf(state.get("greeting")).toUpperCase())).nonBlocking());
		executor.addNode(GraphNode.of("finish", (state, context) -> Map.of("done", true)).nonBlocking());
		executor.connect("greet", "shout", "loud", (state) -> Boolean.TRUE.equals(state.get("loud")));
		executor.connect("greet", "finish");
		executor.connect("shout", "finish");
		executor.setStartNode("greet");
		return executor;
	}

	private static Mono<Map<String, @Nullable Object>> step(GraphState state, NodeContext context) {
		int count = state.getInt("count", 0) + 1;
		int delayMs = state.getInt("delayMs", 0);
		int payloadBytes = state.getInt("payloadBytes", 0);
		Mono<Long> pause = (delayMs > 0) ? Mono.delay(Duration.ofMillis(delayMs)) : Mono.just(0L);
		return pause.map((ignored) -> {
			Map<String, @Nullable Object> written = new LinkedHashMap<>();
			written.put("count", count);
			if (payloadBytes > 0) {
				written.put("payload", "x".repeat(payloadBytes));
			}
			return written;
		});
	}

}
