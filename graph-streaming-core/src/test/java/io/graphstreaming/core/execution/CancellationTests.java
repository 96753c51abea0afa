package io.graphstreaming.core.execution;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.graphstreaming.core.TestGraphs;
import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.graphstreaming.core.TestEvents.range;
import static io.graphstreaming.core.TestEvents.sequences;
import static io.graphstreaming.core.TestEvents.wireNames;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancelling a run while a node is in flight: the node is stopped and the journal ends
 * with exactly one {@code ExecutionCancelled}, after which nothing is emitted.
 */
class CancellationTests {

	@Test
	void disposingTheStreamWhileABlockingNodeWaitsCancelsTheRunAndInterruptsTheNode() throws Exception {
		CountDownLatch nodeStarted = new CountDownLatch(1);
		CountDownLatch nodeInterrupted = new CountDownLatch(1);
		CountDownLatch neverReleased = new CountDownLatch(1);
		List<GraphExecutionEvent> journaled = new CopyOnWriteArrayList<>();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("cancel", "b blocks");
		executor.addNode(GraphNode.of("a", (s, c) -> Map.of()).nonBlocking());
		executor.addNode(GraphNode.of("b", (s, c) -> {
			nodeStarted.countDown();
			try {
				neverReleased.await(20, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				nodeInterrupted.countDown();
			}
			return Map.of("b", "late");
		}));
		executor.addNode(GraphNode.of("c", (s, c) -> Map.of()).nonBlocking());
		executor.connect("a", "b").connect("b", "c").setStartNode("a");
		StreamingExecutionOptions options = StreamingExecutionOptions.builder().withEventHandler(journaled::add).build();

		StepVerifier.create(executor.executeStream(Map.of(), options).flux())
			.expectNextCount(7)
			.then(() -> await(nodeStarted))
			.thenCancel()
			.verify();

		assertThat(nodeInterrupted.await(10, TimeUnit.SECONDS)).as("node thread interrupted").isTrue();
		assertThat(wireNames(journaled)).endsWith("NodeEntered", "NodeStarted", "ExecutionCancelled");
		ExecutionCancelledEvent cancelled = (ExecutionCancelledEvent) journaled.get(journaled.size() - 1);
		assertThat(cancelled.sequence()).isEqualTo(8);
		assertThat(cancelled.nodeId()).isEqualTo("b");
		assertThat(cancelled.reason()).isEqualTo("the last consumer left");
		assertThat(cancelled.duration()).isGreaterThanOrEqualTo(java.time.Duration.ZERO);
	}

	@Test
	void disposingTheOnlyConsumerOfAReactiveNodeCancelsItAndALateConsumerReplaysTheCancellation() {
		AtomicBoolean nodeCancelled = new AtomicBoolean();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("cancel", "b never ends");
		executor.addNode(GraphNode.of("a", (s, c) -> Map.of()).nonBlocking());
		executor.addNode(GraphNode.async("b", (s, c) -> Mono.<Map<String, Object>>never()
			.doOnCancel(() -> nodeCancelled.set(true))));
		executor.connect("a", "b").setStartNode("a");
		GraphExecution execution = executor.createExecution(Map.of(), StreamingExecutionOptions.defaults())
			.cancelWhenUnobserved(true);

		StepVerifier.create(execution.stream().flux()).expectNextCount(7).thenCancel().verify();

		assertThat(nodeCancelled).isTrue();
		assertThat(execution.status()).isEqualTo(ExecutionStatus.CANCELLED);
		StepVerifier.create(execution.stream().flux())
			.expectNextCount(7)
			.assertNext((event) -> {
				assertThat(event).isInstanceOf(ExecutionCancelledEvent.class);
				assertThat(event.sequence()).isEqualTo(8);
			})
			.verifyComplete();
		StepVerifier.create(execution.result())
			.assertNext((result) -> {
				assertThat(result.status()).isEqualTo(ExecutionStatus.CANCELLED);
				assertThat(result.nodeId()).isEqualTo("b");
				assertThat(result.errorMessage()).isEqualTo("the last consumer left");
			})
			.verifyComplete();
	}

	@Test
	void aConsumerLeavingDoesNotCancelWhileAnotherStillWatches() {
		TestGraphs.Gate gate = new TestGraphs.Gate();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("cancel", "gated");
		executor.addNode(gate.node("a")).setStartNode("a");
		GraphExecution execution = executor.createExecution(Map.of(), StreamingExecutionOptions.defaults())
			.cancelWhenUnobserved(true);
		CompletableFuture<List<GraphExecutionEvent>> stayer = execution.stream().flux().collectList().toFuture();

		StepVerifier.create(execution.stream().flux()).expectNextCount(3).thenCancel().verify();
		gate.open();

		assertThat(wireNames(stayer.join())).last().isEqualTo("ExecutionCompleted");
		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
	}

	@Test
	void cancelReachesEveryConsumerWithTheGivenReason() {
		TestGraphs.Gate gate = new TestGraphs.Gate();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("cancel", "gated");
		executor.addNode(gate.node("a")).setStartNode("a");
		GraphExecution execution = executor.createExecution(Map.of(), StreamingExecutionOptions.defaults());
		CompletableFuture<List<GraphExecutionEvent>> first = execution.stream().flux().collectList().toFuture();
		CompletableFuture<List<GraphExecutionEvent>> second = execution.stream().flux().collectList().toFuture();

		assertThat(execution.cancel("operator stop")).isTrue();
		assertThat(execution.cancel("again")).isFalse();

		for (List<GraphExecutionEvent> events : List.of(first.join(), second.join())) {
			assertThat(wireNames(events)).containsExactly("ExecutionStarted", "NodeEntered", "NodeStarted",
					"ExecutionCancelled");
			assertThat(((ExecutionCancelledEvent) events.get(3)).reason()).isEqualTo("operator stop");
		}
	}

	@Test
	void nodeCompletingAfterCancellationEmitsNothingMore() {
		TestGraphs.Gate gate = new TestGraphs.Gate();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("cancel", "gated");
		executor.addNode(gate.node("a"));
		executor.addNode(GraphNode.of("b", (s, c) -> Map.of()).nonBlocking());
		executor.connect("a", "b").setStartNode("a");
		GraphExecution execution = executor.createExecution(Map.of(), StreamingExecutionOptions.defaults()).start();

		execution.cancel("stop");
		gate.open();

		assertThat(execution.journal().head()).isEqualTo(4);
		assertThat(execution.journal().isTerminated()).isTrue();
		StepVerifier.create(execution.stream().flux().map(GraphExecutionEvent::sequence))
			.expectNextSequence(range(1, 4))
			.verifyComplete();
	}

	@Test
	void cancellingBeforeStartEndsWithOnlyExecutionCancelledAndStartDoesNothing() {
		GraphExecution execution = TestGraphs.chain("chain", "a")
			.createExecution(Map.of(), StreamingExecutionOptions.defaults());

		assertThat(execution.cancel("not needed")).isTrue();
		execution.start();

		assertThat(execution.status()).isEqualTo(ExecutionStatus.CANCELLED);
		StepVerifier.create(execution.stream().flux())
			.assertNext((event) -> {
				assertThat(event).isInstanceOf(ExecutionCancelledEvent.class);
				assertThat(event.sequence()).isEqualTo(1);
				assertThat(((ExecutionCancelledEvent) event).nodeId()).isNull();
			})
			.verifyComplete();
	}

	@Test
	void cancellingCancelsAPendingCompletableFuture() {
		CompletableFuture<Map<String, Object>> pending = new CompletableFuture<>();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("cancel", "future never completes");
		executor.addNode(GraphNode.future("f", (s, c) -> pending)).setStartNode("f");
		GraphExecution execution = executor.createExecution(Map.of(), StreamingExecutionOptions.defaults()).start();

		execution.cancel("stop");

		assertThat(pending).isCancelled();
		assertThat(sequences(execution.stream().flux().collectList().block())).containsExactlyElementsOf(range(1, 4));
	}

	@Test
	void reactiveNodeSeesCancellationThroughItsContext() {
		AtomicBoolean flagSeen = new AtomicBoolean();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("cancel", "cooperative");
		executor.addNode(GraphNode.async("a", (s, context) -> context.cancellation()
			.doOnSuccess((ignored) -> flagSeen.set(context.isCancelled()))
			.then(Mono.<Map<String, Object>>never()))).setStartNode("a");
		GraphExecution execution = executor.createExecution(Map.of(), StreamingExecutionOptions.defaults()).start();

		execution.cancel("stop");

		assertThat(flagSeen).isTrue();
		assertThat(execution.status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertThat(execution.currentNode()).isEqualTo("a");
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

}
