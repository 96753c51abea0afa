package io.graphstreaming.core.execution;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
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
import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.journal.EventsExpiredException;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.graphstreaming.core.TestEvents.range;
import static io.graphstreaming.core.TestEvents.sequences;
import static io.graphstreaming.core.TestEvents.wireNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link GraphExecutor#continueExecution}: an instance taking over the run of one it lost
 * goes on from the run's checkpoint under the same execution id, its journal continuing
 * the sequences recorded before (no second {@code ExecutionStarted}), to the same final
 * state as a run that never stopped, checkpointing on under the same id.
 */
class ContinueExecutionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final StreamingExecutionOptions options = StreamingExecutionOptions.defaults();

	@Test
	void aContinuationStartsAfterTheGivenSequenceWithCheckpointRestoredAndEndsWithTheUninterruptedOutput() {
		Map<String, Object> uninterrupted = new Pipeline(null).run(Map.of("input", 7)).output();
		Pipeline pipeline = new Pipeline(null);
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		pipeline.executor.checkpoints(store);
		String id = pipeline.run(Map.of("input", 7)).execution.executionId();
		Checkpoint afterB = store.load(id + "-2").block(TIMEOUT);
		assertThat(afterB.nodeId()).isEqualTo("b");

		GraphExecution continued = pipeline.executor.continueExecution(id, afterB, this.options, 7);
		List<GraphExecutionEvent> events = continued.stream(7).flux().collectList().block(TIMEOUT);

		assertThat(continued.executionId()).isEqualTo(id);
		assertThat(continued.resumedFrom()).isEqualTo(id + "-2");
		assertThat(continued.isReplica()).isFalse();
		assertThat(sequences(events)).containsExactlyElementsOf(range(8, 19));
		assertThat(wireNames(events)).containsExactly("CheckpointRestored", "NodeEntered", "NodeStarted",
				"NodeCompleted", "NodeExited", "CheckpointCreated", "NodeEntered", "NodeStarted", "NodeCompleted",
				"NodeExited", "CheckpointCreated", "ExecutionCompleted");
		assertThat(events).allSatisfy((event) -> assertThat(event.executionId()).isEqualTo(id));
		CheckpointRestoredEvent restored = (CheckpointRestoredEvent) events.get(0);
		assertThat(restored.checkpointId()).isEqualTo(id + "-2");
		assertThat(restored.nodeId()).isEqualTo("b");
		assertThat(events.get(1).nodeId()).isEqualTo("c");
		ExecutionCompletedEvent completed = (ExecutionCompletedEvent) events.get(events.size() - 1);
		assertThat(completed.output()).isEqualTo(uninterrupted).containsEntry("trail", "abcd");
		assertThat(continued.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(continued.result().block(TIMEOUT).output()).isEqualTo(uninterrupted);
		assertThat(pipeline.callsOf("a")).as("not run again").isEqualTo(1);
		assertThat(pipeline.callsOf("b")).as("not run again").isEqualTo(1);
		assertThat(pipeline.callsOf("c")).isEqualTo(2);
		assertThat(pipeline.callsOf("d")).isEqualTo(2);
	}

	@Test
	void theContinuationsJournalHoldsOnlyItsOwnEventsAndEarlierOnesAreExpired() {
		Pipeline pipeline = new Pipeline(null);
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		pipeline.executor.checkpoints(store);
		String id = pipeline.run(Map.of()).execution.executionId();
		GraphExecution continued = pipeline.executor.continueExecution(id, store.load(id + "-2").block(TIMEOUT),
				this.options, 7);

		assertThat(continued.journal().head()).as("idle, nothing of its own yet").isEqualTo(7);
		assertThat(continued.eventCount()).isEqualTo(7);
		assertThat(continued.status()).isEqualTo(ExecutionStatus.CREATED);
		continued.start().result().block(TIMEOUT);

		assertThat(continued.journal().firstRetained()).isEqualTo(8);
		assertThat(continued.journal().head()).isEqualTo(19);
		StepVerifier.create(continued.stream(0).flux())
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(EventsExpiredException.class)
				.hasMessage("Events after sequence 0 of execution " + id + " are no longer kept; the oldest kept is 8"))
			.verify(TIMEOUT);
		StepVerifier.create(continued.stream(17).flux().map(GraphExecutionEvent::sequence))
			.expectNext(18L, 19L)
			.verifyComplete();
	}

	@Test
	void theContinuationsCheckpointsCarryTheSameExecutionIdAndSequencesPastTheTakeover() {
		Pipeline pipeline = new Pipeline(null);
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		pipeline.executor.checkpoints(store);
		String id = pipeline.run(Map.of()).execution.executionId();
		Checkpoint afterB = store.load(id + "-2").block(TIMEOUT);

		GraphExecution continued = pipeline.executor.continueExecution(id, afterB, this.options, 7);
		List<GraphExecutionEvent> events = continued.stream(7).flux().collectList().block(TIMEOUT);

		List<String> created = events.stream()
			.filter(CheckpointCreatedEvent.class::isInstance)
			.map((event) -> ((CheckpointCreatedEvent) event).checkpointId())
			.toList();
		assertThat(created).hasSize(2).allSatisfy((checkpointId) -> assertThat(checkpointId).startsWith(id + "-"));
		Checkpoint atC = store.load(created.get(0)).block(TIMEOUT);
		Checkpoint atD = store.load(created.get(1)).block(TIMEOUT);
		assertThat(atC.executionId()).isEqualTo(id);
		assertThat(atC.nodeId()).isEqualTo("c");
		assertThat(atC.nextNodes()).containsExactly("d");
		assertThat(atC.state()).containsEntry("trail", "abc");
		assertThat(atC.sequence()).as("the journal head when it was taken").isEqualTo(12);
		assertThat(atD.executionId()).isEqualTo(id);
		assertThat(atD.nodeId()).isEqualTo("d");
		assertThat(atD.sequence()).isEqualTo(17);
		assertThat(store.list(id).map(Checkpoint::executionId).collectList().block(TIMEOUT)).containsOnly(id);
		assertThat(store.latest(id).block(TIMEOUT).checkpointId()).isEqualTo(created.get(1));
	}

	@Test
	void aTakeoverAfterACrashContinuesTheJournalWithOneExecutionStartedAndNewCheckpointNumbers() {
		Map<String, Object> uninterrupted = new Pipeline(null).run(Map.of()).output();
		Pipeline pipeline = new Pipeline("c");
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		pipeline.executor.checkpoints(store);
		Crashed crashed = pipeline.crash();
		String id = crashed.executionId;
		Checkpoint latest = store.latest(id).block(TIMEOUT);
		assertThat(latest.checkpointId()).isEqualTo(id + "-2");
		assertThat(crashed.recorded).as("what the lost owner recorded").hasSize(13);

		GraphExecution continued = pipeline.executor.continueExecution(id, latest, this.options, 13);
		List<GraphExecutionEvent> rest = continued.stream(13).flux().collectList().block(TIMEOUT);

		List<GraphExecutionEvent> whole = Stream.concat(crashed.recorded.stream(), rest.stream()).toList();
		assertThat(sequences(whole)).containsExactlyElementsOf(range(1, whole.size()));
		assertThat(wireNames(whole)).containsOnlyOnce("ExecutionStarted", "ExecutionCompleted");
		assertThat(((ExecutionCompletedEvent) whole.get(whole.size() - 1)).output()).isEqualTo(uninterrupted);
		assertThat(pipeline.callsOf("c")).as("the lost call and the continued one").isEqualTo(2);
		List<String> created = rest.stream()
			.filter(CheckpointCreatedEvent.class::isInstance)
			.map((event) -> ((CheckpointCreatedEvent) event).checkpointId())
			.toList();
		assertThat(created).as("numbered on from the checkpoint it continues").containsExactly(id + "-3", id + "-4");
		assertThat(store.load(id + "-1").block(TIMEOUT).nodeId()).as("the owner's checkpoints are kept").isEqualTo("a");
		assertThat(store.load(id + "-2").block(TIMEOUT).nodeId()).isEqualTo("b");
		assertThat(store.latest(id).block(TIMEOUT).checkpointId()).isEqualTo(id + "-4");
	}

	@Test
	void aSecondTakeoverWithAFileStoreResumesFromTheFirstTakeoversNewestCheckpoint(@TempDir Path directory) {
		Pipeline pipeline = new Pipeline("d");
		FileCheckpointStore store = new FileCheckpointStore(directory, CheckpointCodec.javaSerialization());
		pipeline.executor.checkpoints(store);
		Crashed crashed = pipeline.crash();
		String id = crashed.executionId;
		Checkpoint afterC = store.latest(id).block(TIMEOUT);
		assertThat(afterC.checkpointId()).isEqualTo(id + "-3");
		assertThat(crashed.recorded).hasSize(18);

		GraphExecution continued = pipeline.executor.continueExecution(id, afterC, this.options, 18);
		assertThat(continued.start().result().block(TIMEOUT).status()).isEqualTo(ExecutionStatus.COMPLETED);

		Checkpoint newest = store.latest(id).block(TIMEOUT);
		assertThat(newest.nodeId()).as("a store ordering by number sees the continuation's checkpoints as newest")
			.isEqualTo("d");
		assertThat(newest.nextNodes()).isEmpty();
	}

	@Test
	void theCheckpointOfAnotherExecutionIsRejected() {
		Pipeline pipeline = new Pipeline(null);
		Checkpoint other = checkpoint("e1", "pipeline", List.of("c"));

		assertThatIllegalArgumentException()
			.isThrownBy(() -> pipeline.executor.continueExecution("e2", other, this.options, 7))
			.withMessage("Checkpoint 'e1-1' belongs to execution 'e1', not 'e2'");
	}

	@Test
	void aNonPositiveAfterSequenceIsRejected() {
		Pipeline pipeline = new Pipeline(null);
		Checkpoint checkpoint = checkpoint("e1", "pipeline", List.of("c"));

		assertThatIllegalArgumentException()
			.isThrownBy(() -> pipeline.executor.continueExecution("e1", checkpoint, this.options, 0))
			.withMessage("afterSequence must be strictly positive but was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> pipeline.executor.continueExecution("e1", checkpoint, this.options, -3))
			.withMessage("afterSequence must be strictly positive but was -3");
	}

	@Test
	void theCheckpointOfAnotherGraphOrOfMissingNodesIsRejected() {
		Pipeline pipeline = new Pipeline(null);

		assertThatIllegalArgumentException()
			.isThrownBy(() -> pipeline.executor.continueExecution("e1", checkpoint("e1", "other", List.of("c")),
					this.options, 7))
			.withMessage("Checkpoint 'e1-1' belongs to graph 'other', not 'pipeline'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> pipeline.executor.continueExecution("e1", checkpoint("e1", "pipeline", List.of("ghost")),
					this.options, 7))
			.withMessage("Checkpoint 'e1-1' continues at node 'ghost', which graph 'pipeline' does not have");
	}

	@Test
	void aValidContinuationOfAHandMadeCheckpointRunsTheRemainingNodes() {
		Pipeline pipeline = new Pipeline(null);

		GraphExecution continued = pipeline.executor.continueExecution("e1", checkpoint("e1", "pipeline", List.of("c")),
				this.options, 7);
		ExecutionResult result = continued.start().result().block(TIMEOUT);

		assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(result.executionId()).isEqualTo("e1");
		assertThat(result.output()).containsEntry("trail", "abcd");
		assertThat(pipeline.callsOf("a")).isZero();
		assertThat(pipeline.callsOf("b")).isZero();
		assertThat(continued.journal().read(7, 1, EventFilter.all()).entries()).extracting(JournalEntry::event)
			.singleElement()
			.isInstanceOf(CheckpointRestoredEvent.class);
	}

	/** A checkpoint taken after b (trail "ab") in execution {@code executionId}. */
	private static Checkpoint checkpoint(String executionId, String graphId, List<String> nextNodes) {
		return new Checkpoint(executionId + "-1", executionId, graphId, "b", nextNodes, Map.of("trail", "ab"), 10, 2,
				Map.of(), Map.of(), Instant.EPOCH);
	}

	/**
	 * a, b, c, d in a chain, each appending its id to {@code trail}; one node may hang on
	 * its first call, so a test can lose the run there.
	 */
	private static final class Pipeline {

		final StreamingGraphExecutor executor = new StreamingGraphExecutor("pipeline", "four steps");

		private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

		private final CountDownLatch hangs = new CountDownLatch(1);

		Pipeline(@Nullable String hangOnFirstCall) {
			for (String id : List.of("a", "b", "c", "d")) {
				this.executor.addNode(GraphNode.async(id, (state, context) -> {
					int call = counter(id).incrementAndGet();
					if (id.equals(hangOnFirstCall) && call == 1) {
						this.hangs.countDown();
						return Mono.never();
					}
					return Mono.just(Map.of("trail", state.getOrDefault("trail", "") + id, id, id.toUpperCase()));
				}));
			}
			this.executor.connect("a", "b").connect("b", "c").connect("c", "d").setStartNode("a");
		}

		private AtomicInteger counter(String id) {
			return this.calls.computeIfAbsent(id, (key) -> new AtomicInteger());
		}

		int callsOf(String id) {
			return counter(id).get();
		}

		Completed run(Map<String, Object> input) {
			GraphExecution execution = this.executor.createExecution(input, StreamingExecutionOptions.defaults());
			ExecutionResult result = execution.start().result().block(TIMEOUT);
			assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
			return new Completed(execution, result.output());
		}

		/**
		 * Runs until the hanging node hangs, then cancels: an owner lost after the
		 * checkpoint of the node before. What it recorded is what a shared journal would
		 * hold: everything before the cancellation.
		 */
		Crashed crash() {
			GraphExecution execution = this.executor.createExecution(Map.of(), StreamingExecutionOptions.defaults())
				.start();
			try {
				assertThat(this.hangs.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the node hangs").isTrue();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			execution.cancel("crash");
			execution.result().block(TIMEOUT);
			List<GraphExecutionEvent> recorded = execution.journal()
				.read(0, 1000, EventFilter.all())
				.entries()
				.stream()
				.map(JournalEntry::event)
				.filter((event) -> !event.isTerminal())
				.toList();
			return new Crashed(execution.executionId(), recorded);
		}

	}

	private record Completed(GraphExecution execution, Map<String, Object> output) {
	}

	private record Crashed(String executionId, List<GraphExecutionEvent> recorded) {
	}

}
