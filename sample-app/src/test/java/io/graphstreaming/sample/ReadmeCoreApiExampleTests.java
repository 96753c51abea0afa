package io.graphstreaming.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README's "Core API in 20 lines" example compiling and its printed output
 * true. Change both together.
 */
class ReadmeCoreApiExampleTests {

	@Test
	void readmeExamplePrintsWhatTheReadmeShows() {
		List<String> printed = new CopyOnWriteArrayList<>();
		// From here to the end of the flux chain: the README's code, printing into a list.
		StreamingGraphExecutor executor = new StreamingGraphExecutor("greeting", "Greets formally or casually");
		executor.addNode(GraphNode.of("parse", (state, ctx) -> Map.of("name", state.getOrDefault("name", "world"))))
			.addNode(GraphNode.of("formal", (state, ctx) -> Map.of("greeting", "Good day, " + state.get("name") + ".")))
			.addNode(GraphNode.of("casual", (state, ctx) -> Map.of("greeting", "Hi " + state.get("name") + "!")))
			.connect("parse", "formal", "formal requested", (state) -> Boolean.TRUE.equals(state.get("formal")))
			.connect("parse", "casual") // taken when no conditional edge holds
			.setStartNode("parse");

		executor.executeStream(Map.of("name", "Ada", "formal", true)) // cold: each subscription is one run
			.filter(GraphExecutionEventType.NODE_COMPLETED, GraphExecutionEventType.CONDITION_EVALUATED)
			.flux()
			.doOnNext((event) -> printed.add(event.sequence() + " " + event.eventType().wireName()
					+ " " + event.nodeId()))
			.blockLast(Duration.ofSeconds(5));

		assertThat(printed).containsExactly("4 NodeCompleted parse", "6 ConditionEvaluated parse",
				"9 NodeCompleted formal");
	}

	@Test
	void readmeExampleTakesTheDefaultEdgeWhenTheConditionFails() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("greeting", "Greets formally or casually");
		executor.addNode(GraphNode.of("parse", (state, ctx) -> Map.of("name", state.getOrDefault("name", "world"))))
			.addNode(GraphNode.of("formal", (state, ctx) -> Map.of("greeting", "Good day, " + state.get("name") + ".")))
			.addNode(GraphNode.of("casual", (state, ctx) -> Map.of("greeting", "Hi " + state.get("name") + "!")))
			.connect("parse", "formal", "formal requested", (state) -> Boolean.TRUE.equals(state.get("formal")))
			.connect("parse", "casual")
			.setStartNode("parse");
		Map<String, Object> output = executor.executeAsync(Map.of()).block(Duration.ofSeconds(5)).output();
		assertThat(output).containsEntry("greeting", "Hi world!");
	}

}
