package io.graphstreaming.core.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.options.OverflowPolicy;

/**
 * The core's own metrics: counters and duration histograms kept in memory, per meter
 * name and graph, for applications without a metrics library. It is the listener of
 * options that enable metrics without setting one ({@link #shared()}); the Spring Boot
 * starter replaces it with its Micrometer meters when Micrometer is present.
 *
 * <p>What it keeps, the reference guide's metrics and the rest of the listener's calls:
 * <ul>
 * <li>{@link #events}: events emitted, by type;</li>
 * <li>{@link #nodeDurations}: how long node functions ran, per node (from
 * {@code NodeCompleted} events, so only when the options emit them);</li>
 * <li>{@link #executionDurations}: how long executions ran, whatever their end;</li>
 * <li>{@link #pauses}: how long executions waited for slow consumers under
 * {@code block};</li>
 * <li>{@link #droppedEvents}: events consumers lost under a drop policy;</li>
 * <li>{@link #maxConsumerLag}: the most events a consumer has been behind.</li>
 * </ul>
 * Reads never create anything: an unknown graph or node reads as 0 or
 * {@link DurationHistogram#empty()}. Recording is lock-free (one map lookup and an
 * adder per event); a read is a snapshot of each value, not of all of them at once.
 * Graphs and nodes are few and fixed, so memory stays bounded; execution ids are never
 * keys.
 */
public final class InMemoryStreamingMetrics implements StreamingMetricsListener {

	private static final InMemoryStreamingMetrics SHARED = new InMemoryStreamingMetrics();

	private final Map<String, Map<String, GraphMeters>> meters = new ConcurrentHashMap<>();

	/**
	 * Creates empty metrics, for an application that wants its own instance (pass it to
	 * {@code withMetricsListener}).
	 */
	public InMemoryStreamingMetrics() {
	}

	/**
	 * The JVM-wide instance that options enabling metrics record to unless they set a
	 * listener of their own.
	 * @return the shared metrics
	 */
	public static InMemoryStreamingMetrics shared() {
		return SHARED;
	}

	@Override
	public void onEvent(String meterName, GraphExecutionEvent event) {
		GraphMeters graph = graph(meterName, event.graphId());
		graph.events[event.eventType().ordinal()].increment();
		if (event instanceof NodeCompletedEvent completed) {
			DurationRecorder node = graph.nodes.get(completed.nodeId());
			if (node == null) {
				node = graph.nodes.computeIfAbsent(completed.nodeId(), (id) -> new DurationRecorder());
			}
			node.record(completed.duration());
		}
		else if (event instanceof ExecutionCompletedEvent completed) {
			graph.executions.record(completed.duration());
		}
		else if (event instanceof ExecutionFailedEvent failed) {
			graph.executions.record(failed.duration());
		}
		else if (event instanceof ExecutionCancelledEvent cancelled) {
			graph.executions.record(cancelled.duration());
		}
	}

	@Override
	public void onExecutionPaused(String meterName, String graphId, Duration paused) {
		graph(meterName, graphId).pauses.record(paused);
	}

	@Override
	public void onEventsDropped(String meterName, String graphId, OverflowPolicy policy, long count) {
		graph(meterName, graphId).dropped[policy.ordinal()].add(count);
	}

	@Override
	public void onConsumerLag(String meterName, String graphId, long lag) {
		graph(meterName, graphId).maxLag.accumulate(lag);
	}

	/**
	 * Events a graph's executions emitted of one type.
	 * @param meterName the options' meter name
	 * @param graphId the graph
	 * @param type the event type
	 * @return the count
	 */
	public long events(String meterName, String graphId, GraphExecutionEventType type) {
		Objects.requireNonNull(type, "type");
		GraphMeters graph = find(meterName, graphId);
		return (graph != null) ? graph.events[type.ordinal()].sum() : 0;
	}

	/**
	 * Events a graph's executions emitted, of every type.
	 * @param meterName the options' meter name
	 * @param graphId the graph
	 * @return the count
	 */
	public long events(String meterName, String graphId) {
		long total = 0;
		for (GraphExecutionEventType type : GraphExecutionEventType.values()) {
			total += events(meterName, graphId, type);
		}
		return total;
	}

	/**
	 * How long a node's function ran, over its completed invocations.
	 * @param meterName the options' meter name
	 * @param graphId the graph
	 * @param nodeId the node
	 * @return the histogram
	 */
	public DurationHistogram nodeDurations(String meterName, String graphId, String nodeId) {
		Objects.requireNonNull(nodeId, "nodeId");
		GraphMeters graph = find(meterName, graphId);
		DurationRecorder recorder = (graph != null) ? graph.nodes.get(nodeId) : null;
		return (recorder != null) ? recorder.snapshot() : DurationHistogram.empty();
	}

	/**
	 * How long a graph's executions ran, completed, failed or cancelled.
	 * @param meterName the options' meter name
	 * @param graphId the graph
	 * @return the histogram
	 */
	public DurationHistogram executionDurations(String meterName, String graphId) {
		GraphMeters graph = find(meterName, graphId);
		return (graph != null) ? graph.executions.snapshot() : DurationHistogram.empty();
	}

	/**
	 * How long a graph's executions waited for slow consumers under the {@code block}
	 * policy, one duration per pause.
	 * @param meterName the options' meter name
	 * @param graphId the graph
	 * @return the histogram
	 */
	public DurationHistogram pauses(String meterName, String graphId) {
		GraphMeters graph = find(meterName, graphId);
		return (graph != null) ? graph.pauses.snapshot() : DurationHistogram.empty();
	}

	/**
	 * Events consumers of a graph's executions lost under a drop policy.
	 * @param meterName the options' meter name
	 * @param graphId the graph
	 * @param policy the policy that dropped them
	 * @return the count
	 */
	public long droppedEvents(String meterName, String graphId, OverflowPolicy policy) {
		Objects.requireNonNull(policy, "policy");
		GraphMeters graph = find(meterName, graphId);
		return (graph != null) ? graph.dropped[policy.ordinal()].sum() : 0;
	}

	/**
	 * The most events a consumer of a graph's executions has been behind.
	 * @param meterName the options' meter name
	 * @param graphId the graph
	 * @return the high-water mark, 0 when none was reported
	 */
	public long maxConsumerLag(String meterName, String graphId) {
		GraphMeters graph = find(meterName, graphId);
		return (graph != null) ? graph.maxLag.get() : 0;
	}

	/**
	 * The graphs something was recorded for under a meter name.
	 * @param meterName the options' meter name
	 * @return an unmodifiable snapshot of the graph ids
	 */
	public Set<String> graphIds(String meterName) {
		Map<String, GraphMeters> graphs = this.meters.get(Objects.requireNonNull(meterName, "meterName"));
		return (graphs != null) ? Set.copyOf(graphs.keySet()) : Set.of();
	}

	private GraphMeters graph(String meterName, String graphId) {
		// get before computeIfAbsent: the hot path finds both maps and takes no lock
		Map<String, GraphMeters> graphs = this.meters.get(meterName);
		if (graphs == null) {
			graphs = this.meters.computeIfAbsent(meterName, (name) -> new ConcurrentHashMap<>());
		}
		GraphMeters graph = graphs.get(graphId);
		return (graph != null) ? graph : graphs.computeIfAbsent(graphId, (id) -> new GraphMeters());
	}

	private @Nullable GraphMeters find(String meterName, String graphId) {
		Objects.requireNonNull(meterName, "meterName");
		Objects.requireNonNull(graphId, "graphId");
		Map<String, GraphMeters> graphs = this.meters.get(meterName);
		return (graphs != null) ? graphs.get(graphId) : null;
	}

	/**
	 * The meters of one graph under one meter name.
	 */
	private static final class GraphMeters {

		final LongAdder[] events = adders(GraphExecutionEventType.values().length);

		final Map<String, DurationRecorder> nodes = new ConcurrentHashMap<>();

		final DurationRecorder executions = new DurationRecorder();

		final DurationRecorder pauses = new DurationRecorder();

		final LongAdder[] dropped = adders(OverflowPolicy.values().length);

		final LongAccumulator maxLag = new LongAccumulator(Math::max, 0);

		private static LongAdder[] adders(int count) {
			LongAdder[] adders = new LongAdder[count];
			for (int i = 0; i < count; i++) {
				adders[i] = new LongAdder();
			}
			return adders;
		}

	}

}
