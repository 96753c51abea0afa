package io.graphstreaming.spring.json;

import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
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
import io.graphstreaming.core.event.NodeFailedEvent;
import io.graphstreaming.core.event.NodeOutputChunkEvent;
import io.graphstreaming.core.event.ResourceBudgetExhaustedEvent;
import io.graphstreaming.core.event.RetryAttemptedEvent;
import io.graphstreaming.core.event.StateMergeConflictDetectedEvent;

/**
 * Writes an event as the contract's one-line JSON object: {@code eventType},
 * {@code executionId}, {@code graphId}, {@code sequence}, {@code timestamp}, then the
 * type's own fields ({@code nodeId}, {@code durationMs}, {@code errorType},
 * {@code errorMessage}, {@code output}, {@code chunk}, ...). The envelope is written field
 * by field with the application's Jackson mapper's generator (no reflection over the
 * record); state values ({@code output}, {@code chunk}, {@code input}) go through the
 * mapper, so they come out as JSON, never as {@code toString()}.
 *
 * <p>A state value Jackson cannot write does not break the stream: the event is written
 * again with that value replaced by {@code {"unserializable": "<type>"}}.
 *
 * <p>Instances are stateless and thread-safe; use one per application so that each
 * journal entry's bytes are computed once and shared by every consumer.
 *
 * <p>This runs once for every event a transport sends, so the envelope avoids per-event
 * work that can be done once: its field names and the event type names are pre-encoded,
 * and the timestamp is formatted without {@code DateTimeFormatter} (same text as
 * {@link Instant#toString()}).
 */
public class GraphEventJsonWriter implements Function<GraphExecutionEvent, byte[]> {

	private static final System.Logger logger = System.getLogger(GraphEventJsonWriter.class.getName());

	private static final SerializableString EVENT_TYPE = new SerializedString("eventType");

	private static final SerializableString EXECUTION_ID = new SerializedString("executionId");

	private static final SerializableString GRAPH_ID = new SerializedString("graphId");

	private static final SerializableString SEQUENCE = new SerializedString("sequence");

	private static final SerializableString TIMESTAMP = new SerializedString("timestamp");

	private static final SerializableString NODE_ID = new SerializedString("nodeId");

	private static final SerializableString DURATION_MS = new SerializedString("durationMs");

	private static final SerializableString OUTPUT = new SerializedString("output");

	private static final SerializableString CHUNK_INDEX = new SerializedString("chunkIndex");

	private static final SerializableString CHUNK = new SerializedString("chunk");

	private static final SerializableString[] TYPE_NAMES = typeNames();

	private final JsonMapper mapper;

	/**
	 * Creates a writer. Indentation is switched off whatever the application's mapper
	 * says: an event is one line on every transport (an SSE {@code data:} line, an
	 * NDJSON line).
	 * @param mapper the application's mapper, used for state values
	 */
	public GraphEventJsonWriter(JsonMapper mapper) {
		this.mapper = Objects.requireNonNull(mapper, "mapper")
			.rebuild()
			.disable(SerializationFeature.INDENT_OUTPUT)
			.build();
	}

	/**
	 * Writes an event.
	 * @param event the event
	 * @return UTF-8 JSON without a trailing newline
	 */
	@Override
	public byte[] apply(GraphExecutionEvent event) {
		try {
			return write(event, false);
		}
		catch (JacksonException ex) {
			logger.log(Level.WARNING, "A state value of " + event.eventType().wireName() + " #" + event.sequence()
					+ " of execution " + event.executionId() + " is not serializable; it is replaced", ex);
			return write(event, true);
		}
	}

	private byte[] write(GraphExecutionEvent event, boolean safeValues) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(256);
		try (JsonGenerator generator = this.mapper.createGenerator(out)) {
			generator.writeStartObject();
			generator.writeName(EVENT_TYPE);
			generator.writeString(TYPE_NAMES[event.eventType().ordinal()]);
			generator.writeName(EXECUTION_ID);
			generator.writeString(event.executionId());
			generator.writeName(GRAPH_ID);
			generator.writeString(event.graphId());
			generator.writeName(SEQUENCE);
			generator.writeNumber(event.sequence());
			generator.writeName(TIMESTAMP);
			IsoInstant.write(generator, event.timestamp());
			String nodeId = event.nodeId();
			if (nodeId != null) {
				generator.writeName(NODE_ID);
				generator.writeString(nodeId);
			}
			writeTypeFields(generator, event, safeValues);
			generator.writeEndObject();
		}
		return out.toByteArray();
	}

	private void writeTypeFields(JsonGenerator generator, GraphExecutionEvent event, boolean safe) {
		switch (event.eventType()) {
			case EXECUTION_STARTED -> {
				ExecutionStartedEvent started = (ExecutionStartedEvent) event;
				generator.writeStringProperty("startNode", started.startNode());
				value(generator, "input", started.input(), safe);
			}
			case NODE_COMPLETED -> {
				NodeCompletedEvent completed = (NodeCompletedEvent) event;
				duration(generator, DURATION_MS, completed.duration());
				value(generator, OUTPUT, completed.output(), safe);
			}
			case NODE_FAILED -> {
				NodeFailedEvent failed = (NodeFailedEvent) event;
				duration(generator, "durationMs", failed.duration());
				generator.writeStringProperty("errorType", failed.errorType());
				generator.writeStringProperty("errorMessage", failed.errorMessage());
			}
			case EXECUTION_COMPLETED -> {
				ExecutionCompletedEvent completed = (ExecutionCompletedEvent) event;
				duration(generator, "durationMs", completed.duration());
				if (completed.output() != null) {
					value(generator, "output", completed.output(), safe);
				}
			}
			case EXECUTION_FAILED -> {
				ExecutionFailedEvent failed = (ExecutionFailedEvent) event;
				duration(generator, "durationMs", failed.duration());
				generator.writeStringProperty("errorType", failed.errorType());
				generator.writeStringProperty("errorMessage", failed.errorMessage());
			}
			case EXECUTION_CANCELLED -> {
				ExecutionCancelledEvent cancelled = (ExecutionCancelledEvent) event;
				duration(generator, "durationMs", cancelled.duration());
				generator.writeStringProperty("reason", cancelled.reason());
			}
			case CONDITION_EVALUATED -> {
				ConditionEvaluatedEvent evaluated = (ConditionEvaluatedEvent) event;
				generator.writeStringProperty("targetNode", evaluated.targetNode());
				generator.writeStringProperty("condition", evaluated.condition());
				generator.writeBooleanProperty("result", evaluated.result());
			}
			case STATE_MERGE_CONFLICT_DETECTED -> {
				StateMergeConflictDetectedEvent conflict = (StateMergeConflictDetectedEvent) event;
				generator.writeStringProperty("key", conflict.key());
				value(generator, "values", conflict.values(), safe);
				generator.writeStringProperty("policy", conflict.policy());
				value(generator, "resolvedValue", conflict.resolvedValue(), safe);
			}
			case CIRCUIT_BREAKER_STATE_CHANGED -> {
				CircuitBreakerStateChangedEvent changed = (CircuitBreakerStateChangedEvent) event;
				generator.writeStringProperty("fromState", changed.fromState());
				generator.writeStringProperty("toState", changed.toState());
			}
			case RESOURCE_BUDGET_EXHAUSTED -> {
				ResourceBudgetExhaustedEvent exhausted = (ResourceBudgetExhaustedEvent) event;
				generator.writeStringProperty("budget", exhausted.budget());
				generator.writeNumberProperty("limit", exhausted.limit());
				generator.writeNumberProperty("used", exhausted.used());
			}
			case RETRY_ATTEMPTED -> {
				RetryAttemptedEvent retry = (RetryAttemptedEvent) event;
				generator.writeNumberProperty("attempt", retry.attempt());
				duration(generator, "delayMs", retry.delay());
				generator.writeStringProperty("errorType", retry.errorType());
				generator.writeStringProperty("errorMessage", retry.errorMessage());
			}
			case CHECKPOINT_CREATED -> generator.writeStringProperty("checkpointId",
					((CheckpointCreatedEvent) event).checkpointId());
			case CHECKPOINT_RESTORED -> generator.writeStringProperty("checkpointId",
					((CheckpointRestoredEvent) event).checkpointId());
			case NODE_OUTPUT_CHUNK -> {
				NodeOutputChunkEvent chunk = (NodeOutputChunkEvent) event;
				generator.writeName(CHUNK_INDEX);
				generator.writeNumber(chunk.chunkIndex());
				value(generator, CHUNK, chunk.chunk(), safe);
			}
			case NODE_STARTED, NODE_ENTERED, NODE_EXITED -> {
			}
		}
	}

	/**
	 * Durations travel as milliseconds with microsecond precision.
	 */
	private static void duration(JsonGenerator generator, String name, Duration duration) {
		generator.writeNumberProperty(name, Math.round(duration.toNanos() / 1_000.0) / 1_000.0);
	}

	private static void duration(JsonGenerator generator, SerializableString name, Duration duration) {
		generator.writeName(name);
		generator.writeNumber(Math.round(duration.toNanos() / 1_000.0) / 1_000.0);
	}

	private void value(JsonGenerator generator, SerializableString name, @Nullable Object value, boolean safe) {
		generator.writeName(name);
		value(generator, value, safe);
	}

	private void value(JsonGenerator generator, String name, @Nullable Object value, boolean safe) {
		generator.writeName(name);
		value(generator, value, safe);
	}

	private void value(JsonGenerator generator, @Nullable Object value, boolean safe) {
		if (!safe) {
			if (value instanceof String text) {
				// the usual chunk: skip the mapper's serializer lookup
				generator.writeString(text);
				return;
			}
			generator.writePOJO(value);
			return;
		}
		try {
			byte[] bytes = this.mapper.writeValueAsBytes(value);
			generator.writeRawValue(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
		}
		catch (JacksonException ex) {
			generator.writeStartObject();
			generator.writeStringProperty("unserializable", (value != null) ? value.getClass().getName() : "null");
			generator.writeEndObject();
		}
	}


	private static SerializableString[] typeNames() {
		GraphExecutionEventType[] types = GraphExecutionEventType.values();
		SerializableString[] names = new SerializableString[types.length];
		for (GraphExecutionEventType type : types) {
			names[type.ordinal()] = new SerializedString(type.wireName());
		}
		return names;
	}

	/**
	 * Writes an instant as {@link Instant#toString()} does (ISO-8601, UTC, a fraction of 3,
	 * 6 or 9 digits when not zero), without {@code DateTimeFormatter}: the text up to the
	 * seconds is computed once per second and shared (events of a run mostly share their
	 * second), the fraction is written digit by digit. Years outside 0000-9999 take
	 * {@code Instant.toString()}.
	 */
	static final class IsoInstant {

		private static volatile @Nullable Second current;

		private IsoInstant() {
		}

		static void write(JsonGenerator generator, Instant instant) {
			long epochSecond = instant.getEpochSecond();
			Second second = current;
			if (second == null || second.epochSecond != epochSecond) {
				String text = instant.truncatedTo(ChronoUnit.SECONDS).toString();
				if (text.length() != 20) {
					generator.writeString(instant.toString());
					return;
				}
				second = new Second(epochSecond, text.substring(0, 19).toCharArray());
				current = second;
			}
			char[] out = new char[30];
			System.arraycopy(second.text, 0, out, 0, 19);
			int length = 19;
			int nano = instant.getNano();
			if (nano != 0) {
				int digits;
				int value;
				if (nano % 1_000_000 == 0) {
					digits = 3;
					value = nano / 1_000_000;
				}
				else if (nano % 1_000 == 0) {
					digits = 6;
					value = nano / 1_000;
				}
				else {
					digits = 9;
					value = nano;
				}
				out[length++] = '.';
				for (int i = length + digits - 1; i >= length; i--) {
					out[i] = (char) ('0' + value % 10);
					value /= 10;
				}
				length += digits;
			}
			out[length++] = 'Z';
			generator.writeString(out, 0, length);
		}

		/**
		 * {@code yyyy-MM-ddTHH:mm:ss} of one epoch second.
		 */
		private record Second(long epochSecond, char[] text) {
		}

	}

}
