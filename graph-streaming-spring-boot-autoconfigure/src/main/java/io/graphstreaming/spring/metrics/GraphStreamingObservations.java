package io.graphstreaming.spring.metrics;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.metrics.StreamingMetricsListener;

/**
 * Micrometer {@link Observation}s around each execution ({@code graph.streaming.execution})
 * and each node invocation ({@code graph.streaming.node}, a child of its execution's), so
 * that a tracer, when present, records a span per execution and per node. Low-cardinality
 * keys: {@code graph}, {@code node}, {@code outcome}; the execution id is a
 * high-cardinality key. Observations follow the events: they start at
 * {@code ExecutionStarted} / {@code NodeStarted} and stop at the matching completion,
 * failure or cancellation, so nodes running in parallel each get their own.
 */
public class GraphStreamingObservations implements StreamingMetricsListener {

	/** Name of the execution observation. */
	public static final String EXECUTION_OBSERVATION = "graph.streaming.execution";

	/** Name of the node observation. */
	public static final String NODE_OBSERVATION = "graph.streaming.node";

	private final ObservationRegistry registry;

	private final Map<String, Observation> executions = new ConcurrentHashMap<>();

	private final Map<String, Observation> nodes = new ConcurrentHashMap<>();

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
			case EXECUTION_STARTED -> this.executions.put(event.executionId(),
					Observation.createNotStarted(EXECUTION_OBSERVATION, this.registry)
						.contextualName("graph " + event.graphId())
						.lowCardinalityKeyValue("graph", event.graphId())
						.highCardinalityKeyValue("execution.id", event.executionId())
						.start());
			case NODE_STARTED -> {
				Observation node = Observation.createNotStarted(NODE_OBSERVATION, this.registry)
					.contextualName("node " + event.nodeId())
					.parentObservation(this.executions.get(event.executionId()))
					.lowCardinalityKeyValue("graph", event.graphId())
					.lowCardinalityKeyValue("node", Objects.requireNonNull(event.nodeId()))
					.highCardinalityKeyValue("execution.id", event.executionId())
					.start();
				this.nodes.put(nodeKey(event), node);
			}
			case NODE_COMPLETED -> stopNode(event, "completed");
			case NODE_FAILED -> stopNode(event, "failed");
			case EXECUTION_COMPLETED, EXECUTION_FAILED, EXECUTION_CANCELLED -> stopExecution(event);
			default -> {
			}
		}
	}

	private void stopNode(GraphExecutionEvent event, String outcome) {
		Observation node = this.nodes.remove(nodeKey(event));
		if (node != null) {
			node.lowCardinalityKeyValue("outcome", outcome).stop();
		}
	}

	private void stopExecution(GraphExecutionEvent event) {
		String outcome = switch (event.eventType()) {
			case EXECUTION_COMPLETED -> "completed";
			case EXECUTION_FAILED -> "failed";
			default -> "cancelled";
		};
		String prefix = event.executionId() + '\u0000';
		this.nodes.entrySet().removeIf((entry) -> {
			if (entry.getKey().startsWith(prefix)) {
				entry.getValue().lowCardinalityKeyValue("outcome", "cancelled").stop();
				return true;
			}
			return false;
		});
		Observation execution = this.executions.remove(event.executionId());
		if (execution != null) {
			execution.lowCardinalityKeyValue("outcome", outcome).stop();
		}
	}

	private static String nodeKey(GraphExecutionEvent event) {
		return event.executionId() + '\u0000' + event.nodeId();
	}

	/**
	 * Observations still open, for tests and diagnostics.
	 * @return open execution plus node observations
	 */
	public int openObservations() {
		return this.executions.size() + this.nodes.size();
	}

}
