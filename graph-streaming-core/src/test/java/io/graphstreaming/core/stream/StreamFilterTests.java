package io.graphstreaming.core.stream;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.graphstreaming.core.TestGraphs;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;

import static io.graphstreaming.core.TestEvents.sequences;
import static io.graphstreaming.core.TestEvents.wireNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Stream filters select what one consumer receives without changing the execution:
 * sequences keep their gaps, and a filter that excludes the terminal event still ends the
 * stream when the execution ends.
 */
class StreamFilterTests {

	private final StreamingGraphExecutor executor = TestGraphs.chain("filters", "a", "b", "c");

	@Test
	void typeFilterKeepsOnlyThoseTypesAndStillCompletes() {
		List<GraphExecutionEvent> events = collect(this.executor.executeStream(Map.of())
			.filter(GraphExecutionEventType.NODE_STARTED, GraphExecutionEventType.NODE_COMPLETED));

		assertThat(wireNames(events)).containsExactly("NodeStarted", "NodeCompleted", "NodeStarted", "NodeCompleted",
				"NodeStarted", "NodeCompleted");
		assertThat(sequences(events)).containsExactly(3L, 4L, 7L, 8L, 11L, 12L);
	}

	@Test
	void nodeFilterKeepsOnlyThoseNodesEventsAndStillCompletes() {
		List<GraphExecutionEvent> events = collect(this.executor.executeStream(Map.of()).filterByNode("b"));

		assertThat(wireNames(events)).containsExactly("NodeEntered", "NodeStarted", "NodeCompleted", "NodeExited");
		assertThat(events).extracting(GraphExecutionEvent::nodeId).containsOnly("b");
		assertThat(sequences(events)).containsExactly(6L, 7L, 8L, 9L);
	}

	@Test
	void nodeFilterKeepsConditionEventsOfItsNode() {
		StreamingGraphExecutor router = new StreamingGraphExecutor("router", "one condition");
		router.addNode(GraphNode.of("a", (s, c) -> Map.of()).nonBlocking());
		router.addNode(GraphNode.of("b", (s, c) -> Map.of()).nonBlocking());
		router.connect("a", "b", "always", (state) -> true).setStartNode("a");

		List<GraphExecutionEvent> events = collect(router.executeStream(Map.of()).filterByNode("a"));

		assertThat(wireNames(events)).containsExactly("NodeEntered", "NodeStarted", "NodeCompleted", "NodeExited",
				"ConditionEvaluated");
	}

	@Test
	void predicateFilterKeepsWhatItAccepts() {
		List<GraphExecutionEvent> events = collect(
				this.executor.executeStream(Map.of()).filter((event) -> event.sequence() % 5 == 0));

		assertThat(sequences(events)).containsExactly(5L, 10L);
	}

	@Test
	void filtersCombineByAnd() {
		List<GraphExecutionEvent> events = collect(this.executor.executeStream(Map.of())
			.filter(GraphExecutionEventType.NODE_COMPLETED, GraphExecutionEventType.NODE_STARTED)
			.filterByNode("a", "c")
			.filter((event) -> event.eventType() == GraphExecutionEventType.NODE_COMPLETED));

		assertThat(events).extracting(GraphExecutionEvent::nodeId).containsExactly("a", "c");
		assertThat(wireNames(events)).containsOnly("NodeCompleted");
	}

	@Test
	void filterThatMatchesNothingStillCompletes() {
		StepVerifier.create(this.executor.executeStream(Map.of()).filterByNode("nowhere").flux()).verifyComplete();
	}

	@Test
	void filteredStreamStillRespectsDemand() {
		StepVerifier.create(this.executor.executeStream(Map.of()).filter(GraphExecutionEventType.NODE_EXITED).flux(), 1)
			.assertNext((event) -> assertThat(event.nodeId()).isEqualTo("a"))
			.thenRequest(1)
			.assertNext((event) -> assertThat(event.nodeId()).isEqualTo("b"))
			.thenRequest(1)
			.assertNext((event) -> assertThat(event.nodeId()).isEqualTo("c"))
			.verifyComplete();
	}

	@Test
	void filteringReturnsANewStreamAndLeavesTheOriginalUnchanged() {
		GraphExecutionEventStream all = this.executor.executeStream(Map.of());
		GraphExecutionEventStream started = all.filter(GraphExecutionEventType.NODE_STARTED);

		assertThat(collect(all)).hasSize(14);
		assertThat(collect(started)).hasSize(3);
		assertThat(all.eventFilter().acceptsAll()).isTrue();
	}

	@Test
	void emptyFilterArgumentsAreRejected() {
		GraphExecutionEventStream stream = this.executor.executeStream(Map.of());

		assertThatIllegalArgumentException().isThrownBy(() -> stream.filter(new GraphExecutionEventType[0]))
			.withMessage("A type filter needs at least one event type");
		assertThatIllegalArgumentException().isThrownBy(() -> stream.filterByNode())
			.withMessage("A node filter needs at least one node id");
	}

	@Test
	void subscribingTheStreamAsAPublisherDeliversEvents() {
		StepVerifier.create(this.executor.executeStream(Map.of())).expectNextCount(14).verifyComplete();
	}

	private static List<GraphExecutionEvent> collect(GraphExecutionEventStream stream) {
		return stream.flux().collectList().block();
	}

}
