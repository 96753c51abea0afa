package io.graphstreaming.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.graphstreaming.core.event.ConditionEvaluatedEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.event.NodeOutputChunkEvent;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphDescription;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TicketTriageGraph}, the {@code demo} graph, through the core API only.
 */
class TicketTriageGraphTests {

	private final StreamingGraphExecutor demo = new SampleGraphsConfiguration().demoGraph();

	@Test
	void nameAndDescriptionMatchTheContract() {
		GraphDescription description = this.demo.describe();
		assertThat(description.id()).isEqualTo("demo");
		assertThat(description.startNode()).isEqualTo("receive");
		assertThat(description.nodes()).extracting(GraphDescription.Node::id)
			.containsExactly("receive", "classify", "escalate", "reply", "respond");
		assertThat(description.nodes()).allSatisfy((node) -> assertThat(node.description()).isNotBlank());
		assertThat(description.edges()).contains(new GraphDescription.Edge("classify", "escalate", "negative sentiment"),
				new GraphDescription.Edge("classify", "reply", null));
	}

	@Test
	void executeStreamWithDefaultTextEscalates() {
		List<GraphExecutionEvent> events = run(Map.of());
		assertThat(completedNodes(events)).containsExactly("receive", "classify", "escalate", "respond");
		assertThat(conditions(events)).singleElement().satisfies((condition) -> {
			assertThat(condition.nodeId()).isEqualTo("classify");
			assertThat(condition.targetNode()).isEqualTo("escalate");
			assertThat(condition.condition()).isEqualTo("negative sentiment");
			assertThat(condition.result()).isTrue();
		});
		Map<String, Object> output = finalState(events);
		assertThat(output).containsEntry("text", TicketTriageGraph.DEFAULT_TEXT)
			.containsEntry("sentiment", "negative")
			.containsEntry("escalated", true)
			.containsEntry("priority", "high")
			.containsEntry("status", "answered");
		assertThat((double) output.get("score")).isEqualTo(-1.0);
	}

	@Test
	void executeStreamWithPositiveTextReplies() {
		List<GraphExecutionEvent> events = run(Map.of("text", "  Thanks,   the new dashboard is great and support was helpful! "));
		assertThat(completedNodes(events)).containsExactly("receive", "classify", "reply", "respond");
		assertThat(conditions(events)).singleElement().satisfies((condition) -> assertThat(condition.result()).isFalse());
		Map<String, Object> output = finalState(events);
		assertThat(output).containsEntry("text", "Thanks, the new dashboard is great and support was helpful!")
			.containsEntry("sentiment", "positive")
			.containsEntry("score", 1.0)
			.containsEntry("escalated", false)
			.containsEntry("signals", Map.of("positive", List.of("thanks", "great", "helpful"), "negative", List.of()));
	}

	@Test
	void executeStreamWithNeutralTextReplies() {
		Map<String, Object> output = finalState(run(Map.of("text", "Where can I change my delivery address?")));
		assertThat(output).containsEntry("sentiment", "neutral").containsEntry("score", 0.0)
			.containsEntry("escalated", false);
	}

	@Test
	void respondStreamsTheAnswerAsChunksInOrder() {
		List<GraphExecutionEvent> events = run(Map.of("text", "Great service"));
		List<NodeOutputChunkEvent> chunks = events.stream()
			.filter(NodeOutputChunkEvent.class::isInstance)
			.map(NodeOutputChunkEvent.class::cast)
			.toList();
		assertThat(chunks).isNotEmpty().allSatisfy((chunk) -> assertThat(chunk.nodeId()).isEqualTo("respond"));
		assertThat(chunks).extracting(NodeOutputChunkEvent::chunkIndex)
			.containsExactlyElementsOf(java.util.stream.LongStream.range(0, chunks.size()).boxed().toList());
		String joined = chunks.stream().map((chunk) -> (String) chunk.chunk()).collect(Collectors.joining());
		assertThat(joined).isEqualTo(finalState(events).get("answer")).startsWith("[T-");
	}

	@Test
	void everyNodeWritesJsonFriendlyValues() {
		List<GraphExecutionEvent> events = run(Map.of());
		events.stream()
			.filter(NodeCompletedEvent.class::isInstance)
			.map(NodeCompletedEvent.class::cast)
			.forEach((completed) -> assertThat(completed.output()).isNotEmpty()
				.allSatisfy((key, value) -> assertJsonFriendly(value)));
	}

	@Test
	void executeStreamEndsWithExecutionCompletedAndContiguousSequences() {
		List<GraphExecutionEvent> events = run(Map.of());
		assertThat(events.get(events.size() - 1)).isInstanceOf(ExecutionCompletedEvent.class);
		for (int i = 0; i < events.size(); i++) {
			assertThat(events.get(i).sequence()).isEqualTo(i + 1);
		}
	}

	@Test
	void executeStreamWhenTextIsNotAStringFails() {
		List<GraphExecutionEvent> events = run(Map.of("text", 42));
		assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(ExecutionFailedEvent.class, (failed) -> {
			assertThat(failed.nodeId()).isEqualTo("receive");
			assertThat(failed.errorType()).isEqualTo("IllegalArgumentException");
			assertThat(failed.errorMessage()).isEqualTo("Input 'text' must be a string but was 42 (Integer)");
		});
	}

	private List<GraphExecutionEvent> run(Map<String, Object> input) {
		List<GraphExecutionEvent> events = this.demo.executeStream(input).flux().collectList()
			.block(Duration.ofSeconds(10));
		assertThat(events).isNotEmpty();
		assertThat(events.get(events.size() - 1).isTerminal()).isTrue();
		return events;
	}

	private static List<String> completedNodes(List<GraphExecutionEvent> events) {
		return events.stream()
			.filter((event) -> event.eventType() == GraphExecutionEventType.NODE_COMPLETED)
			.map(GraphExecutionEvent::nodeId)
			.toList();
	}

	private static List<ConditionEvaluatedEvent> conditions(List<GraphExecutionEvent> events) {
		return events.stream()
			.filter(ConditionEvaluatedEvent.class::isInstance)
			.map(ConditionEvaluatedEvent.class::cast)
			.toList();
	}

	private static Map<String, Object> finalState(List<GraphExecutionEvent> events) {
		GraphExecutionEvent last = events.get(events.size() - 1);
		assertThat(last).isInstanceOf(ExecutionCompletedEvent.class);
		Map<String, Object> output = ((ExecutionCompletedEvent) last).output();
		assertThat(output).isNotNull();
		return output;
	}

	private static void assertJsonFriendly(Object value) {
		if (value instanceof Map<?, ?> map) {
			map.forEach((key, item) -> {
				assertThat(key).isInstanceOf(String.class);
				assertJsonFriendly(item);
			});
		}
		else if (value instanceof List<?> list) {
			list.forEach(TicketTriageGraphTests::assertJsonFriendly);
		}
		else {
			assertThat(value).isInstanceOfAny(String.class, Number.class, Boolean.class);
		}
	}

}
