package io.graphstreaming.spring.json;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
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

/**
 * Reads the event JSON that {@link GraphEventJsonWriter} writes back into event records:
 * what a remote consumer, or a journal that kept events as bytes, needs to hand out the
 * same typed events as an in-process stream. State values come back as plain JSON types
 * (maps, lists, strings, numbers, booleans, null), which the writer writes identically,
 * so writing a read event reproduces its bytes.
 *
 * <p>Unknown fields are ignored (a newer server may add some); a missing or mistyped
 * required field is an {@link IllegalArgumentException} naming it.
 */
public class GraphEventJsonReader {

	private final JsonMapper mapper;

	/**
	 * Creates a reader.
	 * @param mapper the mapper that parses the JSON
	 */
	public GraphEventJsonReader(JsonMapper mapper) {
		this.mapper = Objects.requireNonNull(mapper, "mapper");
	}

	/**
	 * Reads one event.
	 * @param json UTF-8 event JSON
	 * @return the event
	 * @throws IllegalArgumentException for malformed JSON, an unknown event type or a
	 * missing or mistyped field
	 */
	public GraphExecutionEvent read(byte[] json) {
		JsonNode root;
		try {
			root = this.mapper.readTree(json);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Malformed event JSON" + JsonErrorMessages.parseFailure(ex), ex);
		}
		return read(root);
	}

	/**
	 * Reads one event.
	 * @param json event JSON
	 * @return the event
	 * @throws IllegalArgumentException as {@link #read(byte[])}
	 */
	public GraphExecutionEvent read(String json) {
		return read(json.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Reads one event from a parsed tree.
	 * @param root the event object
	 * @return the event
	 * @throws IllegalArgumentException for an unknown event type or a missing or
	 * mistyped field
	 */
	public GraphExecutionEvent read(JsonNode root) {
		if (root == null || !root.isObject()) {
			throw new IllegalArgumentException("An event must be a JSON object");
		}
		JsonFields fields = new JsonFields(root, "Event");
		GraphExecutionEventType type = GraphExecutionEventType.fromWireName(fields.text("eventType"));
		String executionId = fields.text("executionId");
		String graphId = fields.text("graphId");
		long sequence = fields.whole("sequence");
		Instant timestamp = fields.instant("timestamp");
		return switch (type) {
			case EXECUTION_STARTED -> new ExecutionStartedEvent(executionId, graphId, sequence, timestamp,
					fields.text("startNode"), fields.map("input"));
			case NODE_STARTED -> new NodeStartedEvent(executionId, graphId, sequence, timestamp, fields.text("nodeId"));
			case NODE_ENTERED -> new NodeEnteredEvent(executionId, graphId, sequence, timestamp, fields.text("nodeId"));
			case NODE_EXITED -> new NodeExitedEvent(executionId, graphId, sequence, timestamp, fields.text("nodeId"));
			case NODE_COMPLETED -> new NodeCompletedEvent(executionId, graphId, sequence, timestamp,
					fields.text("nodeId"), fields.duration("durationMs"), fields.map("output"));
			case NODE_FAILED -> new NodeFailedEvent(executionId, graphId, sequence, timestamp, fields.text("nodeId"),
					fields.duration("durationMs"), fields.text("errorType"), fields.text("errorMessage"));
			case NODE_OUTPUT_CHUNK -> new NodeOutputChunkEvent(executionId, graphId, sequence, timestamp,
					fields.text("nodeId"), fields.whole("chunkIndex"), fields.value("chunk"));
			case EXECUTION_COMPLETED -> new ExecutionCompletedEvent(executionId, graphId, sequence, timestamp,
					fields.duration("durationMs"), fields.has("output") ? fields.map("output") : null);
			case EXECUTION_FAILED -> new ExecutionFailedEvent(executionId, graphId, sequence, timestamp,
					fields.duration("durationMs"), fields.optionalText("nodeId"), fields.text("errorType"),
					fields.text("errorMessage"));
			case EXECUTION_CANCELLED -> new ExecutionCancelledEvent(executionId, graphId, sequence, timestamp,
					fields.duration("durationMs"), fields.optionalText("nodeId"), fields.text("reason"));
			case CONDITION_EVALUATED -> new ConditionEvaluatedEvent(executionId, graphId, sequence, timestamp,
					fields.text("nodeId"), fields.text("targetNode"), fields.text("condition"),
					fields.bool("result"));
			case STATE_MERGE_CONFLICT_DETECTED -> new StateMergeConflictDetectedEvent(executionId, graphId, sequence,
					timestamp, fields.text("nodeId"), fields.text("key"), fields.list("values"), fields.text("policy"),
					fields.value("resolvedValue"));
			case CIRCUIT_BREAKER_STATE_CHANGED -> new CircuitBreakerStateChangedEvent(executionId, graphId, sequence,
					timestamp, fields.text("nodeId"), fields.text("fromState"), fields.text("toState"));
			case RESOURCE_BUDGET_EXHAUSTED -> new ResourceBudgetExhaustedEvent(executionId, graphId, sequence,
					timestamp, fields.optionalText("nodeId"), fields.text("budget"), fields.number("limit"),
					fields.number("used"));
			case RETRY_ATTEMPTED -> new RetryAttemptedEvent(executionId, graphId, sequence, timestamp,
					fields.text("nodeId"), (int) fields.whole("attempt"), fields.duration("delayMs"),
					fields.text("errorType"), fields.text("errorMessage"));
			case CHECKPOINT_CREATED -> new CheckpointCreatedEvent(executionId, graphId, sequence, timestamp,
					fields.text("nodeId"), fields.text("checkpointId"));
			case CHECKPOINT_RESTORED -> new CheckpointRestoredEvent(executionId, graphId, sequence, timestamp,
					fields.text("nodeId"), fields.text("checkpointId"));
		};
	}

	static Map<String, @Nullable Object> toMap(JsonNode node) {
		Map<String, @Nullable Object> map = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> property : node.properties()) {
			map.put(property.getKey(), toValue(property.getValue()));
		}
		return map;
	}

	static List<@Nullable Object> toList(JsonNode node) {
		List<@Nullable Object> list = new ArrayList<>(node.size());
		for (JsonNode item : node) {
			list.add(toValue(item));
		}
		return list;
	}

	/**
	 * Plain Java values, chosen so that the writer reproduces the same JSON: whole
	 * numbers as int, long or BigInteger by size, decimals as double (or BigDecimal when a
	 * double would not round-trip). Shared with {@link JsonCheckpointCodec}, whose state
	 * values come back the same way.
	 */
	static @Nullable Object toValue(JsonNode node) {
		if (node.isObject()) {
			return toMap(node);
		}
		if (node.isArray()) {
			return toList(node);
		}
		if (node.isString()) {
			return node.stringValue();
		}
		if (node.isBoolean()) {
			return node.booleanValue();
		}
		if (node.isIntegralNumber()) {
			if (node.canConvertToInt()) {
				return node.intValue();
			}
			return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
		}
		if (node.isNumber()) {
			return node.isBigDecimal() ? node.decimalValue() : (Object) node.doubleValue();
		}
		return null;
	}

}
