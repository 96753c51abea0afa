package io.graphstreaming.core.execution;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.graph.GraphNode;

import static io.graphstreaming.core.TestEvents.range;
import static io.graphstreaming.core.TestEvents.sequences;
import static io.graphstreaming.core.TestEvents.wireNames;
import static io.graphstreaming.core.execution.RunEvents.TIMEOUT_SECONDS;
import static io.graphstreaming.core.execution.RunEvents.finalState;
import static io.graphstreaming.core.execution.RunEvents.indexOf;
import static io.graphstreaming.core.execution.RunEvents.run;
import static io.graphstreaming.core.execution.RunEvents.stepsOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node with several unconditional successors forks: its branches run at the same time,
 * each on its own, and the path goes on at their join once every branch has finished.
 * Blocking nodes meet at barriers, so a run that executed branches one after another
 * would time out instead of passing.
 */
class ParallelBranchesTests {

	@Test
	void branchesOfAForkRunAtTheSameTime() {
		CyclicBarrier bothRunning = new CyclicBarrier(2);
		StreamingGraphExecutor executor = new StreamingGraphExecutor("parallel", "two branches meet");
		executor.addNode(marker("fork"));
		executor.addNode(meeting("a", bothRunning));
		executor.addNode(meeting("b", bothRunning));
		executor.addNode(marker("join"));
		executor.connect("fork", "a").connect("fork", "b").connect("a", "join").connect("b", "join");
		executor.setStartNode("fork");

		List<GraphExecutionEvent> events = run(executor);

		assertThat(wireNames(events)).last().isEqualTo("ExecutionCompleted");
		assertThat(finalState(events)).containsEntry("a", "met").containsEntry("b", "met").containsKey("join");
	}

	@Test
	void joinRunsOnceAfterBranchesOfUnequalLengthAndSeesEveryBranchWrite() {
		AtomicReference<Map<String, Object>> seenByJoin = new AtomicReference<>();
		AtomicInteger joinRuns = new AtomicInteger();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("parallel", "unequal branches");
		executor.addNode(marker("fork"));
		executor.addNode(blockingMarker("a"));
		executor.addNode(blockingMarker("a2"));
		executor.addNode(blockingMarker("b"));
		executor.addNode(blockingMarker("c"));
		executor.addNode(blockingMarker("c2"));
		executor.addNode(blockingMarker("c3"));
		executor.addNode(GraphNode.of("join", (state, context) -> {
			joinRuns.incrementAndGet();
			seenByJoin.set(new LinkedHashMap<>(state.asMap()));
			return Map.of();
		}));
		executor.connect("fork", "a").connect("fork", "b").connect("fork", "c");
		executor.connect("a", "a2").connect("a2", "join");
		executor.connect("b", "join");
		executor.connect("c", "c2").connect("c2", "c3").connect("c3", "join");
		executor.setStartNode("fork");

		List<GraphExecutionEvent> events = run(executor);

		assertThat(joinRuns).hasValue(1);
		assertThat(seenByJoin.get()).containsKeys("fork", "a", "a2", "b", "c", "c2", "c3");
		int joinStarted = indexOf(events, "NodeStarted", "join");
		for (String branchNode : List.of("a2", "b", "c3")) {
			assertThat(indexOf(events, "NodeExited", branchNode)).as(branchNode).isLessThan(joinStarted);
		}
		assertThat(finalState(events)).containsOnlyKeys("fork", "a", "a2", "b", "c", "c2", "c3");
	}

	@Test
	void aBranchHeadThatIsTheJoinWaitsForTheOtherBranch() {
		CountDownLatch joinStarted = new CountDownLatch(1);
		AtomicReference<Boolean> joinRanDuringA = new AtomicReference<>();
		AtomicReference<Map<String, Object>> seenByJoin = new AtomicReference<>();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("parallel", "fork->a->join and fork->join");
		executor.addNode(marker("fork"));
		executor.addNode(GraphNode.of("a", (state, context) -> {
			// A join started as a branch head would count down at once.
			joinRanDuringA.set(joinStarted.await(300, TimeUnit.MILLISECONDS));
			return Map.of("a", "done");
		}));
		executor.addNode(GraphNode.of("join", (state, context) -> {
			joinStarted.countDown();
			seenByJoin.set(new LinkedHashMap<>(state.asMap()));
			return Map.of("join", "done");
		}));
		executor.connect("fork", "a").connect("fork", "join").connect("a", "join");
		executor.setStartNode("fork");

		List<GraphExecutionEvent> events = run(executor);

		assertThat(joinRanDuringA.get()).isFalse();
		assertThat(stepsOf(events, "join")).containsExactly("NodeEntered", "NodeStarted", "NodeCompleted",
				"NodeExited");
		assertThat(indexOf(events, "NodeStarted", "join")).isGreaterThan(indexOf(events, "NodeCompleted", "a"));
		assertThat(seenByJoin.get()).containsEntry("a", "done");
		assertThat(finalState(events)).containsEntry("join", "done");
	}

	@Test
	void branchesThatNeverMeetAllRunToTheirEndsBeforeTheRunCompletes() {
		CyclicBarrier bothRunning = new CyclicBarrier(2);
		StreamingGraphExecutor executor = new StreamingGraphExecutor("parallel", "no join");
		executor.addNode(marker("fork"));
		executor.addNode(meeting("a", bothRunning));
		executor.addNode(blockingMarker("a2"));
		executor.addNode(blockingMarker("a3"));
		executor.addNode(meeting("b", bothRunning));
		executor.connect("fork", "a").connect("a", "a2").connect("a2", "a3").connect("fork", "b");
		executor.setStartNode("fork");

		List<GraphExecutionEvent> events = run(executor);

		assertThat(wireNames(events)).last().isEqualTo("ExecutionCompleted");
		assertThat(indexOf(events, "NodeExited", "a3")).isLessThan(events.size() - 1);
		assertThat(indexOf(events, "NodeExited", "b")).isLessThan(events.size() - 1);
		assertThat(finalState(events)).containsEntry("a", "met")
			.containsEntry("a2", "a2")
			.containsEntry("a3", "a3")
			.containsEntry("b", "met");
	}

	@Test
	void aForkInsideABranchRunsItsBranchesAlongsideTheOuterOnes() {
		CyclicBarrier threeRunning = new CyclicBarrier(3);
		AtomicReference<Map<String, Object>> seenByInnerJoin = new AtomicReference<>();
		AtomicReference<Map<String, Object>> seenByJoin = new AtomicReference<>();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("parallel", "nested fork");
		executor.addNode(marker("fork"));
		executor.addNode(marker("a"));
		executor.addNode(meeting("a1", threeRunning));
		executor.addNode(meeting("a2", threeRunning));
		executor.addNode(GraphNode.of("aj", (state, context) -> {
			seenByInnerJoin.set(new LinkedHashMap<>(state.asMap()));
			return Map.of("aj", "done");
		}));
		executor.addNode(meeting("b", threeRunning));
		executor.addNode(GraphNode.of("join", (state, context) -> {
			seenByJoin.set(new LinkedHashMap<>(state.asMap()));
			return Map.of();
		}));
		executor.connect("fork", "a").connect("fork", "b");
		executor.connect("a", "a1").connect("a", "a2").connect("a1", "aj").connect("a2", "aj").connect("aj", "join");
		executor.connect("b", "join");
		executor.setStartNode("fork");

		List<GraphExecutionEvent> events = run(executor);

		assertThat(wireNames(events)).last().isEqualTo("ExecutionCompleted");
		assertThat(seenByInnerJoin.get()).containsEntry("a1", "met").containsEntry("a2", "met").doesNotContainKey("b");
		assertThat(seenByJoin.get()).containsEntry("a1", "met")
			.containsEntry("a2", "met")
			.containsEntry("aj", "done")
			.containsEntry("b", "met");
		assertThat(stepsOf(events, "join")).containsExactly("NodeEntered", "NodeStarted", "NodeCompleted",
				"NodeExited");
	}

	@Test
	void maxParallelismOfOneRunsBranchesOneAtATimeInBranchOrder() {
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostRunning = new AtomicInteger();
		CountDownLatch allArrived = new CountDownLatch(3);
		List<String> order = new CopyOnWriteArrayList<>();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("parallel", "one at a time");
		executor.maxParallelism(1);
		executor.addNode(marker("fork"));
		for (String id : List.of("a", "b", "c")) {
			executor.addNode(GraphNode.of(id, (state, context) -> {
				order.add(id);
				mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
				allArrived.countDown();
				// Without the limit the other branches would arrive during this wait.
				allArrived.await(200, TimeUnit.MILLISECONDS);
				running.decrementAndGet();
				return Map.of(id, id);
			}));
			executor.connect("fork", id);
		}
		executor.setStartNode("fork");

		List<GraphExecutionEvent> events = run(executor);

		assertThat(mostRunning).hasValue(1);
		assertThat(order).containsExactly("a", "b", "c");
		assertThat(finalState(events)).containsKeys("a", "b", "c");
	}

	@Test
	void eventsOfParallelBranchesInterleaveEachWithItsOwnNodeIdAndContiguousSequences() {
		CyclicBarrier bothStarted = new CyclicBarrier(2);
		StreamingGraphExecutor executor = new StreamingGraphExecutor("parallel", "interleaved events");
		executor.addNode(marker("fork"));
		executor.addNode(meeting("a", bothStarted));
		executor.addNode(meeting("b", bothStarted));
		executor.addNode(marker("join"));
		executor.connect("fork", "a").connect("fork", "b").connect("a", "join").connect("b", "join");
		executor.setStartNode("fork");

		List<GraphExecutionEvent> events = run(executor);

		int firstCompletion = Math.min(indexOf(events, "NodeCompleted", "a"), indexOf(events, "NodeCompleted", "b"));
		assertThat(indexOf(events, "NodeStarted", "a")).isLessThan(firstCompletion);
		assertThat(indexOf(events, "NodeStarted", "b")).isLessThan(firstCompletion);
		for (String node : List.of("fork", "a", "b", "join")) {
			assertThat(stepsOf(events, node)).as(node)
				.containsExactly("NodeEntered", "NodeStarted", "NodeCompleted", "NodeExited");
		}
		assertThat(events).extracting(GraphExecutionEvent::nodeId)
			.filteredOn((nodeId) -> nodeId != null)
			.containsOnly("fork", "a", "b", "join");
		assertThat(sequences(events)).containsExactlyElementsOf(range(1, 18));
	}

	@Test
	void concurrentBranchesDoNotSeeEachOthersWrites() {
		CyclicBarrier bothWrote = new CyclicBarrier(2);
		Set<String> seen = ConcurrentHashMap.newKeySet();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("parallel", "isolated branches");
		executor.addNode(marker("fork"));
		for (String id : List.of("a", "b")) {
			executor.addNode(GraphNode.of(id, (state, context) -> Map.of(id, "first")));
			executor.addNode(GraphNode.of(id + "2", (state, context) -> {
				bothWrote.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
				seen.addAll(state.keys());
				return Map.of();
			}));
			executor.connect("fork", id).connect(id, id + "2");
		}
		executor.setStartNode("fork");

		List<GraphExecutionEvent> events = run(executor);

		assertThat(wireNames(events)).last().isEqualTo("ExecutionCompleted");
		assertThat(seen).containsExactlyInAnyOrder("fork", "a", "b");
		assertThat(finalState(events)).containsEntry("a", "first").containsEntry("b", "first");
	}

	@Test
	void aConditionalEdgeThatHoldsIsTakenAloneInsteadOfForking() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("parallel", "conditional wins");
		executor.addNode(marker("fork"));
		executor.addNode(blockingMarker("a"));
		executor.addNode(blockingMarker("b"));
		executor.addNode(blockingMarker("shortcut"));
		executor.connect("fork", "a").connect("fork", "b");
		executor.connect("fork", "shortcut", "urgent", (state) -> Boolean.TRUE.equals(state.get("urgent")));
		executor.setStartNode("fork");

		List<GraphExecutionEvent> urgent = executor.executeStream(Map.of("urgent", true))
			.flux()
			.collectList()
			.block(RunEvents.timeout());
		List<GraphExecutionEvent> normal = run(executor);

		assertThat(finalState(urgent)).containsKey("shortcut").doesNotContainKeys("a", "b");
		assertThat(finalState(normal)).containsKeys("a", "b").doesNotContainKey("shortcut");
	}

	@Test
	void aFailingBranchInterruptsItsSiblingsAndFailsTheExecution() {
		CountDownLatch siblingRunning = new CountDownLatch(1);
		CountDownLatch siblingInterrupted = new CountDownLatch(1);
		StreamingGraphExecutor executor = new StreamingGraphExecutor("parallel", "one branch fails");
		executor.addNode(marker("fork"));
		executor.addNode(GraphNode.of("a", (state, context) -> {
			siblingRunning.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			throw new IllegalStateException("tool failed");
		}));
		executor.addNode(GraphNode.of("b", (state, context) -> {
			siblingRunning.countDown();
			try {
				new CountDownLatch(1).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				siblingInterrupted.countDown();
				throw ex;
			}
			return Map.of("b", "late");
		}));
		executor.addNode(marker("join"));
		executor.connect("fork", "a").connect("fork", "b").connect("a", "join").connect("b", "join");
		executor.setStartNode("fork");

		List<GraphExecutionEvent> events = run(executor);

		assertThat(await(siblingInterrupted)).as("sibling interrupted").isTrue();
		assertThat(wireNames(events)).last().isEqualTo("ExecutionFailed");
		assertThat(((ExecutionFailedEvent) events.get(events.size() - 1)).nodeId()).isEqualTo("a");
		assertThat(stepsOf(events, "a")).containsExactly("NodeEntered", "NodeStarted", "NodeFailed", "NodeExited",
				"ExecutionFailed");
		assertThat(stepsOf(events, "b")).containsExactly("NodeEntered", "NodeStarted");
		assertThat(stepsOf(events, "join")).isEmpty();
	}

	@Test
	void withAnExecutionSchedulerNonBlockingBranchesRunAtTheSameTimeToo() {
		CyclicBarrier bothRunning = new CyclicBarrier(2);
		StreamingGraphExecutor executor = new StreamingGraphExecutor("parallel", "hopping branches");
		executor.executionScheduler(Schedulers.boundedElastic());
		executor.addNode(marker("fork"));
		for (String id : List.of("a", "b")) {
			executor.addNode(GraphNode.of(id, (state, context) -> {
				bothRunning.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
				return Map.of(id, "met");
			}).nonBlocking());
			executor.connect("fork", id);
		}
		executor.setStartNode("fork");

		List<GraphExecutionEvent> events = run(executor);

		assertThat(finalState(events)).containsEntry("a", "met").containsEntry("b", "met");
	}

	private static boolean await(CountDownLatch latch) {
		try {
			return latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * A blocking node that writes {@code {id: "met"}} once every node sharing the barrier
	 * runs, and fails if they do not all arrive in time.
	 */
	private static GraphNode meeting(String id, CyclicBarrier barrier) {
		return GraphNode.of(id, (state, context) -> {
			barrier.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			return Map.of(id, "met");
		});
	}

	private static GraphNode marker(String id) {
		return GraphNode.of(id, (state, context) -> Map.of(id, id)).nonBlocking();
	}

	private static GraphNode blockingMarker(String id) {
		return GraphNode.of(id, (state, context) -> Map.of(id, id));
	}

}
