package io.graphstreaming.core.docs;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.junit.jupiter.api.Test;

import io.graphstreaming.core.checkpoint.InMemoryCheckpointStore;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.event.StateMergeConflictDetectedEvent;
import io.graphstreaming.core.execution.ExecutionBudget;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.MergePolicy;
import io.graphstreaming.core.graph.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README's "Beyond a chain" example compiling and its claims true. Change both
 * together.
 */
class ReadmeEngineExampleTests {

	@Test
	void readmeBranchesRunBothSourcesMergeTheirHitsAndCheckpointEachTopLevelNode() {
		// From here to setStartNode: the README's code.
		StreamingGraphExecutor agent = new StreamingGraphExecutor("research", "Searches two sources at once");
		agent.addNode(GraphNode.of("plan", (state, ctx) -> Map.of("query", state.get("question"))))
			.addNode(GraphNode.of("web", (state, ctx) -> Map.of("hits", List.of("web: " + state.get("query"))))
				.withRetry(RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(200)).build())
				.withCircuitBreaker(CircuitBreakerConfig.ofDefaults()))
			.addNode(GraphNode.of("wiki", (state, ctx) -> Map.of("hits", List.of("wiki: " + state.get("query")))))
			.addNode(GraphNode.of("answer", (state, ctx) -> Map.of("answer", state.get("hits"))))
			.connect("plan", "web").connect("plan", "wiki")
			.connect("web", "answer").connect("wiki", "answer")
			.mergePolicy("hits", MergePolicy.listAppend())
			.budget(ExecutionBudget.builder().maxDuration(Duration.ofSeconds(30)).build())
			.checkpoints(new InMemoryCheckpointStore())
			.setStartNode("plan");

		List<GraphExecutionEvent> events = agent.executeStream(Map.of("question", "streams"))
			.flux()
			.collectList()
			.block(Duration.ofSeconds(10));

		ExecutionCompletedEvent completed = (ExecutionCompletedEvent) events.get(events.size() - 1);
		assertThat(completed.output()).containsEntry("answer", List.of("web: streams", "wiki: streams"));
		assertThat(events).filteredOn(StateMergeConflictDetectedEvent.class::isInstance)
			.singleElement()
			.satisfies((event) -> {
				StateMergeConflictDetectedEvent conflict = (StateMergeConflictDetectedEvent) event;
				assertThat(conflict.nodeId()).isEqualTo("answer");
				assertThat(conflict.policy()).isEqualTo("list-append");
			});
		assertThat(events).filteredOn((event) -> event.eventType() == GraphExecutionEventType.CHECKPOINT_CREATED)
			.extracting(GraphExecutionEvent::nodeId)
			.containsExactly("plan", "answer");
	}

}
