package io.graphstreaming.spring.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.event.NodeFailedEvent;
import io.graphstreaming.core.event.RetryAttemptedEvent;
import io.graphstreaming.core.metrics.StreamingMetricsListener;

/**
 * Micrometer {@link Observation}s around each execution ({@code graph.streaming.execution})
 * and each attempt of a node ({@code graph.streaming.node}, a child of its execution's), so
 * that a tracer, when present, records a span per execution and per node attempt.
 * Low-cardinality keys: {@code graph}, {@code node}, {@code outcome} ({@code completed},
 * {@code failed}, {@code cancelled}); the execution id is a high-cardinality key. A failed
 * attempt's observation also carries the reported error as a {@link ReportedError}.
 *
 * <p>Observations follow the events, which are all this listener sees:
 * <ul>
 * <li>{@code ExecutionStarted} starts the execution's; its terminal event stops it, and
 * stops as {@code cancelled} every node observation of the execution still open, so none
 * outlives its execution.</li>
 * <li>{@code NodeStarted} starts a node attempt's. The engine announces each retry with
 * {@code RetryAttempted}, which stops the failed attempt's observation with the error it
 * reports; the next {@code NodeStarted} starts the next attempt's. Where
 * {@code RetryAttempted} is not emitted (event types are configurable), a
 * {@code NodeStarted} of a node already running that no {@code NodeEntered} announced as
 * a new run is a retry too, and stops the previous attempt's as {@code failed}.</li>
 * <li>{@code NodeCompleted} / {@code NodeFailed} stop the attempt's. A node entered again
 * in a cycle is a new observation each time. Nodes of parallel branches have observations
 * of their own; should two branches run the same node at once, a completion stops the
 * attempt whose start matches the event's duration best.</li>
 * </ul>
 */
public class GraphStreamingObservations implements StreamingMetricsListener {

	/** Name of the execution observation. */
	public static final String EXECUTION_OBSERVATION = "graph.streaming.execution";

	/** Name of the node observation. */
	public static final String NODE_OBSERVATION = "graph.streaming.node";

	/**
	 * The error of an attempt retried without {@code RetryAttempted}, which would have
	 * reported it.
	 */
	private static final ReportedError UNREPORTED_RETRY = new ReportedError("unknown",
			"the attempt failed and was retried (RetryAttempted, which reports the error, is not emitted)");

	private final ObservationRegistry registry;

	private final Map<String, Run> runs = new ConcurrentHashMap<>();

	/**
	 * Creates the listener.
	 * @param registry where observations go
	 */
	public GraphStreamingObservations(ObservationRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	@Override
	public void onEvent(String meterName, GraphExecutionEvent event) {
		if (this.registry.isNoop()) {
			return;
		}
		switch (event.eventType()) {
			case EXECUTION_STARTED -> this.runs.put(event.executionId(),
					new Run(Observation.createNotStarted(EXECUTION_OBSERVATION, this.registry)
						.contextualName("graph " + event.graphId())
						.lowCardinalityKeyValue("graph", event.graphId())
						.highCardinalityKeyValue("execution.id", event.executionId())
						.start()));
			case NODE_ENTERED -> run(event).entered(nodeId(event));
			case NODE_STARTED -> run(event).started(event);
			case RETRY_ATTEMPTED, NODE_COMPLETED, NODE_FAILED -> {
				Run run = this.runs.get(event.executionId());
				if (run != null) {
					attemptEnded(run, event);
				}
			}
			case EXECUTION_COMPLETED -> end(event, "completed", null);
			case EXECUTION_FAILED -> {
				ExecutionFailedEvent failed = (ExecutionFailedEvent) event;
				end(event, "failed", new ReportedError(failed.errorType(), failed.errorMessage()));
			}
			case EXECUTION_CANCELLED -> end(event, "cancelled", null);
			default -> {
			}
		}
	}

	private Run run(GraphExecutionEvent event) {
		// without ExecutionStarted (not emitted) nodes are still observed, without a parent
		return this.runs.computeIfAbsent(event.executionId(), (id) -> new Run(null));
	}

	private static void attemptEnded(Run run, GraphExecutionEvent event) {
		if (event instanceof RetryAttemptedEvent retry) {
			run.retried(retry.nodeId(), new ReportedError(retry.errorType(), retry.errorMessage()));
		}
		else if (event instanceof NodeCompletedEvent completed) {
			run.finished(completed.nodeId(), completed.timestamp(), completed.duration(), "completed", null);
		}
		else if (event instanceof NodeFailedEvent failed) {
			run.finished(failed.nodeId(), failed.timestamp(), failed.duration(), "failed",
					new ReportedError(failed.errorType(), failed.errorMessage()));
		}
	}

	private void end(GraphExecutionEvent event, String outcome, @Nullable ReportedError error) {
		Run run = this.runs.remove(event.executionId());
		if (run != null) {
			run.end(outcome, error);
		}
	}

	private static String nodeId(GraphExecutionEvent event) {
		return Objects.requireNonNull(event.nodeId(), "nodeId");
	}

	private static void stop(Observation observation, String outcome, @Nullable Throwable error) {
		observation.lowCardinalityKeyValue("outcome", outcome);
		if (error != null) {
			observation.error(error);
		}
		observation.stop();
	}

	/**
	 * Observations still open, for tests and diagnostics.
	 * @return open execution plus node observations
	 */
	public int openObservations() {
		int open = 0;
		for (Run run : this.runs.values()) {
			open += run.openObservations();
		}
		return open;
	}

	/**
	 * The observations of one execution. Its events arrive one at a time (the execution's
	 * sequencer publishes them in order); the methods are synchronized only so that
	 * {@link #openObservations()} reads a consistent state.
	 */
	private final class Run {

		private final @Nullable Observation execution;

		private final Map<String, NodeAttempts> nodes = new HashMap<>();

		Run(@Nullable Observation execution) {
			this.execution = execution;
		}

		synchronized void entered(String nodeId) {
			this.nodes.computeIfAbsent(nodeId, (id) -> new NodeAttempts()).announced++;
		}

		synchronized void started(GraphExecutionEvent event) {
			String nodeId = nodeId(event);
			NodeAttempts node = this.nodes.computeIfAbsent(nodeId, (id) -> new NodeAttempts());
			if (node.announced > 0) {
				node.announced--;
			}
			else if (!node.open.isEmpty()) {
				stop(node.open.removeFirst().observation, "failed", UNREPORTED_RETRY);
			}
			ObservationRegistry registry = GraphStreamingObservations.this.registry;
			Observation attempt = Observation.createNotStarted(NODE_OBSERVATION, registry)
				.contextualName("node " + nodeId)
				.parentObservation(this.execution)
				.lowCardinalityKeyValue("graph", event.graphId())
				.lowCardinalityKeyValue("node", nodeId)
				.highCardinalityKeyValue("execution.id", event.executionId())
				.start();
			node.open.addLast(new Attempt(attempt, event.timestamp()));
		}

		synchronized void retried(String nodeId, ReportedError error) {
			NodeAttempts node = this.nodes.get(nodeId);
			if (node != null && !node.open.isEmpty()) {
				// with the same node running in two branches the failed one is not known: the oldest
				stop(node.open.removeFirst().observation, "failed", error);
				forgetIfIdle(nodeId, node);
			}
		}

		synchronized void finished(String nodeId, Instant at, Duration duration, String outcome,
				@Nullable ReportedError error) {
			NodeAttempts node = this.nodes.get(nodeId);
			if (node != null && !node.open.isEmpty()) {
				stop(node.take(at.minus(duration)).observation, outcome, error);
				forgetIfIdle(nodeId, node);
			}
		}

		private void forgetIfIdle(String nodeId, NodeAttempts node) {
			if (node.open.isEmpty() && node.announced == 0) {
				this.nodes.remove(nodeId);
			}
		}

		synchronized void end(String outcome, @Nullable ReportedError error) {
			for (NodeAttempts node : this.nodes.values()) {
				for (Attempt attempt : node.open) {
					stop(attempt.observation, "cancelled", null);
				}
			}
			this.nodes.clear();
			if (this.execution != null) {
				stop(this.execution, outcome, error);
			}
		}

		synchronized int openObservations() {
			int open = (this.execution != null) ? 1 : 0;
			for (NodeAttempts node : this.nodes.values()) {
				open += node.open.size();
			}
			return open;
		}

	}

	/**
	 * The open attempts of one node in one execution (more than one only while parallel
	 * branches run it at once) and the runs {@code NodeEntered} announced that have not
	 * started yet.
	 */
	private static final class NodeAttempts {

		private final ArrayDeque<Attempt> open = new ArrayDeque<>(2);

		private int announced;

		/**
		 * Removes the open attempt that started nearest to {@code start}.
		 */
		Attempt take(Instant start) {
			if (this.open.size() == 1) {
				return this.open.removeFirst();
			}
			Attempt nearest = this.open.getFirst();
			long best = Long.MAX_VALUE;
			for (Attempt attempt : this.open) {
				long distance = Math.abs(Duration.between(attempt.started, start).toNanos());
				if (distance < best) {
					best = distance;
					nearest = attempt;
				}
			}
			this.open.remove(nearest);
			return nearest;
		}

	}

	/**
	 * One node attempt's observation and when its {@code NodeStarted} says it started.
	 */
	private record Attempt(Observation observation, Instant started) {
	}

}
