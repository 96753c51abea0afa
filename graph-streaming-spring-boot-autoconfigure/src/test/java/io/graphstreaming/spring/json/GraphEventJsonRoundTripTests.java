package io.graphstreaming.spring.json;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.event.CheckpointCreatedEvent;
import io.graphstreaming.core.event.CheckpointRestoredEvent;
import io.graphstreaming.core.event.CircuitBreakerStateChangedEvent;
import io.graphstreaming.core.event.ConditionEvaluatedEvent;
import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.ExecutionStartedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.event.NodeEnteredEvent;
import io.graphstreaming.core.event.NodeExitedEvent;
import io.graphstreaming.core.event.NodeFailedEvent;
import io.graphstreaming.core.event.NodeOutputChunkEvent;
import io.graphstreaming.core.event.NodeStartedEvent;
import io.graphstreaming.core.event.ResourceBudgetExhaustedEvent;
import io.graphstreaming.core.event.RetryAttemptedEvent;
import io.graphstreaming.core.event.StateMergeConflictDetectedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class GraphEventJsonRoundTripTests {

	private static final String EXECUTION = "7f1c2a9e-0000-4000-8000-000000000001";

	private static final Instant AT = Instant.parse("2026-11-25T19:07:10.123456789Z");

	private final JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private final GraphEventJsonWriter writer = new GraphEventJsonWriter(this.mapper);

	private final GraphEventJsonReader reader = new GraphEventJsonReader(this.mapper);

	@Test
	void everyEventTypeReadsBackToAnEventThatWritesTheSameBytes() {
		List<GraphExecutionEvent> events = allTypes();
		Set<GraphExecutionEventType> covered = events.stream()
			.map(GraphExecutionEvent::eventType)
			.collect(Collectors.toCollection(() -> EnumSet.noneOf(GraphExecutionEventType.class)));
		assertThat(covered).containsExactlyInAnyOrder(GraphExecutionEventType.values());
		for (GraphExecutionEvent event : events) {
			byte[] json = this.writer.apply(event);
			GraphExecutionEvent read = this.reader.read(json);
			assertThat(read.eventType()).isEqualTo(event.eventType());
			assertThat(read.sequence()).isEqualTo(event.sequence());
			assertThat(read.timestamp()).isEqualTo(event.timestamp());
			assertThat(read.nodeId()).isEqualTo(event.nodeId());
			assertThat(new String(this.writer.apply(read), StandardCharsets.UTF_8))
				.as(event.eventType().wireName())
				.isEqualTo(new String(json, StandardCharsets.UTF_8));
		}
	}

	@Test
	void writerProducesOneLineEvenWhenTheApplicationMapperIndents() {
		String json = new String(this.writer.apply(allTypes().get(0)), StandardCharsets.UTF_8);
		assertThat(json).doesNotContain("\n");
	}

	@Test
	void stateValuesComeBackAsPlainJsonTypes() {
		NodeCompletedEvent read = (NodeCompletedEvent) this.reader.read(this.writer.apply(new NodeCompletedEvent(
				EXECUTION, "g", 4, AT, "a", Duration.ofMillis(12), state())));
		assertThat(read.output()).containsEntry("count", 3)
			.containsEntry("big", 12_345_678_901L)
			.containsEntry("ratio", 0.25)
			.containsEntry("name", "Ada")
			.containsEntry("flag", true)
			.containsEntry("nothing", null)
			.containsEntry("tags", List.of("x", "y"))
			.containsEntry("nested", Map.of("k", "v"));
		assertThat(read.duration()).isEqualTo(Duration.ofMillis(12));
	}

	@Test
	void unknownFieldsAreIgnored() {
		GraphExecutionEvent read = this.reader.read("{\"eventType\":\"NodeStarted\",\"executionId\":\"e\",\"graphId\":\"g\","
				+ "\"sequence\":3,\"timestamp\":\"2026-11-25T19:07:10Z\",\"nodeId\":\"a\",\"addedLater\":[1,2]}");
		assertThat(read).isEqualTo(new NodeStartedEvent("e", "g", 3, Instant.parse("2026-11-25T19:07:10Z"), "a"));
	}

	@Test
	void badEventsAreRejectedNamingTheProblem() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.reader.read("{not json"))
			.withMessageStartingWith("Malformed event JSON at line 1");
		assertThatIllegalArgumentException().isThrownBy(() -> this.reader.read("[1]"))
			.withMessage("An event must be a JSON object");
		assertThatIllegalArgumentException().isThrownBy(() -> this.reader.read("{\"eventType\":\"Bogus\"}"))
			.withMessageStartingWith("Unknown event type 'Bogus'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.reader.read("{\"eventType\":\"NodeStarted\",\"executionId\":\"e\",\"graphId\":\"g\","
					+ "\"sequence\":\"3\",\"timestamp\":\"2026-11-25T19:07:10Z\",\"nodeId\":\"a\"}"))
			.withMessage("Event field 'sequence' must be a whole number but was a string");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.reader.read("{\"eventType\":\"NodeStarted\",\"executionId\":\"e\",\"graphId\":\"g\","
					+ "\"sequence\":3,\"timestamp\":\"yesterday\",\"nodeId\":\"a\"}"))
			.withMessage("Event field 'timestamp' must be an ISO-8601 instant but was 'yesterday'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.reader.read("{\"eventType\":\"NodeStarted\",\"executionId\":\"e\",\"graphId\":\"g\","
					+ "\"sequence\":3,\"timestamp\":\"2026-11-25T19:07:10Z\"}"))
			.withMessage("Event field 'nodeId' is missing");
	}

	private static Map<String, Object> state() {
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("count", 3);
		state.put("big", 12_345_678_901L);
		state.put("ratio", 0.25);
		state.put("name", "Ada");
		state.put("flag", true);
		state.put("nothing", null);
		state.put("tags", List.of("x", "y"));
		state.put("nested", Map.of("k", "v"));
		return state;
	}

	private static List<GraphExecutionEvent> allTypes() {
		Duration took = Duration.ofNanos(12_345_678);
		List<Object> values = new ArrayList<>(Arrays.asList("a", 2, null));
		return List.of(new ExecutionStartedEvent(EXECUTION, "g", 1, AT, "a", state()),
				new NodeEnteredEvent(EXECUTION, "g", 2, AT, "a"), new NodeStartedEvent(EXECUTION, "g", 3, AT, "a"),
				new NodeOutputChunkEvent(EXECUTION, "g", 4, AT, "a", 0, "tok"),
				new NodeOutputChunkEvent(EXECUTION, "g", 5, AT, "a", 1, Map.of("delta", "x")),
				new NodeCompletedEvent(EXECUTION, "g", 6, AT, "a", took, state()),
				new NodeFailedEvent(EXECUTION, "g", 7, AT, "b", took, "IllegalStateException", "boom"),
				new NodeExitedEvent(EXECUTION, "g", 8, AT, "a"),
				new ConditionEvaluatedEvent(EXECUTION, "g", 9, AT, "a", "b", "score > 0.5", true),
				new StateMergeConflictDetectedEvent(EXECUTION, "g", 10, AT, "join", "k", values, "keep-first", "a"),
				new CircuitBreakerStateChangedEvent(EXECUTION, "g", 11, AT, "b", "CLOSED", "OPEN"),
				new ResourceBudgetExhaustedEvent(EXECUTION, "g", 12, AT, null, "tokens", 1000.0, 1004.5),
				new RetryAttemptedEvent(EXECUTION, "g", 13, AT, "b", 2, Duration.ofMillis(250), "IOException", ""),
				new CheckpointCreatedEvent(EXECUTION, "g", 14, AT, "a", "cp-1"),
				new CheckpointRestoredEvent(EXECUTION, "g", 15, AT, "a", "cp-1"),
				new ExecutionCompletedEvent(EXECUTION, "g", 16, AT, took, state()),
				new ExecutionCompletedEvent(EXECUTION, "g", 16, AT, took, null),
				new ExecutionFailedEvent(EXECUTION, "g", 16, AT, took, "b", "IllegalStateException", "boom"),
				new ExecutionFailedEvent(EXECUTION, "g", 16, AT, took, null, "TimeoutException", ""),
				new ExecutionCancelledEvent(EXECUTION, "g", 16, AT, took, "b", "cancelled by the caller"));
	}

}
