package io.graphstreaming.sample;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphDescription;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SyntheticGraph}, through the core API only.
 */
class SyntheticGraphTests {

	private final StreamingGraphExecutor synthetic = new SampleGraphsConfiguration().syntheticGraph();

	@Test
	void describeShowsOneStepNodeWithAConditionalSelfEdge() {
		GraphDescription description = this.synthetic.describe();
		assertThat(description.id()).isEqualTo("synthetic");
		assertThat(description.startNode()).isEqualTo("step");
		assertThat(description.nodes()).extracting(GraphDescription.Node::id).containsExactly("step");
		assertThat(description.edges()).containsExactly(new GraphDescription.Edge("step", "step", "more steps"));
		assertThat(this.synthetic.maxSteps()).isEqualTo(SyntheticInput.MAX_NODES);
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
		List<Boolean> results = run(Map.of("nodes", 3)).stream()
			.filter(ConditionEvaluatedEvent.class::isInstance)
			.map((event) -> ((ConditionEvaluatedEvent) event).result())
			.toList();
		assertThat(results).containsExactly(true, true, false);
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
				Arguments.of("chunks", Double.NaN, "Input 'chunks' must be a whole number from 0 to 1000000 but was NaN (a number)"));
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

	private static List<NodeCompletedEvent> completed(List<GraphExecutionEvent> events) {
		return events.stream()
			.filter(NodeCompletedEvent.class::isInstance)
			.map(NodeCompletedEvent.class::cast)
			.toList();
	}

}
