package io.graphstreaming.core.execution;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.graphstreaming.core.TestGraphs;
import io.graphstreaming.core.event.ConditionEvaluatedEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.ExecutionStartedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.event.NodeFailedEvent;
import io.graphstreaming.core.event.NodeOutputChunkEvent;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.graphstreaming.core.TestEvents.range;
import static io.graphstreaming.core.TestEvents.sequences;
import static io.graphstreaming.core.TestEvents.wireNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What one run streams: the exact events, in order, with contiguous sequences, for
 * chains, conditional routes, loops, failures and partial output.
 */
class StreamingGraphExecutorTests {

	private static final List<String> NODE_STEP = List.of("NodeEntered", "NodeStarted", "NodeCompleted",
			"NodeExited");

	@Test
	void threeNodeChainEmitsEveryStepInExactOrder() {
		StreamingGraphExecutor executor = TestGraphs.chain("chain", "a", "b", "c");

		List<GraphExecutionEvent> events = collect(executor.executeStream(Map.of("x", 0)).flux());

		List<String> expected = new ArrayList<>();
		expected.add("ExecutionStarted");
		for (int i = 0; i < 3; i++) {
			expected.addAll(NODE_STEP);
		}
		expected.add("ExecutionCompleted");
		assertThat(wireNames(events)).containsExactlyElementsOf(expected);
		assertThat(events).extracting(GraphExecutionEvent::nodeId)
			.containsExactly(null, "a", "a", "a", "a", "b", "b", "b", "b", "c", "c", "c", "c", null);
		assertThat(events).extracting(GraphExecutionEvent::graphId).containsOnly("chain");
		assertThat(events).extracting(GraphExecutionEvent::executionId).hasSize(14).containsOnly(events.get(0).executionId());
	}

	@Test
	void sequencesStartAtOneAndAreContiguous() {
		StreamingGraphExecutor executor = TestGraphs.chain("chain", "a", "b", "c", "d", "e");

		List<GraphExecutionEvent> events = collect(executor.executeStream(Map.of()).flux());

		assertThat(sequences(events)).containsExactlyElementsOf(range(1, 22));
	}

	@Test
	void eachSubscriptionOfAStreamIsANewExecution() {
		var stream = TestGraphs.chain("chain", "a").executeStream(Map.of());

		List<GraphExecutionEvent> first = collect(stream.flux());
		List<GraphExecutionEvent> second = collect(stream.flux());

		assertThat(first.get(0).executionId()).isNotEqualTo(second.get(0).executionId());
		assertThat(sequences(second)).containsExactlyElementsOf(range(1, 6));
	}

	@Test
	void startedAndCompletedEventsCarryInputNodeOutputAndFinalState() {
		StreamingGraphExecutor executor = TestGraphs.chain("chain", "a", "b");

		List<GraphExecutionEvent> events = collect(executor.executeStream(Map.of("x", 0)).flux());

		ExecutionStartedEvent started = (ExecutionStartedEvent) events.get(0);
		assertThat(started.startNode()).isEqualTo("a");
		assertThat(started.input()).containsExactly(Map.entry("x", 0));
		assertThat(events).filteredOn((event) -> event instanceof NodeCompletedEvent)
			.extracting((event) -> ((NodeCompletedEvent) event).output())
			.containsExactly(Map.of("a", 1), Map.of("b", 2));
		ExecutionCompletedEvent completed = (ExecutionCompletedEvent) events.get(events.size() - 1);
		assertThat(completed.output()).containsExactly(Map.entry("x", 0), Map.entry("a", 1), Map.entry("b", 2));
		assertThat(completed.duration()).isGreaterThanOrEqualTo(java.time.Duration.ZERO);
	}

	@Test
	void finalStateIsLeftOutWhenOptionsSaySo() {
		StreamingExecutionOptions options = StreamingExecutionOptions.builder().withFinalState(false).build();

		List<GraphExecutionEvent> events = collect(TestGraphs.chain("chain", "a").executeStream(Map.of(), options).flux());

		assertThat(((ExecutionCompletedEvent) events.get(events.size() - 1)).output()).isNull();
	}

	@Test
	void conditionalRouteEmitsConditionEvaluatedForEachTestedEdgeThenTakesTheFirstThatHolds() {
		StreamingGraphExecutor executor = router();

		List<GraphExecutionEvent> events = collect(executor.executeStream(Map.of("score", 0.3)).flux());

		assertThat(wireNames(events)).containsExactly("ExecutionStarted", "NodeEntered", "NodeStarted",
				"NodeCompleted", "NodeExited", "ConditionEvaluated", "ConditionEvaluated", "NodeEntered",
				"NodeStarted", "NodeCompleted", "NodeExited", "ExecutionCompleted");
		ConditionEvaluatedEvent high = (ConditionEvaluatedEvent) events.get(5);
		ConditionEvaluatedEvent low = (ConditionEvaluatedEvent) events.get(6);
		assertThat(high.nodeId()).isEqualTo("route");
		assertThat(high.targetNode()).isEqualTo("high");
		assertThat(high.condition()).isEqualTo("score > 0.5");
		assertThat(high.result()).isFalse();
		assertThat(low.targetNode()).isEqualTo("low");
		assertThat(low.condition()).isEqualTo("score <= 0.5");
		assertThat(low.result()).isTrue();
		assertThat(events.get(7).nodeId()).isEqualTo("low");
		assertThat(sequences(events)).containsExactlyElementsOf(range(1, 12));
	}

	@Test
	void conditionalRouteStopsEvaluatingAtTheFirstConditionThatHolds() {
		List<GraphExecutionEvent> events = collect(router().executeStream(Map.of("score", 0.9)).flux());

		assertThat(events).filteredOn((event) -> event instanceof ConditionEvaluatedEvent)
			.extracting((event) -> ((ConditionEvaluatedEvent) event).targetNode(),
					(event) -> ((ConditionEvaluatedEvent) event).result())
			.containsExactly(org.assertj.core.groups.Tuple.tuple("high", true));
		assertThat(events).filteredOn((event) -> event.eventType() == GraphExecutionEventType.NODE_STARTED)
			.extracting(GraphExecutionEvent::nodeId)
			.containsExactly("route", "high");
	}

	@Test
	void unconditionalEdgeIsTheFallbackWhenNoConditionHolds() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("fallback", "fallback route");
		executor.addNode(GraphNode.of("route", (s, c) -> Map.of()).nonBlocking());
		executor.addNode(GraphNode.of("special", (s, c) -> Map.of()).nonBlocking());
		executor.addNode(GraphNode.of("usual", (s, c) -> Map.of()).nonBlocking());
		executor.connect("route", "usual");
		executor.connect("route", "special", "special == true", (state) -> Boolean.TRUE.equals(state.get("special")));
		executor.setStartNode("route");

		List<GraphExecutionEvent> events = collect(executor.executeStream(Map.of()).flux());

		assertThat(wireNames(events).subList(5, 7)).containsExactly("ConditionEvaluated", "NodeEntered");
		assertThat(((ConditionEvaluatedEvent) events.get(5)).result()).isFalse();
		assertThat(events.get(6).nodeId()).isEqualTo("usual");
	}

	@Test
	void loopRunsUntilItsConditionFails() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("loop", "a counting loop");
		executor.addNode(GraphNode.of("count", (state, c) -> Map.of("n", state.getInt("n", 0) + 1)).nonBlocking());
		executor.connect("count", "count", "n < 3", (state) -> state.getInt("n", 0) < 3);
		executor.setStartNode("count");

		List<GraphExecutionEvent> events = collect(executor.executeStream(Map.of()).flux());

		assertThat(events).filteredOn((event) -> event instanceof ConditionEvaluatedEvent)
			.extracting((event) -> ((ConditionEvaluatedEvent) event).result())
			.containsExactly(true, true, false);
		assertThat(((ExecutionCompletedEvent) events.get(events.size() - 1)).output()).containsEntry("n", 3);
	}

	@Test
	void runExceedingMaxStepsFailsInsteadOfLoopingForever() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("forever", "an endless loop");
		executor.addNode(GraphNode.of("spin", (s, c) -> Map.of()).nonBlocking());
		executor.connect("spin", "spin", "always", (state) -> true);
		executor.setStartNode("spin").maxSteps(2);

		List<GraphExecutionEvent> events = collect(executor.executeStream(Map.of()).flux());

		ExecutionFailedEvent failed = (ExecutionFailedEvent) events.get(events.size() - 1);
		assertThat(failed.errorType()).isEqualTo("IllegalStateException");
		assertThat(failed.errorMessage()).isEqualTo("Graph 'forever' exceeded 2 node executions; a cycle may not terminate");
		assertThat(events).filteredOn((event) -> event.eventType() == GraphExecutionEventType.NODE_STARTED).hasSize(2);
	}

	@Test
	void failingNodeEmitsNodeFailedThenNodeExitedThenExecutionFailed() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("failing", "b throws");
		executor.addNode(GraphNode.of("a", (s, c) -> Map.of("a", 1)));
		executor.addNode(GraphNode.of("b", (s, c) -> {
			throw new IllegalStateException("boom");
		}));
		executor.addNode(GraphNode.of("c", (s, c) -> Map.of("c", 3)));
		executor.connect("a", "b").connect("b", "c").setStartNode("a");

		List<GraphExecutionEvent> events = collect(executor.executeStream(Map.of()).flux());

		assertThat(wireNames(events)).containsExactly("ExecutionStarted", "NodeEntered", "NodeStarted",
				"NodeCompleted", "NodeExited", "NodeEntered", "NodeStarted", "NodeFailed", "NodeExited",
				"ExecutionFailed");
		assertThat(sequences(events)).containsExactlyElementsOf(range(1, 10));
		NodeFailedEvent nodeFailed = (NodeFailedEvent) events.get(7);
		assertThat(nodeFailed.nodeId()).isEqualTo("b");
		assertThat(nodeFailed.errorType()).isEqualTo("IllegalStateException");
		assertThat(nodeFailed.errorMessage()).isEqualTo("boom");
		assertThat(nodeFailed.duration()).isGreaterThanOrEqualTo(java.time.Duration.ZERO);
		assertThat(events.get(8).nodeId()).isEqualTo("b");
		ExecutionFailedEvent failed = (ExecutionFailedEvent) events.get(9);
		assertThat(failed.nodeId()).isEqualTo("b");
		assertThat(failed.errorType()).isEqualTo("IllegalStateException");
		assertThat(failed.errorMessage()).isEqualTo("boom");
	}

	@Test
	void failureMessagesCarryNoStackTraceNorCauseChain() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("failing", "throws with a cause");
		executor.addNode(GraphNode.of("io", (s, c) -> {
			throw new IOException("disk full", new IllegalArgumentException("inner detail"));
		}));
		executor.setStartNode("io");

		List<GraphExecutionEvent> events = collect(executor.executeStream(Map.of()).flux());

		NodeFailedEvent nodeFailed = (NodeFailedEvent) events.get(3);
		ExecutionFailedEvent failed = (ExecutionFailedEvent) events.get(5);
		for (String message : List.of(nodeFailed.errorMessage(), failed.errorMessage())) {
			assertThat(message).isEqualTo("disk full").doesNotContain("\tat ", "\n", "inner detail", "Exception");
		}
		assertThat(failed.errorType()).isEqualTo("IOException");
	}

	@Test
	void errorWithoutMessageIsReportedWithAnEmptyMessage() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("failing", "async error");
		executor.addNode(GraphNode.async("a", (s, c) -> Mono.error(new UnsupportedOperationException())));
		executor.setStartNode("a");

		List<GraphExecutionEvent> events = collect(executor.executeStream(Map.of()).flux());

		ExecutionFailedEvent failed = (ExecutionFailedEvent) events.get(events.size() - 1);
		assertThat(failed.errorType()).isEqualTo("UnsupportedOperationException");
		assertThat(failed.errorMessage()).isEmpty();
	}

	@Test
	void nodeOutputChunksArriveBetweenNodeStartedAndNodeCompletedInEmissionOrder() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("chunks", "streams tokens");
		executor.addNode(GraphNode.of("llm", (s, context) -> {
			for (String token : List.of("Hel", "lo", "!")) {
				context.emitChunk(token);
			}
			return Map.of("text", "Hello!");
		}));
		executor.setStartNode("llm");

		List<GraphExecutionEvent> events = collect(executor.executeStream(Map.of()).flux());

		assertThat(wireNames(events)).containsExactly("ExecutionStarted", "NodeEntered", "NodeStarted",
				"NodeOutputChunk", "NodeOutputChunk", "NodeOutputChunk", "NodeCompleted", "NodeExited",
				"ExecutionCompleted");
		assertThat(events.subList(3, 6)).extracting((event) -> ((NodeOutputChunkEvent) event).chunkIndex(),
				(event) -> ((NodeOutputChunkEvent) event).chunk(), GraphExecutionEvent::nodeId)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(0L, "Hel", "llm"),
					org.assertj.core.groups.Tuple.tuple(1L, "lo", "llm"),
					org.assertj.core.groups.Tuple.tuple(2L, "!", "llm"));
	}

	@Test
	void eventTypesNotEmittedTakeNoSequenceAndTerminalIsAlwaysEmitted() {
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withEventTypes(GraphExecutionEventType.NODE_COMPLETED)
			.build();

		List<GraphExecutionEvent> events = collect(
				TestGraphs.chain("chain", "a", "b", "c").executeStream(Map.of(), options).flux());

		assertThat(wireNames(events)).containsExactly("NodeCompleted", "NodeCompleted", "NodeCompleted",
				"ExecutionCompleted");
		assertThat(sequences(events)).containsExactly(1L, 2L, 3L, 4L);
	}

	@Test
	void restrictedEventTypesStillEndAFailedRunWithExecutionFailed() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("failing", "fails");
		executor.addNode(GraphNode.of("a", (s, c) -> {
			throw new IllegalStateException("no");
		}));
		executor.setStartNode("a");
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withEventTypes(GraphExecutionEventType.NODE_STARTED)
			.build();

		List<GraphExecutionEvent> events = collect(executor.executeStream(Map.of(), options).flux());

		assertThat(wireNames(events)).containsExactly("NodeStarted", "ExecutionFailed");
		assertThat(sequences(events)).containsExactly(1L, 2L);
	}

	@Test
	void futureAndAsyncNodesWriteTheirValues() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("mixed", "future then async");
		executor.addNode(GraphNode.future("f", (s, c) -> CompletableFuture.completedFuture(Map.of("f", 1))));
		executor.addNode(GraphNode.future("empty", (s, c) -> CompletableFuture.completedFuture(null)));
		executor.addNode(GraphNode.async("m", (state, c) -> Mono.just(Map.of("m", state.getInt("f", 0) + 1))));
		executor.connect("f", "empty").connect("empty", "m").setStartNode("f");

		List<GraphExecutionEvent> events = collect(executor.executeStream(Map.of()).flux());

		assertThat(events).filteredOn((event) -> event instanceof NodeCompletedEvent)
			.extracting((event) -> ((NodeCompletedEvent) event).output())
			.containsExactly(Map.of("f", 1), Map.of(), Map.of("m", 2));
	}

	@Test
	void nodeContextKnowsItsExecutionGraphAndNode() {
		Map<String, Object> seen = new HashMap<>();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("ctx", "records its context");
		executor.addNode(GraphNode.of("probe", (s, context) -> {
			seen.put("executionId", context.executionId());
			seen.put("graphId", context.graphId());
			seen.put("nodeId", context.nodeId());
			seen.put("cancelled", context.isCancelled());
			return Map.of();
		}));
		executor.setStartNode("probe");

		List<GraphExecutionEvent> events = collect(executor.executeStream(Map.of()).flux());

		assertThat(seen).containsEntry("executionId", events.get(0).executionId())
			.containsEntry("graphId", "ctx")
			.containsEntry("nodeId", "probe")
			.containsEntry("cancelled", false);
	}

	@Test
	void blockingNodesRunOnBoundedElasticNotOnTheSubscribingThread() {
		Thread caller = Thread.currentThread();
		List<Thread> nodeThreads = new CopyOnWriteArrayList<>();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("threads", "where nodes run");
		executor.addNode(GraphNode.of("first", (s, c) -> {
			nodeThreads.add(Thread.currentThread());
			return Map.of();
		}));
		executor.addNode(GraphNode.of("second", (s, c) -> {
			nodeThreads.add(Thread.currentThread());
			return Map.of();
		}));
		executor.connect("first", "second").setStartNode("first");

		executor.executeStream(Map.of()).flux().blockLast(Duration.ofSeconds(10));

		assertThat(nodeThreads).hasSize(2).doesNotContain(caller);
		assertThat(nodeThreads).allSatisfy((thread) -> assertThat(thread.getName()).startsWith("boundedElastic"));
	}

	@Test
	void nonBlockingNodesRunOnTheThreadThatDrivesTheRun() {
		Thread caller = Thread.currentThread();
		List<Thread> nodeThreads = new CopyOnWriteArrayList<>();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("threads", "where nodes run");
		executor.addNode(GraphNode.of("inline", (s, c) -> {
			nodeThreads.add(Thread.currentThread());
			return Map.of();
		}).nonBlocking()).setStartNode("inline");

		executor.executeStream(Map.of()).flux().blockLast(Duration.ofSeconds(10));

		assertThat(nodeThreads).containsExactly(caller);
	}

	@Test
	void invalidGraphFailsWhenTheStreamIsRequestedNotWhenItIsSubscribed() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("nostart", "no start node");
		executor.addNode(GraphNode.of("a", (s, c) -> Map.of()));

		assertThatExceptionOfType(io.graphstreaming.core.graph.GraphValidationException.class)
			.isThrownBy(() -> executor.executeStream(Map.of()))
			.withMessage("Graph 'nostart' has no start node; call setStartNode");
	}

	@Test
	void asStreamingExecutorStreamsTheSameGraph() {
		GraphExecutor plain = new GraphExecutor("plain", "a plain executor");
		plain.addNode(GraphNode.of("a", (s, c) -> Map.of("a", 1)).nonBlocking()).setStartNode("a");

		List<GraphExecutionEvent> events = collect(plain.asStreamingExecutor().executeStream(Map.of()).flux());

		assertThat(events).hasSize(6);
		assertThat(events.get(0).graphId()).isEqualTo("plain");
	}

	@Test
	void executeAsyncCompletesWithTheFinalState() {
		StreamingGraphExecutor executor = TestGraphs.chain("chain", "a", "b");

		StepVerifier.create(executor.executeAsync(Map.of("x", 0)))
			.assertNext((result) -> {
				assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
				assertThat(result.graphId()).isEqualTo("chain");
				assertThat(result.output()).containsExactly(Map.entry("x", 0), Map.entry("a", 1), Map.entry("b", 2));
				assertThat(result.errorType()).isNull();
			})
			.verifyComplete();
	}

	@Test
	void executeAsyncReportsTheFailingNodeAndError() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("failing", "fails");
		executor.addNode(GraphNode.async("a", (s, c) -> Mono.error(new IllegalArgumentException("bad input"))));
		executor.setStartNode("a");

		StepVerifier.create(executor.executeAsync(Map.of()))
			.assertNext((result) -> {
				assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
				assertThat(result.nodeId()).isEqualTo("a");
				assertThat(result.errorType()).isEqualTo("IllegalArgumentException");
				assertThat(result.errorMessage()).isEqualTo("bad input");
				assertThat(result.output()).isNull();
			})
			.verifyComplete();
	}

	@Test
	void inputIsCopiedWhenTheStreamIsCreated() {
		Map<String, Object> input = new HashMap<>(Map.of("x", 1));
		var stream = TestGraphs.chain("chain", "a").executeStream(input);
		input.put("x", 2);

		List<GraphExecutionEvent> events = collect(stream.flux());

		assertThat(((ExecutionStartedEvent) events.get(0)).input()).containsEntry("x", 1);
	}

	private static StreamingGraphExecutor router() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("router", "routes on score");
		executor.addNode(GraphNode.of("route", (s, c) -> Map.of("routed", true)).nonBlocking());
		executor.addNode(GraphNode.of("high", (s, c) -> Map.of("level", "high")).nonBlocking());
		executor.addNode(GraphNode.of("low", (s, c) -> Map.of("level", "low")).nonBlocking());
		executor.connect("route", "high", "score > 0.5", (state) -> state.get("score", Double.class) > 0.5);
		executor.connect("route", "low", "score <= 0.5", (state) -> state.get("score", Double.class) <= 0.5);
		executor.setStartNode("route");
		return executor;
	}

	static List<GraphExecutionEvent> collect(Flux<GraphExecutionEvent> events) {
		List<GraphExecutionEvent> collected = new ArrayList<>();
		StepVerifier.create(events).recordWith(() -> collected).thenConsumeWhile((event) -> true).verifyComplete();
		return collected;
	}

}
