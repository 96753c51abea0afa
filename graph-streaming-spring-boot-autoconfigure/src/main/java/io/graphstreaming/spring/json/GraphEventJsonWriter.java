package io.graphstreaming.spring.json;

import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
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
 */
public class GraphEventJsonWriter implements Function<GraphExecutionEvent, byte[]> {

	private static final System.Logger logger = System.getLogger(GraphEventJsonWriter.class.getName());

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
			generator.writeStringProperty("eventType", event.eventType().wireName());
			generator.writeStringProperty("executionId", event.executionId());
			generator.writeStringProperty("graphId", event.graphId());
			generator.writeNumberProperty("sequence", event.sequence());
			generator.writeStringProperty("timestamp", event.timestamp().toString());
			String nodeId = event.nodeId();
			if (nodeId != null) {
				generator.writeStringProperty("nodeId", nodeId);
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
				duration(generator, "durationMs", completed.duration());
				value(generator, "output", completed.output(), safe);
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
				generator.writeNumberProperty("chunkIndex", chunk.chunkIndex());
				value(generator, "chunk", chunk.chunk(), safe);
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

	private void value(JsonGenerator generator, String name, @Nullable Object value, boolean safe) {
		generator.writeName(name);
		if (!safe) {
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

}
