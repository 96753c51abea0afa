package io.graphstreaming.spring.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.event.NodeFailedEvent;
import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.metrics.StreamingMetricsListener;
import io.graphstreaming.core.options.OverflowPolicy;

/**
 * Graph streaming's Micrometer meters. As a {@link StreamingMetricsListener} it counts
 * events, executions and their durations as they happen; as a {@link MeterBinder} it
 * registers gauges over live state (active executions per graph, open streams per
 * transport, journal size in events and in bytes, in memory and on disk). With the
 * default meter name {@code graph.streaming} the Prometheus names are
 * {@code graph_streaming_events_total{graph,event_type}},
 * {@code graph_streaming_executions_total{graph,outcome}},
 * {@code graph_streaming_node_duration_seconds} (histogram, tags graph, node, outcome),
 * {@code graph_streaming_execution_duration_seconds},
 * {@code graph_streaming_executions_active{graph}},
 * {@code graph_streaming_streams_active{transport}}, {@code graph_streaming_journal_events},
 * {@code graph_streaming_journal_bytes{location}} and the backpressure, heartbeat, resume,
 * disconnect and compression meters listed in the README
 * ({@code graph_streaming_compression_bytes_in_total{algorithm}},
 * {@code graph_streaming_compression_bytes_out_total{algorithm}},
 * {@code graph_streaming_compression_events_total{algorithm,outcome}}).
 *
 * <p>Only low-cardinality tags: graph id, node id, event type, outcome, transport,
 * policy, algorithm, location; never an execution id. Meters are looked up once per
 * (graph, kind) and cached, so recording an event costs a map lookup and an increment.
 */
public class GraphStreamingMetrics implements StreamingMetricsListener, TransportMetrics, MeterBinder {

	private static final List<String> TRANSPORTS = List.of("sse", "websocket", "polling");

	private static final String JOURNAL_BYTES_DESCRIPTION = "Bytes held by the journals of all registered "
			+ "executions: serialized events cached in memory, or memory-mapped segment files on disk";

	private final ExecutionRegistry executions;

	private final Supplier<? extends Iterable<String>> graphIds;

	private final @Nullable ToDoubleFunction<String> openStreams;

	private final String defaultMeterName;

	private final Duration @Nullable [] serviceLevelObjectives;

	private volatile MeterRegistry registry = Metrics.globalRegistry;

	private final Map<String, Map<String, GraphMeters>> meters = new ConcurrentHashMap<>();

	private final Map<String, Counter> transportCounters = new ConcurrentHashMap<>();

	private final Map<String, CompressionMeters> compressionMeters = new ConcurrentHashMap<>();

	/**
	 * Creates the meters' owner.
	 * @param executions the execution registry, read by the gauges
	 * @param graphIds the graphs to register per-graph gauges for, read when bound (lazily,
	 * because the graph registry itself needs this listener)
	 * @param openStreams open streams of a transport, or {@code null} when no web
	 * transport runs
	 * @param meterName the prefix of every meter, for example {@code graph.streaming}
	 * @param serviceLevelObjectives histogram buckets of the node and execution duration
	 * timers, or {@code null} for Micrometer's default percentile histogram
	 */
	public GraphStreamingMetrics(ExecutionRegistry executions, Supplier<? extends Iterable<String>> graphIds,
			@Nullable ToDoubleFunction<String> openStreams, String meterName,
			Duration @Nullable [] serviceLevelObjectives) {
		this.executions = Objects.requireNonNull(executions, "executions");
		this.graphIds = Objects.requireNonNull(graphIds, "graphIds");
		this.openStreams = openStreams;
		this.defaultMeterName = Objects.requireNonNull(meterName, "meterName");
		this.serviceLevelObjectives = serviceLevelObjectives;
	}

	@Override
	public void bindTo(MeterRegistry meterRegistry) {
		this.registry = meterRegistry;
		this.meters.clear();
		this.transportCounters.clear();
		this.compressionMeters.clear();
		String prefix = this.defaultMeterName;
		for (String graphId : this.graphIds.get()) {
			Gauge.builder(prefix + ".executions.active", this.executions, (registry) -> countActive(registry, graphId))
				.description("Executions of the graph that have not ended")
				.tag("graph", graphId)
				.register(meterRegistry);
		}
		ToDoubleFunction<String> streams = this.openStreams;
		if (streams != null) {
			for (String transport : TRANSPORTS) {
				Gauge.builder(prefix + ".streams.active", () -> streams.applyAsDouble(transport))
					.description("Streams open now, by transport")
					.tag("transport", transport)
					.register(meterRegistry);
			}
		}
		Gauge.builder(prefix + ".streams.active", this.executions, this::inProcessConsumers)
			.description("Streams open now, by transport")
			.tag("transport", "in-process")
			.register(meterRegistry);
		Gauge.builder(prefix + ".journal.events", this.executions, GraphStreamingMetrics::journalEvents)
			.description("Events held by the journals of all registered executions")
			.register(meterRegistry);
		Gauge.builder(prefix + ".journal.bytes", this.executions, GraphStreamingMetrics::journalMemoryBytes)
			.description(JOURNAL_BYTES_DESCRIPTION)
			.tag("location", "memory")
			.register(meterRegistry);
		Gauge.builder(prefix + ".journal.bytes", this.executions, GraphStreamingMetrics::journalDiskBytes)
			.description(JOURNAL_BYTES_DESCRIPTION)
			.tag("location", "disk")
			.register(meterRegistry);
		Gauge.builder(prefix + ".journal.executions", this.executions, (registry) -> registry.executions().size())
			.description("Executions whose journals are kept (running or within retention)")
			.register(meterRegistry);
	}

	private static double countActive(ExecutionRegistry registry, String graphId) {
		long count = 0;
		for (GraphExecution execution : registry.executions()) {
			// runs of this instance only: with shared executions every instance also holds
			// replicas of the others' runs, which their owners count
			if (execution.graphId().equals(graphId) && !execution.status().isFinished() && execution.runsHere()) {
				count++;
			}
		}
		return count;
	}

	private double inProcessConsumers(ExecutionRegistry registry) {
		long cursors = 0;
		for (GraphExecution execution : registry.executions()) {
			cursors += execution.consumerCount();
		}
		ToDoubleFunction<String> streams = this.openStreams;
		double transports = (streams != null)
				? streams.applyAsDouble("sse") + streams.applyAsDouble("websocket") : 0;
		return Math.max(0, cursors - transports);
	}

	private static double journalEvents(ExecutionRegistry registry) {
		long events = 0;
		for (GraphExecution execution : registry.executions()) {
			events += Math.max(0, execution.journal().head() - execution.journal().firstRetained() + 1);
		}
		return events;
	}

	/**
	 * Bytes of the serialized events (and their compressed forms) cached on the entries the
	 * registered executions' journals hold in memory: each journal's a running count kept
	 * as entries are serialized and leave memory (trimmed, spilled), so a scrape walks the
	 * executions, not their events.
	 */
	private static double journalMemoryBytes(ExecutionRegistry registry) {
		long bytes = 0;
		for (GraphExecution execution : registry.executions()) {
			bytes += execution.journal().memoryBytes();
		}
		return bytes;
	}

	/**
	 * Bytes of the segment files the registered executions' journals hold: whole segments,
	 * as reserved against the memory-mapped budgets, each journal's a running count kept as
	 * segments are created and released (by retention, by eviction).
	 */
	private static double journalDiskBytes(ExecutionRegistry registry) {
		long bytes = 0;
		for (GraphExecution execution : registry.executions()) {
			bytes += execution.journal().spilledBytes();
		}
		return bytes;
	}

	@Override
	public void onEvent(String meterName, GraphExecutionEvent event) {
		GraphMeters graph = graphMeters(meterName, event.graphId());
		graph.events(event.eventType()).increment();
		switch (event.eventType()) {
			case NODE_COMPLETED -> {
				NodeCompletedEvent completed = (NodeCompletedEvent) event;
				graph.node(completed.nodeId(), "completed").record(completed.duration());
			}
			case NODE_FAILED -> {
				NodeFailedEvent failed = (NodeFailedEvent) event;
				graph.node(failed.nodeId(), "failed").record(failed.duration());
			}
			case EXECUTION_COMPLETED -> graph.executionEnded(0, ((ExecutionCompletedEvent) event).duration());
			case EXECUTION_FAILED -> graph.executionEnded(1, ((ExecutionFailedEvent) event).duration());
			case EXECUTION_CANCELLED -> graph.executionEnded(2, ((ExecutionCancelledEvent) event).duration());
			default -> {
			}
		}
	}

	@Override
	public void onExecutionPaused(String meterName, String graphId, Duration paused) {
		graphMeters(meterName, graphId).paused.record(paused);
	}

	@Override
	public void onEventsDropped(String meterName, String graphId, OverflowPolicy policy, long count) {
		graphMeters(meterName, graphId).dropped(policy).increment(count);
	}

	@Override
	public void onConsumerLag(String meterName, String graphId, long lag) {
		graphMeters(meterName, graphId).lagHighWaterMark.accumulateAndGet(lag, Math::max);
	}

	@Override
	public void heartbeatSent(String transport) {
		transportCounter("heartbeats", transport, "Heartbeats sent to idle consumers").increment();
	}

	@Override
	public void resumeServed(String transport) {
		transportCounter("resumes", transport, "Consumers that resumed an execution after a sequence").increment();
	}

	@Override
	public void consumerDisconnected(String transport) {
		transportCounter("consumers.disconnected", transport,
				"Consumers that went away before their execution's terminal event")
			.increment();
	}

	@Override
	public void eventCompressed(String algorithm, long bytesIn, long bytesOut) {
		compressionMeters(algorithm).compressed(bytesIn, bytesOut);
	}

	@Override
	public void eventCompressionSkipped(String algorithm) {
		compressionMeters(algorithm).skipped.increment();
	}

	private CompressionMeters compressionMeters(String algorithm) {
		CompressionMeters meters = this.compressionMeters.get(algorithm);
		if (meters == null) {
			meters = this.compressionMeters.computeIfAbsent(algorithm, CompressionMeters::new);
		}
		return meters;
	}

	private Counter transportCounter(String name, String transport, String description) {
		return this.transportCounters.computeIfAbsent(name + '/' + transport,
				(key) -> Counter.builder(this.defaultMeterName + "." + name)
					.description(description)
					.tag("transport", transport)
					.register(this.registry));
	}

	private GraphMeters graphMeters(String meterName, String graphId) {
		Map<String, GraphMeters> byGraph = this.meters.get(meterName);
		if (byGraph == null) {
			byGraph = this.meters.computeIfAbsent(meterName, (name) -> new ConcurrentHashMap<>());
		}
		GraphMeters graph = byGraph.get(graphId);
		if (graph == null) {
			graph = byGraph.computeIfAbsent(graphId, (id) -> new GraphMeters(meterName, id));
		}
		return graph;
	}

	/**
	 * The event compression meters of one algorithm, created on first use. The byte
	 * counters carry the unit in their names ({@code graph_streaming_compression_bytes_in_total});
	 * a Micrometer base unit would make Prometheus append it a second time.
	 */
	private final class CompressionMeters {

		private final Counter bytesIn;

		private final Counter bytesOut;

		private final Counter compressed;

		private final Counter skipped;

		CompressionMeters(String algorithm) {
			String prefix = GraphStreamingMetrics.this.defaultMeterName + ".compression";
			MeterRegistry registry = GraphStreamingMetrics.this.registry;
			this.bytesIn = Counter.builder(prefix + ".bytes.in")
				.description("Bytes of compressed events before compression, by algorithm")
				.tag("algorithm", algorithm)
				.register(registry);
			this.bytesOut = Counter.builder(prefix + ".bytes.out")
				.description("Bytes of compressed events after compression, by algorithm")
				.tag("algorithm", algorithm)
				.register(registry);
			this.compressed = events(prefix, algorithm, "compressed", registry);
			this.skipped = events(prefix, algorithm, "skipped", registry);
		}

		private static Counter events(String prefix, String algorithm, String outcome, MeterRegistry registry) {
			return Counter.builder(prefix + ".events")
				.description("Events sent to consumers that asked for compression, by algorithm and outcome "
						+ "(compressed, or skipped below the threshold)")
				.tags("algorithm", algorithm, "outcome", outcome)
				.register(registry);
		}

		void compressed(long in, long out) {
			this.compressed.increment();
			this.bytesIn.increment(in);
			this.bytesOut.increment(out);
		}

	}

	/**
	 * The meters of one graph under one meter name, created on first use.
	 */
	private final class GraphMeters {

		private static final String[] OUTCOMES = { "completed", "failed", "cancelled" };

		private final String prefix;

		private final String graphId;

		private final Counter[] events = new Counter[GraphExecutionEventType.values().length];

		private final Counter[] executionOutcomes = new Counter[OUTCOMES.length];

		private final Timer[] executionDurations = new Timer[OUTCOMES.length];

		private final Map<String, Timer> nodeTimers = new ConcurrentHashMap<>();

		private final Counter[] dropped = new Counter[OverflowPolicy.values().length];

		private final Timer paused;

		private final AtomicLong lagHighWaterMark = new AtomicLong();

		GraphMeters(String prefix, String graphId) {
			this.prefix = prefix;
			this.graphId = graphId;
			MeterRegistry registry = GraphStreamingMetrics.this.registry;
			for (int i = 0; i < OUTCOMES.length; i++) {
				this.executionOutcomes[i] = Counter.builder(prefix + ".executions")
					.description("Executions that ended, by outcome")
					.tags("graph", graphId, "outcome", OUTCOMES[i])
					.register(registry);
				this.executionDurations[i] = timer(prefix + ".execution.duration", "How long executions ran",
						Tags.of("graph", graphId, "outcome", OUTCOMES[i]));
			}
			this.paused = Timer.builder(prefix + ".backpressure.paused")
				.description("Time executions spent paused by slow consumers (block policy)")
				.tag("graph", graphId)
				.register(registry);
			Gauge.builder(prefix + ".consumer.lag.max", this.lagHighWaterMark, AtomicLong::get)
				.description("Largest number of events a consumer of the graph has been behind")
				.tag("graph", graphId)
				.register(registry);
		}

		Counter events(GraphExecutionEventType type) {
			Counter counter = this.events[type.ordinal()];
			if (counter == null) {
				counter = Counter.builder(this.prefix + ".events")
					.description("Events emitted by executions")
					.tags("graph", this.graphId, "event_type", type.wireName())
					.register(GraphStreamingMetrics.this.registry);
				this.events[type.ordinal()] = counter;
			}
			return counter;
		}

		Timer node(String nodeId, String outcome) {
			String key = outcome.equals("completed") ? nodeId : nodeId + "\u0000" + outcome;
			Timer timer = this.nodeTimers.get(key);
			if (timer == null) {
				timer = this.nodeTimers.computeIfAbsent(key, (ignored) -> timer(this.prefix + ".node.duration",
						"How long node functions ran", Tags.of("graph", this.graphId, "node", nodeId, "outcome", outcome)));
			}
			return timer;
		}

		void executionEnded(int outcome, Duration duration) {
			this.executionOutcomes[outcome].increment();
			this.executionDurations[outcome].record(duration);
		}

		Counter dropped(OverflowPolicy policy) {
			Counter counter = this.dropped[policy.ordinal()];
			if (counter == null) {
				counter = Counter.builder(this.prefix + ".events.dropped")
					.description("Events consumers lost under a drop overflow policy")
					.tags("graph", this.graphId, "policy", policy.value())
					.register(GraphStreamingMetrics.this.registry);
				this.dropped[policy.ordinal()] = counter;
			}
			return counter;
		}

		private Timer timer(String name, String description, Tags tags) {
			Timer.Builder builder = Timer.builder(name).description(description).tags(tags);
			Duration[] buckets = GraphStreamingMetrics.this.serviceLevelObjectives;
			if (buckets != null && buckets.length > 0) {
				builder.serviceLevelObjectives(buckets);
			}
			else {
				builder.publishPercentileHistogram();
			}
			return builder.register(GraphStreamingMetrics.this.registry);
		}

	}

}
