package io.graphstreaming.core.execution;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.event.ConditionEvaluatedEvent;
import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.ExecutionStartedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventHandler;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.event.NodeEnteredEvent;
import io.graphstreaming.core.event.NodeExitedEvent;
import io.graphstreaming.core.event.NodeFailedEvent;
import io.graphstreaming.core.event.NodeOutputChunkEvent;
import io.graphstreaming.core.event.NodeStartedEvent;
import io.graphstreaming.core.journal.ExecutionJournal;
import io.graphstreaming.core.metrics.StreamingMetricsListener;
import io.graphstreaming.core.options.StreamingExecutionOptions;

/**
 * The one serial point of an execution: stamps each event with the next sequence number
 * and the time, tells the metrics listener, appends it to the journal and tells the
 * handlers, in that order, under one lock (metrics first, so they never lag what
 * consumers saw). Events of a type the options do not emit take no sequence number, so
 * what is emitted stays contiguous. After the terminal event, nothing more is emitted.
 */
final class ExecutionSequencer {

	private static final System.Logger logger = System.getLogger(ExecutionSequencer.class.getName());

	private final String executionId;

	private final String graphId;

	private final ExecutionJournal journal;

	private final boolean[] emitted = new boolean[GraphExecutionEventType.values().length];

	private final List<GraphExecutionEventHandler> handlers;

	private final @Nullable StreamingMetricsListener metrics;

	private final String meterName;

	private final Consumer<GraphExecutionEvent> terminalListener;

	private long sequence;

	private boolean ended;

	ExecutionSequencer(String executionId, String graphId, ExecutionJournal journal,
			StreamingExecutionOptions options, Consumer<GraphExecutionEvent> terminalListener) {
		this(executionId, graphId, journal, options, terminalListener, 0);
	}

	ExecutionSequencer(String executionId, String graphId, ExecutionJournal journal,
			StreamingExecutionOptions options, Consumer<GraphExecutionEvent> terminalListener, long startAfter) {
		this.sequence = startAfter;
		this.executionId = executionId;
		this.graphId = graphId;
		this.journal = journal;
		for (GraphExecutionEventType type : GraphExecutionEventType.values()) {
			this.emitted[type.ordinal()] = options.emits(type);
		}
		this.handlers = options.eventHandlers();
		this.metrics = options.enableMetrics() ? options.metricsListener() : null;
		this.meterName = options.metricsMeterName();
		this.terminalListener = terminalListener;
	}

	private boolean accepts(GraphExecutionEventType type) {
		return !this.ended && this.emitted[type.ordinal()];
	}

	synchronized boolean isEnded() {
		return this.ended;
	}

	synchronized void executionStarted(String startNode, Map<String, @Nullable Object> input) {
		if (accepts(GraphExecutionEventType.EXECUTION_STARTED)) {
			publish(new ExecutionStartedEvent(this.executionId, this.graphId, ++this.sequence, Instant.now(),
					startNode, input));
		}
	}

	synchronized void nodeEntered(String nodeId) {
		if (accepts(GraphExecutionEventType.NODE_ENTERED)) {
			publish(new NodeEnteredEvent(this.executionId, this.graphId, ++this.sequence, Instant.now(), nodeId));
		}
	}

	synchronized void nodeStarted(String nodeId) {
		if (accepts(GraphExecutionEventType.NODE_STARTED)) {
			publish(new NodeStartedEvent(this.executionId, this.graphId, ++this.sequence, Instant.now(), nodeId));
		}
	}

	synchronized void nodeOutputChunk(String nodeId, long index, @Nullable Object chunk) {
		if (accepts(GraphExecutionEventType.NODE_OUTPUT_CHUNK)) {
			publish(new NodeOutputChunkEvent(this.executionId, this.graphId, ++this.sequence, Instant.now(), nodeId,
					index, chunk));
		}
	}

	synchronized void nodeCompleted(String nodeId, Duration duration, Map<String, @Nullable Object> output) {
		if (accepts(GraphExecutionEventType.NODE_COMPLETED)) {
			publish(new NodeCompletedEvent(this.executionId, this.graphId, ++this.sequence, Instant.now(), nodeId,
					duration, output));
		}
	}

	synchronized void nodeFailed(String nodeId, Duration duration, Throwable error) {
		if (accepts(GraphExecutionEventType.NODE_FAILED)) {
			publish(new NodeFailedEvent(this.executionId, this.graphId, ++this.sequence, Instant.now(), nodeId,
					duration, errorType(error), errorMessage(error)));
		}
	}

	synchronized void nodeExited(String nodeId) {
		if (accepts(GraphExecutionEventType.NODE_EXITED)) {
			publish(new NodeExitedEvent(this.executionId, this.graphId, ++this.sequence, Instant.now(), nodeId));
		}
	}

	synchronized void conditionEvaluated(String nodeId, String targetNode, String condition, boolean result) {
		if (accepts(GraphExecutionEventType.CONDITION_EVALUATED)) {
			publish(new ConditionEvaluatedEvent(this.executionId, this.graphId, ++this.sequence, Instant.now(),
					nodeId, targetNode, condition, result));
		}
	}

	/**
	 * Emits any non-terminal event built elsewhere (engine extensions), stamping it here.
	 */
	synchronized void emit(EventFactory factory) {
		if (!this.ended) {
			GraphExecutionEvent event = factory.create(this.executionId, this.graphId, this.sequence + 1,
					Instant.now());
			if (event.isTerminal() || event.sequence() != this.sequence + 1) {
				throw new IllegalArgumentException("An extension event must be non-terminal and use the given sequence");
			}
			if (this.emitted[event.eventType().ordinal()]) {
				this.sequence++;
				publish(event);
			}
		}
	}

	void executionCompleted(Duration duration, @Nullable Map<String, @Nullable Object> output) {
		GraphExecutionEvent event;
		synchronized (this) {
			if (this.ended) {
				return;
			}
			event = new ExecutionCompletedEvent(this.executionId, this.graphId, ++this.sequence, Instant.now(),
					duration, output);
			end(event);
		}
		this.terminalListener.accept(event);
	}

	void executionFailed(Duration duration, @Nullable String nodeId, Throwable error) {
		GraphExecutionEvent event;
		synchronized (this) {
			if (this.ended) {
				return;
			}
			event = new ExecutionFailedEvent(this.executionId, this.graphId, ++this.sequence, Instant.now(), duration,
					nodeId, errorType(error), errorMessage(error));
			end(event);
		}
		this.terminalListener.accept(event);
	}

	void executionCancelled(Duration duration, @Nullable String nodeId, String reason) {
		GraphExecutionEvent event;
		synchronized (this) {
			if (this.ended) {
				return;
			}
			event = new ExecutionCancelledEvent(this.executionId, this.graphId, ++this.sequence, Instant.now(),
					duration, nodeId, reason);
			end(event);
		}
		this.terminalListener.accept(event);
	}

	private void end(GraphExecutionEvent terminal) {
		this.ended = true;
		publish(terminal);
	}

	private void publish(GraphExecutionEvent event) {
		// Metrics first: a consumer may receive the event as soon as it is in the journal, and
		// what it has received must already be counted (a scrape right after a stream ended
		// would otherwise miss its last events).
		StreamingMetricsListener listener = this.metrics;
		if (listener != null) {
			try {
				listener.onEvent(this.meterName, event);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Metrics listener failed on " + event.eventType().wireName(), ex);
			}
		}
		this.journal.append(event);
		for (GraphExecutionEventHandler handler : this.handlers) {
			try {
				handler.handle(event);
			}
			catch (Exception | LinkageError ex) {
				logger.log(Level.WARNING, "Event handler " + handler + " failed on " + event.eventType().wireName()
						+ " of execution " + this.executionId + "; the stream goes on", ex);
			}
		}
	}

	static String errorType(Throwable error) {
		return error.getClass().getSimpleName();
	}

	static String errorMessage(Throwable error) {
		String message = error.getMessage();
		return (message != null) ? message : "";
	}

	/**
	 * Builds an extension event with the sequence and time the sequencer assigns.
	 */
	@FunctionalInterface
	interface EventFactory {

		GraphExecutionEvent create(String executionId, String graphId, long sequence, Instant timestamp);

	}

}
