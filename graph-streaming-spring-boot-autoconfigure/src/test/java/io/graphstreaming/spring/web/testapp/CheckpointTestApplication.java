package io.graphstreaming.spring.web.testapp;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;

/**
 * The application the checkpoint and resume tests run: the starter's auto-configuration
 * and the graph {@code pipeline}, {@code fetch -> enrich -> hold -> finish}, without a
 * checkpoint store of its own. {@code hold} never ends while its input {@code holdKey}
 * is in {@link #HELD}, so a test can cancel a run there and resume it after releasing
 * the key.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class CheckpointTestApplication {

	/** The graph id. */
	public static final String PIPELINE = "pipeline";

	/** Hold keys whose runs block in {@code hold}. */
	public static final Set<String> HELD = ConcurrentHashMap.newKeySet();

	@Bean
	StreamingGraphExecutor pipelineGraph() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(PIPELINE, "Fetches, enriches, holds, finishes");
		executor.addNode(GraphNode.of("fetch", (state, context) -> Map.of("items", List.of(1, 2, 3))).nonBlocking());
		executor.addNode(GraphNode.of("enrich", (state, context) -> {
			int total = ((List<?>) state.get("items")).stream().mapToInt((item) -> ((Number) item).intValue()).sum();
			return Map.of("total", total, "label", "three items");
		}));
		executor.addNode(GraphNode.async("hold", (state, context) -> {
			Object key = state.get("holdKey");
			return (key != null && HELD.contains(key)) ? Mono.never() : Mono.just(Map.of("released", true));
		}));
		executor.addNode(GraphNode.of("finish",
				(state, context) -> Map.of("done", true, "summary", state.get("label") + " = " + state.get("total")))
			.nonBlocking());
		executor.connect("fetch", "enrich");
		executor.connect("enrich", "hold");
		executor.connect("hold", "finish");
		executor.setStartNode("fetch");
		return executor;
	}

}
