package io.graphstreaming.core.execution;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.NodeContext;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.graphstreaming.core.TestEvents.range;
import static io.graphstreaming.core.TestEvents.sequences;
import static io.graphstreaming.core.TestEvents.wireNames;
import static io.graphstreaming.core.execution.RunEvents.TIMEOUT_SECONDS;
import static io.graphstreaming.core.execution.RunEvents.stepsOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancelling an execution reaches every node in flight: blocking nodes of parallel
 * branches are interrupted, cooperative ones see {@link NodeContext#isCancelled()} or
 * {@link NodeContext#cancellation()}, nodes of a running subgraph are stopped too, and the
 * journal ends with {@code ExecutionCancelled}, after which nothing is emitted.
 */
class BranchCancellationTests {

	/** Blocking nodes of two branches, a polling node, a reactive node, and two nodes in a subgraph. */
	private static final int RUNNING_NODES = 5;

	private final CountDownLatch allRunning = new CountDownLatch(RUNNING_NODES);

	private final CountDownLatch allStopped = new CountDownLatch(RUNNING_NODES);

	private final CountDownLatch allReturned = new CountDownLatch(RUNNING_NODES - 1);

	private final List<String> stoppedBy = new CopyOnWriteArrayList<>();

	@Test
	void cancelReachesEveryRunningBranchAndSubgraphAndEndsTheJournal() throws Exception {
		StreamingGraphExecutor executor = forkOfBlockedNodes();
		GraphExecution execution = executor.createExecution(Map.of(), StreamingExecutionOptions.defaults());
		CompletableFuture<List<GraphExecutionEvent>> stream = execution.stream().flux().collectList().toFuture();
		assertThat(this.allRunning.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("every node running").isTrue();

		assertThat(execution.cancel("operator stop")).isTrue();

		assertThat(this.allStopped.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("every node stopped").isTrue();
		assertThat(this.allReturned.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("blocking nodes returned").isTrue();
		assertThat(this.stoppedBy).containsExactlyInAnyOrder("a:interrupted", "poll:isCancelled",
				"reactive:cancellation", "sub/s1:interrupted", "sub/s2:interrupted");
		List<GraphExecutionEvent> events = stream.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		assertEndsCancelled(events, "operator stop");
		assertThat(execution.journal().head()).as("nothing after the terminal event").isEqualTo(events.size());
		assertThat(execution.status()).isEqualTo(ExecutionStatus.CANCELLED);
	}

	@Test
	void aFailingBranchTellsACooperativeSiblingToStop() throws Exception {
		CountDownLatch siblingRunning = new CountDownLatch(1);
		CountDownLatch siblingStopped = new CountDownLatch(1);
		StreamingGraphExecutor executor = new StreamingGraphExecutor("siblings", "");
		executor.addNode(GraphNode.of("fork", (state, context) -> Map.of()))
			.addNode(GraphNode.of("failing", (state, context) -> {
				siblingRunning.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
				throw new IllegalStateException("tool down");
			}))
			.addNode(GraphNode.of("polling", (state, context) -> {
				siblingRunning.countDown();
				// Ignores interruption on purpose: only the flag can stop it.
				while (!context.isCancelled()) {
					Thread.onSpinWait();
				}
				siblingStopped.countDown();
				return Map.of();
			}))
			.connect("fork", "failing")
			.connect("fork", "polling")
			.setStartNode("fork");

		List<GraphExecutionEvent> events = executor.executeStream(Map.of()).flux().collectList()
			.block(java.time.Duration.ofSeconds(TIMEOUT_SECONDS));

		assertThat(siblingStopped.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the sibling saw isCancelled()").isTrue();
		assertThat(wireNames(events)).endsWith("ExecutionFailed");
	}

	@Test
	void disposingTheColdStreamReachesEveryRunningBranchAndSubgraph() throws Exception {
		List<GraphExecutionEvent> journaled = new CopyOnWriteArrayList<>();
		StreamingGraphExecutor executor = forkOfBlockedNodes();
		StreamingExecutionOptions options = StreamingExecutionOptions.builder().withEventHandler(journaled::add).build();
		Disposable subscription = executor.executeStream(Map.of(), options).flux().subscribe();
		assertThat(this.allRunning.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("every node running").isTrue();

		subscription.dispose();

		assertThat(this.allStopped.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("every node stopped").isTrue();
		assertThat(this.allReturned.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("blocking nodes returned").isTrue();
		assertThat(this.stoppedBy).containsExactlyInAnyOrder("a:interrupted", "poll:isCancelled",
				"reactive:cancellation", "sub/s1:interrupted", "sub/s2:interrupted");
		assertEndsCancelled(List.copyOf(journaled), "the last consumer left");
	}

	private void assertEndsCancelled(List<GraphExecutionEvent> events, String reason) {
		assertThat(wireNames(events)).last().isEqualTo("ExecutionCancelled");
		assertThat(wireNames(events)).filteredOn((name) -> name.startsWith("Execution"))
			.containsExactly("ExecutionStarted", "ExecutionCancelled");
		assertThat(((ExecutionCancelledEvent) events.get(events.size() - 1)).reason()).isEqualTo(reason);
		assertThat(sequences(events)).containsExactlyElementsOf(range(1, events.size()));
		for (String node : List.of("a", "poll", "reactive", "sub", "sub/s1", "sub/s2")) {
			assertThat(stepsOf(events, node)).as(node).doesNotContain("NodeCompleted", "NodeFailed");
		}
		assertThat(stepsOf(events, "after")).isEmpty();
	}

	/**
	 * fork -> a, poll, reactive, sub (fork -> s1, s2) -> after: five nodes that run until
	 * the execution is cancelled, each recording how it learned of it.
	 */
	private StreamingGraphExecutor forkOfBlockedNodes() {
		GraphExecutor child = new GraphExecutor("child", "two blocked branches");
		child.addNode(GraphNode.of("split", (state, context) -> Map.of()).nonBlocking());
		child.addNode(interruptible("s1"));
		child.addNode(interruptible("s2"));
		child.connect("split", "s1").connect("split", "s2").setStartNode("split");
		StreamingGraphExecutor executor = new StreamingGraphExecutor("cancel", "blocked branches");
		executor.addNode(GraphNode.of("fork", (state, context) -> Map.of()).nonBlocking());
		executor.addNode(interruptible("a"));
		executor.addNode(GraphNode.of("poll", (state, context) -> {
			this.allRunning.countDown();
			try {
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
				while (!context.isCancelled() && System.nanoTime() < deadline) {
					// parkNanos ignores interruption, so only the flag ends this loop.
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
				}
				if (context.isCancelled()) {
					stopped("poll:isCancelled");
				}
				return Map.of("poll", "done");
			}
			finally {
				this.allReturned.countDown();
			}
		}));
		executor.addNode(GraphNode.async("reactive", (state, context) -> {
			this.allRunning.countDown();
			return context.cancellation()
				.doOnSuccess((ignored) -> stopped("reactive:cancellation"))
				.then(Mono.never());
		}));
		executor.addNode(GraphNode.subgraph("sub", child.graph()));
		executor.addNode(GraphNode.of("after", (state, context) -> Map.of()));
		for (String branch : List.of("a", "poll", "reactive", "sub")) {
			executor.connect("fork", branch).connect(branch, "after");
		}
		executor.setStartNode("fork");
		return executor;
	}

	private GraphNode interruptible(String id) {
		return GraphNode.of(id, (state, context) -> {
			this.allRunning.countDown();
			try {
				new CountDownLatch(1).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
				return Map.of(id, "not cancelled");
			}
			catch (InterruptedException ex) {
				if (context.isCancelled()) {
					stopped(context.nodeId() + ":interrupted");
				}
				throw ex;
			}
			finally {
				this.allReturned.countDown();
			}
		});
	}

	private void stopped(String how) {
		this.stoppedBy.add(how);
		this.allStopped.countDown();
	}

}
