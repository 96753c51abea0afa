package io.graphstreaming.sample;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.test.StepVerifier;

import io.graphstreaming.core.event.ConditionEvaluatedEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.event.NodeFailedEvent;
import io.graphstreaming.core.event.NodeOutputChunkEvent;
import io.graphstreaming.core.event.NodeStartedEvent;
import io.graphstreaming.core.event.RetryAttemptedEvent;
import io.graphstreaming.core.event.StateMergeConflictDetectedEvent;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphDescription;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link SyntheticGraph}, through the core API only.
 */
class SyntheticGraphTests {

	private final StreamingGraphExecutor synthetic = new SampleGraphsConfiguration().syntheticGraph();

	@Test
	void describeShowsTheChainTheFanOutToEveryBranchAndTheLoop() {
		GraphDescription description = this.synthetic.describe();
		assertThat(description.id()).isEqualTo("synthetic");
		assertThat(description.startNode()).isEqualTo("step");
		List<String> nodes = new ArrayList<>(List.of("step", "fan-out", "join", "loop"));
		List<GraphDescription.Edge> edges = new ArrayList<>(List.of(new GraphDescription.Edge("step", "step", "more steps"),
				new GraphDescription.Edge("step", "fan-out", "parallel > 0"),
				new GraphDescription.Edge("step", "loop", "loop > 0")));
		for (int i = 1; i <= 32; i++) {
			nodes.add("branch-" + i);
			edges.add(new GraphDescription.Edge("fan-out", "branch-" + i, "parallel >= " + i));
			edges.add(new GraphDescription.Edge("branch-" + i, "join", null));
		}
		edges.add(new GraphDescription.Edge("join", "loop", "loop > 0"));
		edges.add(new GraphDescription.Edge("loop", "loop", "more iterations"));
		assertThat(description.nodes()).extracting(GraphDescription.Node::id).containsExactlyInAnyOrderElementsOf(nodes);
		assertThat(description.nodes()).allSatisfy((node) -> assertThat(node.description()).isNotBlank());
		assertThat(description.edges()).containsExactlyElementsOf(edges);
		assertThat(this.synthetic.graph().isFanOut("fan-out")).isTrue();
		assertThat(this.synthetic.maxParallelism()).isEqualTo(32);
		assertThat(this.synthetic.maxSteps()).isEqualTo(SyntheticGraph.MAX_NODE_EXECUTIONS)
			.isGreaterThanOrEqualTo((SyntheticInput.MAX_NODES + 32 + 1000) * 6 + 2);
	}

	@Test
	void executeStreamWithDefaultsRunsFiveStepsWithoutPayload() {
		List<GraphExecutionEvent> events = run(Map.of());
		List<NodeCompletedEvent> completed = completed(events);
		assertThat(completed).hasSize(5);
		assertThat(completed).extracting((event) -> event.output().get("step")).containsExactly(1, 2, 3, 4, 5);
		assertThat(completed).allSatisfy((event) -> assertThat(event.output()).containsOnlyKeys("step"));
		assertThat(events).filteredOn(NodeOutputChunkEvent.class::isInstance).isEmpty();
		assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(ExecutionCompletedEvent.class,
				(end) -> assertThat(end.output()).containsEntry("step", 5));
	}

	@Test
	void executeStreamEvaluatesTheSelfEdgeAfterEveryStep() {
		List<ConditionEvaluatedEvent> conditions = run(Map.of("nodes", 3)).stream()
			.filter(ConditionEvaluatedEvent.class::isInstance)
			.map(ConditionEvaluatedEvent.class::cast)
			.toList();
		assertThat(conditions).filteredOn((condition) -> condition.targetNode().equals("step"))
			.extracting(ConditionEvaluatedEvent::result)
			.containsExactly(true, true, false);
		// Once the chain is done, neither exit holds without parallel or loop: the run ends.
		assertThat(conditions).filteredOn((condition) -> !condition.targetNode().equals("step"))
			.extracting(ConditionEvaluatedEvent::targetNode, ConditionEvaluatedEvent::result)
			.containsExactly(tuple("fan-out", false), tuple("loop", false));
	}

	@Test
	void executeStreamRunsExactlyNodesStepsWithContiguousSequences() {
		List<GraphExecutionEvent> events = run(Map.of("nodes", 1000));
		assertThat(completed(events)).hasSize(1000);
		for (int i = 0; i < events.size(); i++) {
			assertThat(events.get(i).sequence()).isEqualTo(i + 1);
		}
		assertThat(events.get(events.size() - 1).eventType()).isEqualTo(GraphExecutionEventType.EXECUTION_COMPLETED);
	}

	@Test
	void executeStreamWithOneNodeRunsOneStep() {
		assertThat(completed(run(Map.of("nodes", 1)))).hasSize(1);
	}

	@Test
	void executeStreamWithPayloadBytesWritesPayloadsOfThatSize() {
		List<NodeCompletedEvent> completed = completed(run(Map.of("nodes", 3, "payloadBytes", 1000)));
		assertThat(completed).hasSize(3).allSatisfy((event) -> {
			String payload = (String) event.output().get("payload");
			assertThat(payload).hasSize(1000).matches("[a-z ]+");
		});
	}

	@Test
	void executeStreamWithChunksStreamsThemInOrderWithinEachStep() {
		List<GraphExecutionEvent> events = run(Map.of("nodes", 3, "chunks", 4));
		List<String> expected = new ArrayList<>();
		for (int step = 0; step < 3; step++) {
			expected.add("NodeStarted");
			for (int chunk = 0; chunk < 4; chunk++) {
				expected.add("chunk " + chunk + ": step " + step + " chunk " + chunk);
			}
			expected.add("NodeCompleted");
		}
		List<String> actual = events.stream()
			.filter((event) -> event instanceof NodeOutputChunkEvent
					|| event.eventType() == GraphExecutionEventType.NODE_STARTED
					|| event.eventType() == GraphExecutionEventType.NODE_COMPLETED)
			.map((event) -> (event instanceof NodeOutputChunkEvent chunk)
					? "chunk " + chunk.chunkIndex() + ": " + chunk.chunk() : event.eventType().wireName())
			.toList();
		assertThat(actual).containsExactlyElementsOf(expected);
	}

	@Test
	void executeStreamWithDelayWaitsBeforeEachStepCompletes() {
		List<GraphExecutionEvent> events = run(Map.of("nodes", 2, "delayMs", 30, "chunks", 3));
		assertThat(completed(events)).hasSize(2)
			.allSatisfy((event) -> assertThat(event.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(30)));
		assertThat(events).filteredOn(NodeOutputChunkEvent.class::isInstance).hasSize(6);
	}

	@Test
	void executeStreamWithLongDelayCanBeCancelledWithoutWaiting() {
		StepVerifier.create(this.synthetic.executeStream(Map.of("delayMs", 600_000)).flux())
			.expectNextMatches((event) -> event.eventType() == GraphExecutionEventType.EXECUTION_STARTED)
			.expectNextMatches((event) -> event.eventType() == GraphExecutionEventType.NODE_ENTERED)
			.expectNextMatches((event) -> event.eventType() == GraphExecutionEventType.NODE_STARTED)
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void executeStreamWithManyChunksHonoursASlowConsumer() {
		StreamingExecutionOptions small = StreamingExecutionOptions.builder()
			.withBufferSize(4)
			.withMaxBufferSize(8)
			.build();
		StepVerifier.create(this.synthetic.executeStream(Map.of("nodes", 2, "chunks", 200), small).flux(), 0)
			.thenRequest(5)
			.expectNextCount(5)
			.thenRequest(Long.MAX_VALUE)
			.thenConsumeWhile((event) -> !event.isTerminal())
			.expectNextMatches((event) -> event.eventType() == GraphExecutionEventType.EXECUTION_COMPLETED)
			.verifyComplete();
	}

	@Test
	void executeStreamWithFailAtFailsThatStepThenTheExecution() {
		List<GraphExecutionEvent> events = run(Map.of("nodes", 5, "failAt", 2, "chunks", 1));
		assertThat(completed(events)).hasSize(2);
		List<GraphExecutionEvent> tail = events.subList(events.size() - 3, events.size());
		assertThat(tail.get(0)).isInstanceOfSatisfying(NodeFailedEvent.class, (failed) -> {
			assertThat(failed.nodeId()).isEqualTo("step");
			assertThat(failed.errorType()).isEqualTo("SyntheticFailureException");
			assertThat(failed.errorMessage()).isEqualTo("Synthetic failure at node index 2 (input failAt=2)");
		});
		assertThat(tail.get(1).eventType()).isEqualTo(GraphExecutionEventType.NODE_EXITED);
		assertThat(tail.get(2)).isInstanceOfSatisfying(ExecutionFailedEvent.class, (failed) -> {
			assertThat(failed.nodeId()).isEqualTo("step");
			assertThat(failed.errorType()).isEqualTo("SyntheticFailureException");
			assertThat(failed.errorMessage()).contains("node index 2");
		});
		assertThat(events).filteredOn(NodeOutputChunkEvent.class::isInstance).hasSize(3);
	}

	@Test
	void executeStreamWithFailAtZeroFailsTheFirstStep() {
		List<GraphExecutionEvent> events = run(Map.of("failAt", 0));
		assertThat(completed(events)).isEmpty();
		assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(ExecutionFailedEvent.class,
				(failed) -> assertThat(failed.errorMessage()).contains("node index 0"));
	}

	@Test
	void executeStreamWithFailAtBeyondTheChainCompletes() {
		List<GraphExecutionEvent> events = run(Map.of("nodes", 3, "failAt", 3));
		assertThat(completed(events)).hasSize(3);
		assertThat(events.get(events.size() - 1).eventType()).isEqualTo(GraphExecutionEventType.EXECUTION_COMPLETED);
	}

	@Test
	void executeStreamAcceptsWholeNumbersOfAnyNumericType() {
		Map<String, Object> input = Map.of("nodes", 2L, "payloadBytes", 3.0, "chunks", BigInteger.ONE);
		List<GraphExecutionEvent> events = run(input);
		assertThat(completed(events)).hasSize(2)
			.allSatisfy((event) -> assertThat((String) event.output().get("payload")).hasSize(3));
	}

	@Test
	void executeStreamWithNullFailAtMeansNoFailure() {
		Map<String, Object> input = new HashMap<>();
		input.put("failAt", null);
		assertThat(completed(run(input))).hasSize(5);
	}

	@Test
	void executeStreamWithParallelRunsThatManyBranchesAtOnceAndListsThemAll() {
		List<GraphExecutionEvent> events = run(Map.of("nodes", 2, "parallel", 4, "delayMs", 50));
		List<String> branches = List.of("branch-1", "branch-2", "branch-3", "branch-4");
		assertThat(completed(events)).extracting(NodeCompletedEvent::nodeId)
			.containsSubsequence("step", "step", "fan-out")
			.containsSubsequence("fan-out", "join")
			.filteredOn((node) -> node.startsWith("branch-"))
			.containsExactlyInAnyOrderElementsOf(branches);
		// The branches overlap: every one has started before the first one completes.
		int lastStart = lastIndex(events, GraphExecutionEventType.NODE_STARTED, branches);
		int firstCompletion = firstIndex(events, GraphExecutionEventType.NODE_COMPLETED, branches);
		assertThat(lastStart).isLessThan(firstCompletion);
		assertThat(events).filteredOn(ConditionEvaluatedEvent.class::isInstance)
			.map(ConditionEvaluatedEvent.class::cast)
			.filteredOn((condition) -> condition.nodeId().equals("fan-out"))
			.hasSize(32)
			.allSatisfy((condition) -> assertThat(condition.result())
				.isEqualTo(Integer.parseInt(condition.targetNode().substring("branch-".length())) <= 4));
		assertThat(events).filteredOn(StateMergeConflictDetectedEvent.class::isInstance)
			.singleElement()
			.isInstanceOfSatisfying(StateMergeConflictDetectedEvent.class, (conflict) -> {
				assertThat(conflict.nodeId()).isEqualTo("join");
				assertThat(conflict.key()).isEqualTo("branches");
				assertThat(conflict.policy()).isEqualTo("list-append");
			});
		assertThat(finalState(events)).containsEntry("step", 2).containsEntry("branches", List.of(1, 2, 3, 4));
		assertThat(finalState(events)).doesNotContainKey("iteration");
	}

	@Test
	void executeStreamWithParallelStreamsEachBranchsChunksAndPayload() {
		List<GraphExecutionEvent> events = run(Map.of("nodes", 1, "parallel", 3, "chunks", 2, "payloadBytes", 10));
		assertThat(events).filteredOn(NodeOutputChunkEvent.class::isInstance)
			.map(NodeOutputChunkEvent.class::cast)
			.filteredOn((chunk) -> chunk.nodeId().equals("branch-3"))
			.extracting(NodeOutputChunkEvent::chunk)
			.containsExactly("branch 3 chunk 0", "branch 3 chunk 1");
		assertThat(events).filteredOn(NodeOutputChunkEvent.class::isInstance).hasSize(2 + 3 * 2);
		assertThat(completed(events)).filteredOn((event) -> event.nodeId().startsWith("branch-"))
			.hasSize(3)
			.allSatisfy((event) -> assertThat((String) event.output().get("payload")).hasSize(10));
	}

	@Test
	void executeStreamWithParallelOfOneRunsOneBranch() {
		List<GraphExecutionEvent> events = run(Map.of("nodes", 1, "parallel", 1));
		assertThat(completed(events)).extracting(NodeCompletedEvent::nodeId)
			.containsExactly("step", "fan-out", "branch-1", "join");
		assertThat(finalState(events)).containsEntry("branches", List.of(1));
	}

	@Test
	void executeStreamWithParallelOfThirtyTwoRunsEveryBranch() {
		List<GraphExecutionEvent> events = run(Map.of("nodes", 1, "parallel", 32, "delayMs", 20));
		assertThat(completed(events)).filteredOn((event) -> event.nodeId().startsWith("branch-")).hasSize(32);
		List<Integer> all = new ArrayList<>();
		for (int i = 1; i <= 32; i++) {
			all.add(i);
		}
		assertThat(finalState(events)).containsEntry("branches", all);
	}

	@Test
	void executeStreamWithRetriesFailsEveryNodeThatManyTimesBeforeItSucceeds() {
		List<GraphExecutionEvent> events = run(Map.of("nodes", 2, "retries", 2, "parallel", 2, "loop", 2));
		List<RetryAttemptedEvent> retries = events.stream()
			.filter(RetryAttemptedEvent.class::isInstance)
			.map(RetryAttemptedEvent.class::cast)
			.toList();
		Map<String, List<Integer>> attempts = new LinkedHashMap<>();
		retries.forEach((retry) -> attempts.computeIfAbsent(retry.nodeId(), (node) -> new ArrayList<>()).add(retry.attempt()));
		// Two node executions of step and of loop, one of each branch: two retries each.
		assertThat(attempts).containsOnly(entry("step", List.of(2, 3, 2, 3)), entry("branch-1", List.of(2, 3)),
				entry("branch-2", List.of(2, 3)), entry("loop", List.of(2, 3, 2, 3)));
		assertThat(retries).allSatisfy((retry) -> {
			assertThat(retry.errorType()).isEqualTo("SyntheticRetryableException");
			assertThat(retry.delay()).isEqualTo(Duration.ofMillis(10));
		});
		assertThat(retries.get(0).errorMessage())
			.isEqualTo("Synthetic transient failure of node 'step' at attempt 1 (input retries=2)");
		assertThat(events).filteredOn(NodeFailedEvent.class::isInstance).isEmpty();
		assertThat(completed(events)).hasSize(2 + 1 + 2 + 1 + 2);
		assertThat(events).filteredOn((event) -> event.eventType() == GraphExecutionEventType.NODE_STARTED)
			.hasSize(3 * (2 + 2 + 2) + 2);
		assertThat(finalState(events)).containsEntry("step", 2).containsEntry("iteration", 2);
	}

	@Test
	void executeStreamWithRetriesStillFailsAtFailAtWithoutRetryingThatFailure() {
		List<GraphExecutionEvent> events = run(Map.of("nodes", 3, "retries", 1, "failAt", 1));
		assertThat(events).filteredOn(RetryAttemptedEvent.class::isInstance).hasSize(2);
		assertThat(completed(events)).hasSize(1);
		assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(ExecutionFailedEvent.class,
				(failed) -> assertThat(failed.errorType()).isEqualTo("SyntheticFailureException"));
	}

	@Test
	void executeStreamWithLoopRunsExactlyThatManyIterations() {
		List<GraphExecutionEvent> events = run(Map.of("nodes", 2, "loop", 3, "chunks", 1));
		assertThat(completed(events)).extracting(NodeCompletedEvent::nodeId)
			.containsExactly("step", "step", "loop", "loop", "loop");
		assertThat(completed(events)).filteredOn((event) -> event.nodeId().equals("loop"))
			.extracting((event) -> event.output().get("iteration"))
			.containsExactly(1, 2, 3);
		assertThat(events).filteredOn(ConditionEvaluatedEvent.class::isInstance)
			.map(ConditionEvaluatedEvent.class::cast)
			.filteredOn((condition) -> condition.nodeId().equals("loop"))
			.extracting(ConditionEvaluatedEvent::result)
			.containsExactly(true, true, false);
		assertThat(events).filteredOn(NodeOutputChunkEvent.class::isInstance)
			.map(NodeOutputChunkEvent.class::cast)
			.filteredOn((chunk) -> chunk.nodeId().equals("loop"))
			.extracting(NodeOutputChunkEvent::chunk)
			.containsExactly("loop 0 chunk 0", "loop 1 chunk 0", "loop 2 chunk 0");
		assertThat(finalState(events)).containsEntry("iteration", 3).doesNotContainKey("branches");
	}

	@Test
	void executeStreamWithParallelAndLoopRunsTheBranchesThenTheLoop() {
		List<GraphExecutionEvent> events = run(Map.of("nodes", 1, "parallel", 2, "loop", 2));
		List<String> nodes = completed(events).stream().map(NodeCompletedEvent::nodeId).toList();
		assertThat(nodes).startsWith("step", "fan-out").endsWith("join", "loop", "loop");
		assertThat(nodes.subList(2, 4)).containsExactlyInAnyOrder("branch-1", "branch-2");
		assertThat(finalState(events)).containsEntry("branches", List.of(1, 2)).containsEntry("iteration", 2);
	}

	static Stream<Arguments> invalidInputs() {
		return Stream.of(
				Arguments.of("nodes", "abc", "Input 'nodes' must be a whole number from 1 to 1000000 but was \"abc\" (a string)"),
				Arguments.of("nodes", 0, "Input 'nodes' must be from 1 to 1000000 but was 0"),
				Arguments.of("nodes", -3, "Input 'nodes' must be from 1 to 1000000 but was -3"),
				Arguments.of("nodes", 1_000_001, "Input 'nodes' must be from 1 to 1000000 but was 1000001"),
				Arguments.of("nodes", 2.5, "Input 'nodes' must be a whole number from 1 to 1000000 but was 2.5 (a number)"),
				Arguments.of("delayMs", -5, "Input 'delayMs' must be from 0 to 3600000 but was -5"),
				Arguments.of("delayMs", true, "Input 'delayMs' must be a whole number from 0 to 3600000 but was true (a boolean)"),
				Arguments.of("payloadBytes", -1, "Input 'payloadBytes' must be from 0 to 10485760 but was -1"),
				Arguments.of("payloadBytes", List.of(1), "Input 'payloadBytes' must be a whole number from 0 to 10485760 but was [1] (an array)"),
				Arguments.of("failAt", -1, "Input 'failAt' must be from 0 to 1000000 but was -1"),
				Arguments.of("failAt", Map.of("at", 1), "Input 'failAt' must be a whole number from 0 to 1000000 but was {at=1} (an object)"),
				Arguments.of("chunks", -2, "Input 'chunks' must be from 0 to 1000000 but was -2"),
				Arguments.of("chunks", new BigInteger("99999999999999999999"), "Input 'chunks' must be from 0 to 1000000 but was 99999999999999999999"),
				Arguments.of("chunks", Double.NaN, "Input 'chunks' must be a whole number from 0 to 1000000 but was NaN (a number)"),
				Arguments.of("parallel", 33, "Input 'parallel' must be from 0 to 32 but was 33"),
				Arguments.of("parallel", -1, "Input 'parallel' must be from 0 to 32 but was -1"),
				Arguments.of("parallel", "4", "Input 'parallel' must be a whole number from 0 to 32 but was \"4\" (a string)"),
				Arguments.of("retries", 6, "Input 'retries' must be from 0 to 5 but was 6"),
				Arguments.of("retries", 1.5, "Input 'retries' must be a whole number from 0 to 5 but was 1.5 (a number)"),
				Arguments.of("loop", 1001, "Input 'loop' must be from 0 to 1000 but was 1001"),
				Arguments.of("loop", false, "Input 'loop' must be a whole number from 0 to 1000 but was false (a boolean)"));
	}

	@ParameterizedTest(name = "{0} = {1}")
	@MethodSource("invalidInputs")
	void executeStreamWithInvalidInputFailsWithAPreciseMessage(String key, Object value, String message) {
		List<GraphExecutionEvent> events = run(Map.of(key, value));
		assertThat(completed(events)).isEmpty();
		assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(ExecutionFailedEvent.class, (failed) -> {
			assertThat(failed.errorType()).isEqualTo("IllegalArgumentException");
			assertThat(failed.errorMessage()).isEqualTo(message);
		});
	}

	@Test
	void payloadIsStableAndExact() {
		assertThat(SyntheticPayload.of(0)).isEmpty();
		String first = SyntheticPayload.of(257);
		SyntheticPayload.of(10);
		assertThat(SyntheticPayload.of(257)).isEqualTo(first).hasSize(257);
	}

	private List<GraphExecutionEvent> run(Map<String, ?> input) {
		List<GraphExecutionEvent> events = this.synthetic.executeStream(input).flux().collectList()
			.block(Duration.ofSeconds(20));
		assertThat(events).isNotEmpty();
		assertThat(events.get(events.size() - 1).isTerminal()).isTrue();
		assertThat(events).filteredOn(GraphExecutionEvent::isTerminal).hasSize(1);
		return events;
	}

	private static Map<String, Object> finalState(List<GraphExecutionEvent> events) {
		GraphExecutionEvent last = events.get(events.size() - 1);
		assertThat(last).isInstanceOf(ExecutionCompletedEvent.class);
		return ((ExecutionCompletedEvent) last).output();
	}

	private static int firstIndex(List<GraphExecutionEvent> events, GraphExecutionEventType type, List<String> nodes) {
		for (int i = 0; i < events.size(); i++) {
			if (events.get(i).eventType() == type && nodes.contains(nodeId(events.get(i)))) {
				return i;
			}
		}
		throw new AssertionError("No " + type + " of " + nodes);
	}

	private static int lastIndex(List<GraphExecutionEvent> events, GraphExecutionEventType type, List<String> nodes) {
		for (int i = events.size() - 1; i >= 0; i--) {
			if (events.get(i).eventType() == type && nodes.contains(nodeId(events.get(i)))) {
				return i;
			}
		}
		throw new AssertionError("No " + type + " of " + nodes);
	}

	private static String nodeId(GraphExecutionEvent event) {
		return (event instanceof NodeStartedEvent started) ? started.nodeId()
				: (event instanceof NodeCompletedEvent completed) ? completed.nodeId() : "";
	}

	private static List<NodeCompletedEvent> completed(List<GraphExecutionEvent> events) {
		return events.stream()
			.filter(NodeCompletedEvent.class::isInstance)
			.map(NodeCompletedEvent.class::cast)
			.toList();
	}

}
