package io.graphstreaming.core.execution;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.checkpoint.CheckpointCodec;
import io.graphstreaming.core.checkpoint.FileCheckpointStore;
import io.graphstreaming.core.checkpoint.InMemoryCheckpointStore;
import io.graphstreaming.core.event.CheckpointCreatedEvent;
import io.graphstreaming.core.event.CheckpointRestoredEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.ExecutionStartedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.ResourceBudgetExhaustedEvent;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.GraphState;
import io.graphstreaming.core.graph.MergePolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.graphstreaming.core.TestEvents.wireNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Checkpoints after top-level nodes, and resuming from them: a run that crashed goes on
 * from its latest checkpoint to the same final state as a run that never stopped, without
 * running again what came before, and with its budgets and iteration limits counted on.
 */
class CheckpointResumeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void aCheckpointAfterEachNodeIsNumberedFromTheExecutionId() {
		Pipeline pipeline = new Pipeline(false);
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		pipeline.executor.checkpoints(store);

		Run run = pipeline.run(Map.of());

		String id = run.execution.executionId();
		assertThat(run.ofType(CheckpointCreatedEvent.class)).extracting(CheckpointCreatedEvent::nodeId,
				CheckpointCreatedEvent::checkpointId)
			.containsExactly(tuple("a", id + "-1"),
					tuple("b", id + "-2"),
					tuple("c", id + "-3"),
					tuple("d", id + "-4"));
		assertThat(wireNames(run.events).subList(0, 7)).containsExactly("ExecutionStarted", "NodeEntered",
				"NodeStarted", "NodeCompleted", "NodeExited", "CheckpointCreated", "NodeEntered");
		List<Checkpoint> stored = store.list(id).collectList().block(TIMEOUT);
		assertThat(stored).extracting(Checkpoint::nextNodes)
			.containsExactly(List.of("b"), List.of("c"), List.of("d"), List.of());
		assertThat(stored).extracting((checkpoint) -> checkpoint.state().get("trail"))
			.containsExactly("a", "ab", "abc", "abcd");
		assertThat(stored).extracting(Checkpoint::nodeExecutions).containsExactly(1, 2, 3, 4);
		assertThat(stored).extracting(Checkpoint::graphId).containsOnly("pipeline");
	}

	@Test
	void everyNodesTakesACheckpointAfterEveryNthTopLevelNode() {
		Pipeline pipeline = new Pipeline(false);
		pipeline.executor.checkpoints(new InMemoryCheckpointStore(), 2);

		Run run = pipeline.run(Map.of());

		String id = run.execution.executionId();
		assertThat(run.ofType(CheckpointCreatedEvent.class)).extracting(CheckpointCreatedEvent::nodeId,
				CheckpointCreatedEvent::checkpointId)
			.containsExactly(tuple("b", id + "-1"),
					tuple("d", id + "-2"));
	}

	@Test
	void resumingACrashedRunFromItsLatestCheckpointReachesTheSameFinalStateWithoutRepeatingNodes() {
		Map<String, Object> uninterrupted = new Pipeline(false).run(Map.of("input", 7)).finalState();
		Pipeline pipeline = new Pipeline(true);
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		pipeline.executor.checkpoints(store);
		Run crashed = pipeline.crashAtC(Map.of("input", 7));
		Checkpoint latest = store.latest(crashed.execution.executionId()).block(TIMEOUT);
		assertThat(latest.checkpointId()).isEqualTo(crashed.execution.executionId() + "-2");

		Run resumed = pipeline.resume(latest);

		assertThat(resumed.finalState()).isEqualTo(uninterrupted);
		assertThat(pipeline.callsOf("a")).isEqualTo(1);
		assertThat(pipeline.callsOf("b")).isEqualTo(1);
		assertThat(pipeline.callsOf("c")).as("the crashed call and the resumed one").isEqualTo(2);
		assertThat(pipeline.callsOf("d")).isEqualTo(1);
		String resumedId = resumed.execution.executionId();
		assertThat(resumedId).isNotEqualTo(crashed.execution.executionId());
		assertThat(resumed.execution.resumedFrom()).isEqualTo(latest.checkpointId());
		assertThat(wireNames(resumed.events)).containsExactly("ExecutionStarted", "CheckpointRestored",
				"NodeEntered", "NodeStarted", "NodeCompleted", "NodeExited", "CheckpointCreated", "NodeEntered",
				"NodeStarted", "NodeCompleted", "NodeExited", "CheckpointCreated", "ExecutionCompleted");
		ExecutionStartedEvent started = (ExecutionStartedEvent) resumed.events.get(0);
		assertThat(started.startNode()).isEqualTo("c");
		assertThat(started.input()).containsEntry("trail", "ab").containsEntry("input", 7);
		CheckpointRestoredEvent restored = (CheckpointRestoredEvent) resumed.events.get(1);
		assertThat(restored.nodeId()).isEqualTo("b");
		assertThat(restored.checkpointId()).isEqualTo(latest.checkpointId());
		assertThat(resumed.ofType(CheckpointCreatedEvent.class)).extracting(CheckpointCreatedEvent::checkpointId)
			.containsExactly(resumedId + "-1", resumedId + "-2");
	}

	@Test
	void resumeAsyncRunsFromAStoredCheckpointToTheSameResult() {
		Map<String, Object> uninterrupted = new Pipeline(false).run(Map.of()).finalState();
		Pipeline pipeline = new Pipeline(true);
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		pipeline.executor.checkpoints(store);
		Run crashed = pipeline.crashAtC(Map.of());

		ExecutionResult result = pipeline.executor.resumeAsync(crashed.execution.executionId() + "-2")
			.block(TIMEOUT);

		assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(result.output()).isEqualTo(uninterrupted);
		assertThat(pipeline.callsOf("a")).isEqualTo(1);
		assertThat(pipeline.callsOf("b")).isEqualTo(1);
	}

	@Test
	void resumeStreamStartsWithExecutionStartedAndCheckpointRestored() {
		Map<String, Object> uninterrupted = new Pipeline(false).run(Map.of()).finalState();
		Pipeline pipeline = new Pipeline(true);
		pipeline.executor.checkpoints(new InMemoryCheckpointStore());
		String checkpointId = pipeline.crashAtC(Map.of()).execution.executionId() + "-2";

		List<GraphExecutionEvent> events = pipeline.executor.resumeStream(checkpointId)
			.flux()
			.collectList()
			.block(TIMEOUT);

		assertThat(wireNames(events)).startsWith("ExecutionStarted", "CheckpointRestored", "NodeEntered")
			.endsWith("ExecutionCompleted");
		assertThat(((CheckpointRestoredEvent) events.get(1)).checkpointId()).isEqualTo(checkpointId);
		assertThat(events.get(2).nodeId()).isEqualTo("c");
		assertThat(((ExecutionCompletedEvent) events.get(events.size() - 1)).output()).isEqualTo(uninterrupted);
		assertThat(pipeline.callsOf("a")).isEqualTo(1);
	}

	@Test
	void resumingFromACheckpointAtAForkRunsTheBranchesAgainAndMergesThem() {
		Fork uninterruptedFork = new Fork();
		Map<String, Object> uninterrupted = uninterruptedFork.run().finalState();
		assertThat(uninterrupted).containsEntry("shared", List.of("L", "R")).containsEntry("sum", 32);
		Fork fork = new Fork();
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		fork.executor.checkpoints(store);
		Run first = fork.run();
		Checkpoint atFork = store.list(first.execution.executionId())
			.filter((checkpoint) -> checkpoint.nodeId().equals("fork"))
			.single()
			.block(TIMEOUT);
		assertThat(atFork.nextNodes()).containsExactly("left", "right");

		Run resumed = fork.resume(atFork);

		assertThat(resumed.finalState()).isEqualTo(uninterrupted);
		assertThat(fork.calls).containsEntry("start", 1).containsEntry("fork", 1).containsEntry("left", 2)
			.containsEntry("right", 2).containsEntry("join", 2);
		assertThat(wireNames(resumed.events)).contains("StateMergeConflictDetected");
		assertThat(resumed.events.get(2).nodeId()).isIn("left", "right");
	}

	@Test
	void maxNodeExecutionsCountsTheNodesRunBeforeTheCheckpoint() {
		Pipeline pipeline = new Pipeline(true);
		pipeline.executor.checkpoints(new InMemoryCheckpointStore())
			.budget(ExecutionBudget.builder().maxNodeExecutions(3).build());
		Run crashed = pipeline.crashAtC(Map.of());
		Checkpoint latest = pipeline.executor.loadCheckpoint(crashed.execution.executionId() + "-2").block(TIMEOUT);
		assertThat(latest.nodeExecutions()).isEqualTo(2);

		Run resumed = pipeline.resume(latest);

		assertThat(pipeline.callsOf("c")).isEqualTo(2);
		assertThat(pipeline.callsOf("d")).as("a fourth node execution in all").isZero();
		ResourceBudgetExhaustedEvent exhausted = resumed.only(ResourceBudgetExhaustedEvent.class);
		assertThat(exhausted.nodeId()).isEqualTo("d");
		assertThat(exhausted.budget()).isEqualTo("node-executions");
		assertThat(resumed.execution.status()).isEqualTo(ExecutionStatus.FAILED);
	}

	@Test
	void userBudgetsCountWhatWasUsedBeforeTheCheckpoint() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("spend", "three spenders");
		for (String id : List.of("s1", "s2", "s3")) {
			executor.addNode(GraphNode.of(id, (state, context) -> Map.of(id, context.consume("tokens", 40)))
				.nonBlocking());
		}
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		executor.connect("s1", "s2").connect("s2", "s3").setStartNode("s1");
		executor.checkpoints(store).budget(ExecutionBudget.builder().limit("tokens", 100).build());
		String first = executor.createExecution(Map.of(), StreamingExecutionOptions.defaults()).start().executionId();
		Checkpoint afterTwo = store.load(first + "-2").block(TIMEOUT);
		assertThat(afterTwo.budgetUsage()).containsExactly(Map.entry("tokens", 80.0));

		List<GraphExecutionEvent> events = new CopyOnWriteArrayList<>();
		Run resumed = Run.of(executor.resumeExecution(afterTwo, Run.options(events)), events);

		ResourceBudgetExhaustedEvent exhausted = resumed.only(ResourceBudgetExhaustedEvent.class);
		assertThat(exhausted.nodeId()).isEqualTo("s3");
		assertThat(exhausted.used()).isEqualTo(120);
		assertThat(resumed.execution.status()).isEqualTo(ExecutionStatus.FAILED);
	}

	@Test
	void iterationLimitsCountTheRunsBeforeTheCheckpoint() {
		AtomicInteger loopCalls = new AtomicInteger();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("loop", "counts to five");
		executor.addNode(GraphNode.of("loop", (state, context) -> {
			loopCalls.incrementAndGet();
			return Map.of("n", state.getInt("n", 0) + 1);
		}).nonBlocking().withMaxIterations(3));
		executor.addNode(GraphNode.of("done", (state, context) -> Map.of("done", true)).nonBlocking());
		executor.connect("loop", "loop", "again", (state) -> state.getInt("n", 0) < 5)
			.connect("loop", "done", "enough", (state) -> state.getInt("n", 0) >= 5)
			.setStartNode("loop");
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		executor.checkpoints(store);
		String first = executor.createExecution(Map.of(), StreamingExecutionOptions.defaults()).start().executionId();
		Checkpoint afterTwo = store.load(first + "-2").block(TIMEOUT);
		assertThat(afterTwo.iterations()).containsExactly(Map.entry("loop", 2));
		loopCalls.set(0);

		List<GraphExecutionEvent> events = new CopyOnWriteArrayList<>();
		Run resumed = Run.of(executor.resumeExecution(afterTwo, Run.options(events)), events);

		assertThat(loopCalls).as("only the third run is allowed").hasValue(1);
		ExecutionFailedEvent failed = resumed.only(ExecutionFailedEvent.class);
		assertThat(failed.nodeId()).isEqualTo("loop");
		assertThat(failed.errorType()).isEqualTo("IterationLimitExceededException");
	}

	@Test
	void aNewExecutorAndFileStoreOnTheSameDirectoryResumeAfterARestart(@TempDir Path directory) throws Exception {
		Map<String, Object> uninterrupted = new Pipeline(false).run(Map.of("input", "x")).finalState();
		Pipeline beforeRestart = new Pipeline(true);
		beforeRestart.executor.checkpoints(new FileCheckpointStore(directory, CheckpointCodec.javaSerialization()));
		Run crashed = beforeRestart.crashAtC(Map.of("input", "x"));
		String executionId = crashed.execution.executionId();

		Pipeline afterRestart = new Pipeline(false);
		FileCheckpointStore reopened = new FileCheckpointStore(directory, CheckpointCodec.javaSerialization());
		afterRestart.executor.checkpoints(reopened);
		Checkpoint latest = reopened.latest(executionId).block(TIMEOUT);
		assertThat(latest.checkpointId()).isEqualTo(executionId + "-2");
		ExecutionResult result = afterRestart.executor.resumeAsync(latest.checkpointId()).block(TIMEOUT);

		assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(result.output()).isEqualTo(uninterrupted);
		assertThat(afterRestart.callsOf("a")).isZero();
		assertThat(afterRestart.callsOf("b")).isZero();
		assertThat(afterRestart.callsOf("c")).isEqualTo(1);
		assertThat(afterRestart.callsOf("d")).isEqualTo(1);
	}

	@Test
	void anUnknownCheckpointIdIsAnIllegalArgument() {
		Pipeline pipeline = new Pipeline(false);
		pipeline.executor.checkpoints(new InMemoryCheckpointStore());
		String message = "Graph 'pipeline' has no checkpoint 'gone-1' in its store";

		StepVerifier.create(pipeline.executor.loadCheckpoint("gone-1"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(IllegalArgumentException.class)
				.hasMessage(message))
			.verify(TIMEOUT);
		StepVerifier.create(pipeline.executor.resumeAsync("gone-1"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(IllegalArgumentException.class)
				.hasMessage(message))
			.verify(TIMEOUT);
		StepVerifier.create(pipeline.executor.resumeStream("gone-1").flux())
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(IllegalArgumentException.class)
				.hasMessage(message))
			.verify(TIMEOUT);
	}

	@Test
	void aCheckpointOfAnotherGraphOrOfMissingNodesIsRejected() {
		Pipeline pipeline = new Pipeline(false);
		Checkpoint otherGraph = checkpoint("other", List.of("b"));
		Checkpoint missingNode = checkpoint("pipeline", List.of("ghost"));

		assertThatIllegalArgumentException()
			.isThrownBy(() -> pipeline.executor.resumeExecution(otherGraph, StreamingExecutionOptions.defaults()))
			.withMessage("Checkpoint 'e1-1' belongs to graph 'other', not 'pipeline'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> pipeline.executor.resumeExecution(missingNode, StreamingExecutionOptions.defaults()))
			.withMessage("Checkpoint 'e1-1' continues at node 'ghost', which graph 'pipeline' does not have");
	}

	@Test
	void resumingWithoutACheckpointStoreIsAnIllegalArgument() {
		Pipeline pipeline = new Pipeline(false);

		StepVerifier.create(pipeline.executor.resumeAsync("e1-1"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(IllegalArgumentException.class)
				.hasMessage("Graph 'pipeline' keeps no checkpoints; configure a store with checkpoints(store)"))
			.verify(TIMEOUT);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> pipeline.executor.checkpoints(new InMemoryCheckpointStore(), 0))
			.withMessage("everyNodes must be strictly positive but was 0");
	}

	private static Checkpoint checkpoint(String graphId, List<String> nextNodes) {
		return new Checkpoint("e1-1", "e1", graphId, "a", nextNodes, Map.of("trail", "a"), 5, 1, Map.of(), Map.of(),
				Instant.EPOCH);
	}

	/**
	 * a, b, c, d in a chain, each appending its id to {@code trail}; c hangs on its first
	 * call when told to, so a test can crash the run there.
	 */
	private static final class Pipeline {

		final StreamingGraphExecutor executor = new StreamingGraphExecutor("pipeline", "four steps");

		final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

		final CountDownLatch cHangs = new CountDownLatch(1);

		Pipeline(boolean hangOnFirstC) {
			for (String id : List.of("a", "b", "d")) {
				this.executor.addNode(GraphNode.of(id, (state, context) -> {
					counter(id).incrementAndGet();
					return Map.of("trail", state.getOrDefault("trail", "") + id, id, id.toUpperCase());
				}).nonBlocking());
			}
			this.executor.addNode(GraphNode.async("c", (state, context) -> {
				int call = counter("c").incrementAndGet();
				if (hangOnFirstC && call == 1) {
					this.cHangs.countDown();
					return Mono.never();
				}
				return Mono.just(Map.of("trail", state.getOrDefault("trail", "") + "c", "c", "C"));
			}));
			this.executor.connect("a", "b").connect("b", "c").connect("c", "d").setStartNode("a");
		}

		AtomicInteger counter(String id) {
			return this.calls.computeIfAbsent(id, (key) -> new AtomicInteger());
		}

		int callsOf(String id) {
			return counter(id).get();
		}

		Run run(Map<String, Object> input) {
			List<GraphExecutionEvent> events = new CopyOnWriteArrayList<>();
			GraphExecution execution = this.executor.createExecution(input, Run.options(events));
			return Run.of(execution, events);
		}

		/**
		 * Runs until c hangs, then cancels: a crash after the checkpoint of b.
		 */
		Run crashAtC(Map<String, Object> input) {
			List<GraphExecutionEvent> events = new CopyOnWriteArrayList<>();
			GraphExecution execution = this.executor.createExecution(input, Run.options(events)).start();
			try {
				assertThat(this.cHangs.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("c started").isTrue();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			execution.cancel("crash");
			execution.result().block(TIMEOUT);
			assertThat(execution.status()).isEqualTo(ExecutionStatus.CANCELLED);
			return new Run(execution, events);
		}

		Run resume(Checkpoint checkpoint) {
			List<GraphExecutionEvent> events = new CopyOnWriteArrayList<>();
			return Run.of(this.executor.resumeExecution(checkpoint, Run.options(events)), events);
		}

	}

	/**
	 * start, then fork into left and right (both writing {@code shared}, appended as a
	 * list at the join), then join adding up what the branches computed.
	 */
	private static final class Fork {

		final StreamingGraphExecutor executor = new StreamingGraphExecutor("fork", "two branches");

		final Map<String, Integer> calls = new ConcurrentHashMap<>();

		Fork() {
			add("start", (state) -> Map.of("n", 1));
			add("fork", (state) -> Map.of());
			add("left", (state) -> Map.of("left", state.getInt("n", 0) + 10, "shared", "L"));
			add("right", (state) -> Map.of("right", state.getInt("n", 0) + 20, "shared", "R"));
			add("join", (state) -> Map.of("sum", state.getInt("left", 0) + state.getInt("right", 0)));
			this.executor.connect("start", "fork")
				.connect("fork", "left")
				.connect("fork", "right")
				.connect("left", "join")
				.connect("right", "join")
				.setStartNode("start");
			this.executor.mergePolicy("shared", MergePolicy.listAppend());
		}

		private void add(String id, Function<GraphState, Map<String, Object>> body) {
			this.executor.addNode(GraphNode.of(id, (state, context) -> {
				this.calls.merge(id, 1, Integer::sum);
				return body.apply(state);
			}).nonBlocking());
		}

		Run run() {
			List<GraphExecutionEvent> events = new CopyOnWriteArrayList<>();
			return Run.of(this.executor.createExecution(Map.of(), Run.options(events)), events);
		}

		Run resume(Checkpoint checkpoint) {
			List<GraphExecutionEvent> events = new CopyOnWriteArrayList<>();
			return Run.of(this.executor.resumeExecution(checkpoint, Run.options(events)), events);
		}

	}

	/**
	 * An execution run to its end, with its events.
	 */
	private record Run(GraphExecution execution, List<GraphExecutionEvent> events) {

		static StreamingExecutionOptions options(List<GraphExecutionEvent> events) {
			return StreamingExecutionOptions.builder().withEventHandler(events::add).build();
		}

		static Run of(GraphExecution execution, List<GraphExecutionEvent> events) {
			assertThat(execution.start().result().block(TIMEOUT)).as("the run ended in time").isNotNull();
			return new Run(execution, events);
		}

		Map<String, Object> finalState() {
			ExecutionCompletedEvent completed = only(ExecutionCompletedEvent.class);
			assertThat(completed.output()).isNotNull();
			return new LinkedHashMap<>(completed.output());
		}

		<T extends GraphExecutionEvent> List<T> ofType(Class<T> type) {
			return this.events.stream().filter(type::isInstance).map(type::cast).toList();
		}

		<T extends GraphExecutionEvent> T only(Class<T> type) {
			List<T> matching = ofType(type);
			assertThat(matching).as(type.getSimpleName()).hasSize(1);
			return matching.get(0);
		}

	}

}
