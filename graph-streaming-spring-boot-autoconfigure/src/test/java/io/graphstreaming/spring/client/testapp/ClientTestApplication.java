package io.graphstreaming.spring.client.testapp;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.GraphState;
import io.graphstreaming.core.graph.NodeContext;

/**
 * The server the remote client tests talk to: the starter's auto-configuration and the
 * graph {@value #SYNTHETIC}, one node {@code step} looping {@code nodes} times (default
 * 5) through the conditional self-edge {@code more steps}, each step waiting
 * {@code delayMs} (default 0), streaming {@code chunks} output chunks (default 0) and
 * writing a {@code payload} of {@code payloadBytes} characters (default 0: none).
 * Not a {@code @SpringBootConfiguration}, so that other tests' configuration search does
 * not find it: tests name it explicitly.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class ClientTestApplication {

	/** The looping graph. */
	public static final String SYNTHETIC = "synthetic";

	/**
	 * The graph, also used in-process by the tests that compare local and remote streams.
	 * @return a new executor
	 */
	public static StreamingGraphExecutor synthetic() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(SYNTHETIC, "Loops 'nodes' times");
		executor.addNode(GraphNode.async("step", ClientTestApplication::step).withDescription("One step"));
		executor.connect("step", "step", "more steps", (state) -> state.getInt("step", 0) < state.getInt("nodes", 5));
		executor.setStartNode("step");
		executor.maxSteps(1_000_000);
		return executor;
	}

	@Bean
	StreamingGraphExecutor syntheticGraph() {
		return synthetic();
	}

	private static Mono<Map<String, @Nullable Object>> step(GraphState state, NodeContext context) {
		int index = state.getInt("step", 0);
		int delayMs = state.getInt("delayMs", 0);
		int chunks = state.getInt("chunks", 0);
		Mono<Void> chunked = Flux.range(0, chunks)
			.concatMap((chunk) -> Mono.defer(() -> context.emitChunkAndAwaitCapacity("step " + index + " chunk " + chunk)))
			.then();
		Mono<Void> pause = (delayMs > 0) ? Mono.delay(Duration.ofMillis(delayMs)).then() : Mono.empty();
		int payloadBytes = state.getInt("payloadBytes", 0);
		return pause.then(chunked).then(Mono.fromSupplier(() -> (payloadBytes > 0)
				? Map.of("step", index + 1, "payload", "step " + index + " ".repeat(payloadBytes))
				: Map.of("step", index + 1)));
	}

}
