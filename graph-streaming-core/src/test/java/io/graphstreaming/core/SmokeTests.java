package io.graphstreaming.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTests {

	@Test
	void threeNodeChainStreamsEveryStepInOrder() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("chain", "a chain");
		executor.addNode(GraphNode.of("a", (s, c) -> Map.of("a", 1)));
		executor.addNode(GraphNode.of("b", (s, c) -> Map.of("b", 2)));
		executor.addNode(GraphNode.of("c", (s, c) -> Map.of("c", 3)));
		executor.connect("a", "b").connect("b", "c").setStartNode("a");
		List<GraphExecutionEvent> events = executor.executeStream(Map.of("x", 0)).flux().collectList()
			.block(Duration.ofSeconds(5));
		events.forEach(System.out::println);
		assertThat(events).extracting((e) -> e.eventType().wireName())
			.containsExactly("ExecutionStarted", "NodeEntered", "NodeStarted", "NodeCompleted", "NodeExited",
					"NodeEntered", "NodeStarted", "NodeCompleted", "NodeExited", "NodeEntered", "NodeStarted",
					"NodeCompleted", "NodeExited", "ExecutionCompleted");
		assertThat(events).extracting(GraphExecutionEvent::sequence)
			.containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
	}

	@Test
	void slowConsumerPausesExecution() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("loop", "chunks");
		executor.addNode(GraphNode.async("a", (s, c) -> reactor.core.publisher.Flux.range(0, 100)
			.concatMap((i) -> c.emitChunkAndAwaitCapacity(i)).then(reactor.core.publisher.Mono.just(Map.of()))));
		executor.setStartNode("a");
		var options = io.graphstreaming.core.options.StreamingExecutionOptions.builder().withBufferSize(5)
			.withMaxBufferSize(10).build();
		StepVerifier.create(executor.executeStream(Map.of(), options).flux(), 0)
			.thenRequest(3)
			.expectNextCount(3)
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(100 + 5 - 3 + 1)
			.verifyComplete();
	}

}
