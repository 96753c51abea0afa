package io.graphstreaming.spring.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.event.ConditionEvaluatedEvent;
import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.ExecutionStartedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.event.NodeFailedEvent;
import io.graphstreaming.core.event.NodeOutputChunkEvent;
import io.graphstreaming.core.event.NodeStartedEvent;
import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.journal.ConsumerSpec;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.spring.json.GraphEventJsonReader;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.json.JsonEventSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link GraphStreamingMetrics} against a {@link SimpleMeterRegistry}: every
 * meter's name and tags, exact counts after feeding events, and gauges that read the
 * live execution registry and stream counts.
 */
class GraphStreamingMetricsTests {

	private static final String PREFIX = "graph.streaming";

	private final SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();

	private final ExecutionRegistry executions = new ExecutionRegistry(10, Duration.ofMinutes(1), Clock.systemUTC());

	private final Map<String, Integer> openStreams = new ConcurrentHashMap<>();

	private final GraphStreamingMetrics metrics = metrics(this.meterRegistry, null);

	private final Events demo = new Events("demo", "exec-1");

	@AfterEach
	void cancelExecutions() {
		this.executions.cancelAll("test ended");
	}

	@Test
	void bindToShouldRegisterGaugesForEveryGraphAndTransport() {
		assertThat(ids()).containsExactlyInAnyOrder(
				"graph.streaming.executions.active{graph=demo}", "graph.streaming.executions.active{graph=slow}",
				"graph.streaming.streams.active{transport=sse}", "graph.streaming.streams.active{transport=websocket}",
				"graph.streaming.streams.active{transport=polling}",
				"graph.streaming.streams.active{transport=in-process}", "graph.streaming.journal.events{}",
				"graph.streaming.journal.bytes{location=memory}", "graph.streaming.journal.bytes{location=disk}",
				"graph.streaming.journal.executions{}");
		assertThat(this.meterRegistry.getMeters()).allSatisfy((meter) -> {
			assertThat(meter.getId().getType()).isEqualTo(Meter.Type.GAUGE);
			assertThat(meter.getId().getDescription()).isNotBlank();
		});
	}

	@Test
	void bindToWithoutStreamCountsShouldRegisterOnlyTheInProcessStreamGauge() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new GraphStreamingMetrics(this.executions, () -> List.of("demo"), null, PREFIX, null).bindTo(registry);
		assertThat(registry.find("graph.streaming.streams.active").gauges()).singleElement()
			.satisfies((gauge) -> assertThat(gauge.getId().getTag("transport")).isEqualTo("in-process"));
	}

	@Test
	void onEventShouldCountEventsByGraphAndEventType() {
		feed(this.demo.started(), this.demo.nodeStarted("a"), this.demo.nodeCompleted("a", 10),
				this.demo.nodeStarted("b"), this.demo.chunk("b"), this.demo.chunk("b"), this.demo.chunk("b"),
				this.demo.nodeCompleted("b", 20), this.demo.condition("b"), this.demo.completed(100));
		Events other = new Events("other", "exec-2");
		feed(other.started(), other.nodeStarted("a"));
		assertThat(events("demo", "ExecutionStarted")).isEqualTo(1);
		assertThat(events("demo", "NodeStarted")).isEqualTo(2);
		assertThat(events("demo", "NodeOutputChunk")).isEqualTo(3);
		assertThat(events("demo", "NodeCompleted")).isEqualTo(2);
		assertThat(events("demo", "ConditionEvaluated")).isEqualTo(1);
		assertThat(events("demo", "ExecutionCompleted")).isEqualTo(1);
		assertThat(events("other", "ExecutionStarted")).isEqualTo(1);
		assertThat(events("other", "NodeStarted")).isEqualTo(1);
		assertThat(this.meterRegistry.find("graph.streaming.events").tag("graph", "demo").counters()).hasSize(6);
		assertThat(this.meterRegistry.find("graph.streaming.events").tag("event_type", "NodeFailed").counters())
			.isEmpty();
	}

	@Test
	void onEventShouldCountExecutionsByOutcomeAndRegisterEveryOutcomeAtOnce() {
		feed(this.demo.started());
		assertThat(this.meterRegistry.find("graph.streaming.executions").tag("graph", "demo").counters())
			.extracting((counter) -> counter.getId().getTag("outcome"))
			.containsExactlyInAnyOrder("completed", "failed", "cancelled");
		assertThat(executionsEnded("demo", "completed")).isZero();
		feed(this.demo.completed(100));
		feed(new Events("demo", "exec-2").completed(300));
		feed(new Events("demo", "exec-3").failed(50, "b"));
		feed(new Events("demo", "exec-4").cancelled(70, "a"));
		assertThat(executionsEnded("demo", "completed")).isEqualTo(2);
		assertThat(executionsEnded("demo", "failed")).isEqualTo(1);
		assertThat(executionsEnded("demo", "cancelled")).isEqualTo(1);
	}

	@Test
	void onEventShouldTimeExecutionsByOutcome() {
		feed(this.demo.completed(100), new Events("demo", "exec-2").completed(300),
				new Events("demo", "exec-3").failed(50, "b"), new Events("demo", "exec-4").cancelled(70, null));
		assertTimer(timer("graph.streaming.execution.duration", "graph", "demo", "outcome", "completed"), 2, 400);
		assertTimer(timer("graph.streaming.execution.duration", "graph", "demo", "outcome", "failed"), 1, 50);
		assertTimer(timer("graph.streaming.execution.duration", "graph", "demo", "outcome", "cancelled"), 1, 70);
	}

	@Test
	void onEventShouldTimeNodesByGraphNodeAndOutcome() {
		feed(this.demo.nodeCompleted("a", 10), this.demo.nodeCompleted("a", 30), this.demo.nodeCompleted("b", 5),
				this.demo.nodeFailed("b", 7), new Events("other", "exec-2").nodeCompleted("a", 1000));
		assertTimer(timer("graph.streaming.node.duration", "graph", "demo", "node", "a", "outcome", "completed"), 2,
				40);
		assertTimer(timer("graph.streaming.node.duration", "graph", "demo", "node", "b", "outcome", "completed"), 1,
				5);
		assertTimer(timer("graph.streaming.node.duration", "graph", "demo", "node", "b", "outcome", "failed"), 1, 7);
		assertTimer(timer("graph.streaming.node.duration", "graph", "other", "node", "a", "outcome", "completed"), 1,
				1000);
		assertThat(this.meterRegistry.find("graph.streaming.node.duration").timers()).hasSize(4);
		assertThat(this.meterRegistry.find("graph.streaming.node.duration").tag("node", "a").tag("outcome", "failed")
			.timers()).isEmpty();
	}

	@Test
	void onEventsDroppedShouldCountByGraphAndPolicy() {
		this.metrics.onEventsDropped(PREFIX, "demo", OverflowPolicy.DROP_OLDEST, 3);
		this.metrics.onEventsDropped(PREFIX, "demo", OverflowPolicy.DROP_OLDEST, 4);
		this.metrics.onEventsDropped(PREFIX, "demo", OverflowPolicy.DROP_NEWEST, 1);
		assertThat(counter("graph.streaming.events.dropped", "graph", "demo", "policy", "drop-oldest")).isEqualTo(7);
		assertThat(counter("graph.streaming.events.dropped", "graph", "demo", "policy", "drop-newest")).isEqualTo(1);
		assertThat(this.meterRegistry.find("graph.streaming.events.dropped").counters()).hasSize(2);
	}

	@Test
	void onExecutionPausedShouldTimePausesByGraph() {
		this.metrics.onExecutionPaused(PREFIX, "demo", Duration.ofMillis(250));
		this.metrics.onExecutionPaused(PREFIX, "demo", Duration.ofMillis(50));
		assertTimer(timer("graph.streaming.backpressure.paused", "graph", "demo"), 2, 300);
	}

	@Test
	void onConsumerLagShouldKeepTheHighWaterMarkPerGraph() {
		this.metrics.onConsumerLag(PREFIX, "demo", 5);
		this.metrics.onConsumerLag(PREFIX, "demo", 3);
		assertThat(gauge("graph.streaming.consumer.lag.max", "graph", "demo")).isEqualTo(5);
		this.metrics.onConsumerLag(PREFIX, "demo", 8);
		this.metrics.onConsumerLag(PREFIX, "other", 2);
		assertThat(gauge("graph.streaming.consumer.lag.max", "graph", "demo")).isEqualTo(8);
		assertThat(gauge("graph.streaming.consumer.lag.max", "graph", "other")).isEqualTo(2);
	}

	@Test
	void transportMethodsShouldCountByTransport() {
		this.metrics.heartbeatSent("sse");
		this.metrics.heartbeatSent("sse");
		this.metrics.heartbeatSent("websocket");
		this.metrics.resumeServed("websocket");
		this.metrics.resumeServed("sse");
		this.metrics.resumeServed("sse");
		this.metrics.resumeServed("sse");
		this.metrics.consumerDisconnected("polling");
		assertThat(counter("graph.streaming.heartbeats", "transport", "sse")).isEqualTo(2);
		assertThat(counter("graph.streaming.heartbeats", "transport", "websocket")).isEqualTo(1);
		assertThat(counter("graph.streaming.resumes", "transport", "sse")).isEqualTo(3);
		assertThat(counter("graph.streaming.resumes", "transport", "websocket")).isEqualTo(1);
		assertThat(counter("graph.streaming.consumers.disconnected", "transport", "polling")).isEqualTo(1);
		assertThat(this.meterRegistry.find("graph.streaming.consumers.disconnected").counters()).hasSize(1);
	}

	@Test
	void everyMeterShouldHaveADescriptionAndOnlyLowCardinalityTags() {
		feedAllKinds();
		Set<String> names = this.meterRegistry.getMeters()
			.stream()
			.map((meter) -> meter.getId().getName())
			.collect(Collectors.toSet());
		assertThat(names).containsExactlyInAnyOrder("graph.streaming.events", "graph.streaming.executions",
				"graph.streaming.node.duration", "graph.streaming.execution.duration",
				"graph.streaming.executions.active", "graph.streaming.streams.active", "graph.streaming.journal.events",
				"graph.streaming.journal.bytes", "graph.streaming.journal.executions",
				"graph.streaming.backpressure.paused", "graph.streaming.events.dropped",
				"graph.streaming.consumer.lag.max", "graph.streaming.heartbeats", "graph.streaming.resumes",
				"graph.streaming.consumers.disconnected");
		Set<String> tagKeys = this.meterRegistry.getMeters()
			.stream()
			.flatMap((meter) -> meter.getId().getTags().stream())
			.map(Tag::getKey)
			.collect(Collectors.toSet());
		assertThat(tagKeys).containsExactlyInAnyOrder("graph", "node", "event_type", "outcome", "transport", "policy",
				"location");
		assertThat(this.meterRegistry.getMeters()).allSatisfy((meter) -> {
			assertThat(meter.getId().getDescription()).as(meter.getId().toString()).isNotBlank();
			assertThat(meter.getId().getTags()).extracting(Tag::getValue).doesNotContain("exec-1", "exec-2");
		});
	}

	@Test
	void grafanaDashboardShouldQueryOnlySeriesTheseMetersExpose() throws IOException {
		String dashboard = Files.readString(Path.of("..", "docs", "grafana", "graph-streaming-dashboard.json"));
		PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		GraphStreamingMetrics metrics = metrics(prometheus, null);
		Events run = new Events("demo", "exec-9");
		metrics.onEvent(PREFIX, run.started());
		metrics.onEvent(PREFIX, run.nodeCompleted("a", 1));
		metrics.onEvent(PREFIX, run.completed(2));
		metrics.onEventsDropped(PREFIX, "demo", OverflowPolicy.DROP_OLDEST, 1);
		metrics.onExecutionPaused(PREFIX, "demo", Duration.ofMillis(1));
		metrics.heartbeatSent("sse");
		metrics.resumeServed("sse");
		metrics.consumerDisconnected("sse");
		Set<String> exposed = prometheus.scrape()
			.lines()
			.filter((line) -> !line.startsWith("#") && !line.isBlank())
			.map((line) -> line.split("[{ ]", 2)[0])
			.collect(Collectors.toSet());
		Matcher queried = Pattern.compile("graph_streaming_[a-z_]+").matcher(dashboard);
		Set<String> names = new TreeSet<>();
		while (queried.find()) {
			names.add(queried.group());
		}
		assertThat(names).contains("graph_streaming_executions_total", "graph_streaming_node_duration_seconds_bucket",
				"graph_streaming_streams_active", "graph_streaming_backpressure_paused_seconds_sum");
		assertThat(exposed).containsAll(names);
	}

	@Test
	void onEventShouldUseTheMeterNameOfTheEventsOptionsAsPrefix() {
		this.metrics.onEvent("flows", this.demo.started());
		this.metrics.onEvent("flows", this.demo.nodeCompleted("a", 10));
		this.metrics.onEventsDropped("flows", "demo", OverflowPolicy.DROP_NEWEST, 2);
		assertThat(this.meterRegistry.get("flows.events").tags("graph", "demo", "event_type", "ExecutionStarted")
			.counter()
			.count()).isEqualTo(1);
		assertThat(this.meterRegistry.get("flows.node.duration").tags("node", "a").timer().count()).isEqualTo(1);
		assertThat(this.meterRegistry.get("flows.events.dropped").counter().count()).isEqualTo(2);
		assertThat(this.meterRegistry.find("graph.streaming.events").counters()).isEmpty();
	}

	@Test
	void constructorMeterNameShouldPrefixGaugesAndTransportCounters() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		GraphStreamingMetrics custom = new GraphStreamingMetrics(this.executions, () -> List.of("demo"),
				streamCounts(), "flows", null);
		custom.bindTo(registry);
		custom.heartbeatSent("sse");
		assertThat(registry.getMeters()).extracting((meter) -> meter.getId().getName())
			.allMatch((name) -> name.startsWith("flows."))
			.contains("flows.executions.active", "flows.streams.active", "flows.journal.events",
					"flows.journal.bytes", "flows.journal.executions", "flows.heartbeats");
	}

	@Test
	void bindToAnotherRegistryShouldRecordThereFromThenOn() {
		feed(this.demo.started());
		SimpleMeterRegistry second = new SimpleMeterRegistry();
		this.metrics.bindTo(second);
		feed(this.demo.started());
		this.metrics.heartbeatSent("sse");
		assertThat(events("demo", "ExecutionStarted")).isEqualTo(1);
		assertThat(second.get("graph.streaming.events").tag("event_type", "ExecutionStarted").counter().count())
			.isEqualTo(1);
		assertThat(second.get("graph.streaming.heartbeats").counter().count()).isEqualTo(1);
		assertThat(second.find("graph.streaming.executions.active").gauges()).hasSize(2);
	}

	@Test
	void durationTimersShouldPublishPercentileHistogramByDefault() {
		PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		metrics(prometheus, null).onEvent(PREFIX, this.demo.nodeCompleted("a", 10));
		List<String> buckets = prometheus.scrape()
			.lines()
			.filter((line) -> line.startsWith("graph_streaming_node_duration_seconds_bucket{"))
			.toList();
		assertThat(buckets).hasSizeGreaterThan(20)
			.allSatisfy((line) -> assertThat(line).contains("graph=\"demo\"", "node=\"a\"", "outcome=\"completed\""));
	}

	@Test
	void prometheusShouldShowTheDocumentedNamesAndTypes() {
		PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		GraphStreamingMetrics metrics = metrics(prometheus, new Duration[] { Duration.ofMillis(100) });
		Events run = new Events("demo", "exec-9");
		for (GraphExecutionEvent event : List.of(run.started(), run.nodeStarted("a"), run.nodeCompleted("a", 10),
				run.completed(10))) {
			metrics.onEvent(PREFIX, event);
		}
		metrics.onEventsDropped(PREFIX, "demo", OverflowPolicy.DROP_OLDEST, 2);
		metrics.onExecutionPaused(PREFIX, "demo", Duration.ofMillis(5));
		metrics.onConsumerLag(PREFIX, "demo", 4);
		metrics.heartbeatSent("sse");
		metrics.resumeServed("websocket");
		metrics.consumerDisconnected("sse");
		String scrape = prometheus.scrape();
		assertThat(scrape).contains("# TYPE graph_streaming_events_total counter",
				"graph_streaming_events_total{event_type=\"ExecutionStarted\",graph=\"demo\"} 1.0",
				"# TYPE graph_streaming_executions_total counter",
				"graph_streaming_executions_total{graph=\"demo\",outcome=\"completed\"} 1.0",
				"graph_streaming_executions_total{graph=\"demo\",outcome=\"failed\"} 0.0",
				"# TYPE graph_streaming_node_duration_seconds histogram",
				"graph_streaming_node_duration_seconds_bucket{graph=\"demo\",node=\"a\",outcome=\"completed\",le=\"0.1\"} 1",
				"graph_streaming_node_duration_seconds_count{graph=\"demo\",node=\"a\",outcome=\"completed\"} 1",
				"graph_streaming_node_duration_seconds_sum{graph=\"demo\",node=\"a\",outcome=\"completed\"} 0.01",
				"# TYPE graph_streaming_execution_duration_seconds histogram",
				"graph_streaming_execution_duration_seconds_count{graph=\"demo\",outcome=\"completed\"} 1",
				"# TYPE graph_streaming_executions_active gauge", "graph_streaming_executions_active{graph=\"demo\"} 0.0",
				"# TYPE graph_streaming_streams_active gauge",
				"graph_streaming_streams_active{transport=\"in-process\"} 0.0",
				"graph_streaming_streams_active{transport=\"polling\"} 0.0",
				"graph_streaming_streams_active{transport=\"sse\"} 0.0",
				"graph_streaming_streams_active{transport=\"websocket\"} 0.0", "graph_streaming_journal_events 0.0",
				"# TYPE graph_streaming_journal_bytes gauge", "graph_streaming_journal_bytes{location=\"disk\"} 0.0",
				"graph_streaming_journal_bytes{location=\"memory\"} 0.0",
				"graph_streaming_journal_executions 0.0",
				"graph_streaming_backpressure_paused_seconds_count{graph=\"demo\"} 1",
				"graph_streaming_events_dropped_total{graph=\"demo\",policy=\"drop-oldest\"} 2.0",
				"graph_streaming_consumer_lag_max{graph=\"demo\"} 4.0",
				"graph_streaming_heartbeats_total{transport=\"sse\"} 1.0",
				"graph_streaming_resumes_total{transport=\"websocket\"} 1.0",
				"graph_streaming_consumers_disconnected_total{transport=\"sse\"} 1.0");
		assertThat(scrape.lines().filter((line) -> line.startsWith("# HELP graph_streaming_")))
			.allSatisfy((help) -> assertThat(help.split(" ", 4)).hasSize(4));
	}

	@Test
	void serviceLevelObjectivesShouldBeTheHistogramBucketsOfTheDurationTimers() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		GraphStreamingMetrics slo = metrics(registry,
				new Duration[] { Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(5) });
		slo.onEvent(PREFIX, this.demo.nodeCompleted("a", 10));
		slo.onEvent(PREFIX, this.demo.nodeCompleted("a", 100));
		slo.onEvent(PREFIX, this.demo.completed(2000));
		Timer node = registry.get("graph.streaming.node.duration").tags("node", "a", "outcome", "completed").timer();
		assertThat(buckets(node)).containsExactly(0.05, 0.5, 5.0);
		assertThat(node.takeSnapshot().histogramCounts()).extracting(CountAtBucket::count)
			.containsExactly(1.0, 2.0, 2.0);
		Timer execution = registry.get("graph.streaming.execution.duration").tag("outcome", "completed").timer();
		assertThat(buckets(execution)).containsExactly(0.05, 0.5, 5.0);
		assertThat(execution.takeSnapshot().histogramCounts()).extracting(CountAtBucket::count)
			.containsExactly(0.0, 0.0, 1.0);
	}

	@Test
	void executionsActiveGaugeShouldCountUnfinishedExecutionsOfItsGraphLive() {
		StreamingGraphExecutor slow = slowGraph();
		assertThat(gauge("graph.streaming.executions.active", "graph", "slow")).isZero();
		GraphExecution first = this.executions.create(slow, Map.of(), options()).start();
		GraphExecution second = this.executions.create(slow, Map.of(), options()).start();
		assertThat(gauge("graph.streaming.executions.active", "graph", "slow")).isEqualTo(2);
		assertThat(gauge("graph.streaming.executions.active", "graph", "demo")).isZero();
		first.cancel("test");
		assertThat(first.status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertThat(gauge("graph.streaming.executions.active", "graph", "slow")).isEqualTo(1);
		second.cancel("test");
		assertThat(gauge("graph.streaming.executions.active", "graph", "slow")).isZero();
	}

	@Test
	void journalGaugesShouldReadTheRegisteredExecutionsLive() {
		assertThat(gauge("graph.streaming.journal.events")).isZero();
		assertThat(gauge("graph.streaming.journal.executions")).isZero();
		GraphExecution first = this.executions.create(slowGraph(), Map.of(), options()).start();
		GraphExecution second = this.executions.create(slowGraph(), Map.of(), options()).start();
		awaitNode(first);
		awaitNode(second);
		assertThat(gauge("graph.streaming.journal.executions")).isEqualTo(2);
		assertThat(gauge("graph.streaming.journal.events")).isEqualTo(first.eventCount() + second.eventCount())
			.isPositive();
		first.cancel("test");
		assertThat(gauge("graph.streaming.journal.events")).isEqualTo(first.eventCount() + second.eventCount());
		assertThat(gauge("graph.streaming.journal.executions")).isEqualTo(2);
	}

	@Test
	void journalMemoryBytesGaugeShouldCountSerializedEventsOfRegisteredExecutionsUntilTheyAreEvicted() {
		assertThat(gauge("graph.streaming.journal.bytes", "location", "memory")).isZero();
		GraphEventJsonWriter writer = new GraphEventJsonWriter(new JsonMapper());
		StreamingExecutionOptions options = options().configure().withJournalRetention(Duration.ZERO).build();
		GraphExecution execution = this.executions.create(twoNodeGraph(), Map.of(), options);
		// what the SSE transport does: each event's JSON, cached on its journal entry
		List<byte[]> sent = execution.entries(ConsumerSpec.of(options, 0, EventFilter.all()))
			.map((entry) -> entry.serialized(writer))
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(sent).hasSize((int) execution.journal().head());
		assertThat(gauge("graph.streaming.journal.bytes", "location", "memory"))
			.isEqualTo(sent.stream().mapToInt((json) -> json.length).sum())
			.isPositive();
		assertThat(gauge("graph.streaming.journal.bytes", "location", "disk")).isZero();
		// the consumer completes on the terminal event; the execution records its end and
		// lets the cursor go just after, on the run's thread
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.executions.evictExpired()).isEqualTo(1));
		assertThat(gauge("graph.streaming.journal.bytes", "location", "memory")).isZero();
	}

	@Test
	void journalBytesGaugeShouldCountSegmentBytesOfRegisteredExecutionsUntilTheyAreEvicted(@TempDir Path directory) {
		assertThat(gauge("graph.streaming.journal.bytes", "location", "disk")).isZero();
		JsonMapper mapper = new JsonMapper();
		StreamingExecutionOptions spilling = options().configure()
			.withJournalRetention(Duration.ZERO)
			.withMemoryMappedBuffers(true, 64 * 1024, directory)
			.withMemoryMappedLimits(1, 1024 * 1024, 1024 * 1024)
			.withEventSerializer(
					new JsonEventSerializer(new GraphEventJsonWriter(mapper), new GraphEventJsonReader(mapper)))
			.build();
		GraphExecution spilled = this.executions.create(twoNodeGraph(), Map.of(), spilling);
		spilled.stream().flux().blockLast(Duration.ofSeconds(10));
		// every event but the newest went to the one 64 KiB segment, which is counted whole
		assertThat(spilled.journal().spilledSegments()).isEqualTo(1);
		assertThat(gauge("graph.streaming.journal.bytes", "location", "disk")).isEqualTo(64 * 1024);
		assertThat(gauge("graph.streaming.journal.bytes", "location", "memory"))
			.as("spilled events were serialized and left memory; the newest was never serialized")
			.isZero();
		GraphExecution inMemory = this.executions.create(twoNodeGraph(), Map.of(), options());
		inMemory.stream().flux().blockLast(Duration.ofSeconds(10));
		assertThat(gauge("graph.streaming.journal.events")).isPositive();
		assertThat(gauge("graph.streaming.journal.bytes", "location", "disk")).isEqualTo(64 * 1024);
		// the consumer completes on the terminal event; the execution records its end and
		// lets the cursor go just after, on the run's thread
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.executions.evictExpired()).isEqualTo(1));
		assertThat(spilled.journal().spilledBytes()).isZero();
		assertThat(gauge("graph.streaming.journal.bytes", "location", "disk")).isZero();
	}

	@Test
	void streamsActiveGaugesShouldReadTransportCountsAndInProcessCursorsLive() {
		assertThat(gauge("graph.streaming.streams.active", "transport", "sse")).isZero();
		assertThat(gauge("graph.streaming.streams.active", "transport", "in-process")).isZero();
		GraphExecution execution = this.executions.create(slowGraph(), Map.of(), options());
		Disposable first = execution.stream().flux().subscribe();
		Disposable second = execution.stream().flux().subscribe();
		Disposable third = execution.stream().flux().subscribe();
		assertThat(execution.consumerCount()).isEqualTo(3);
		assertThat(gauge("graph.streaming.streams.active", "transport", "in-process")).isEqualTo(3);
		// One of the cursors belongs to an SSE response: it counts there, not in-process.
		this.openStreams.put("sse", 1);
		this.openStreams.put("websocket", 1);
		this.openStreams.put("polling", 4);
		assertThat(gauge("graph.streaming.streams.active", "transport", "sse")).isEqualTo(1);
		assertThat(gauge("graph.streaming.streams.active", "transport", "websocket")).isEqualTo(1);
		assertThat(gauge("graph.streaming.streams.active", "transport", "polling")).isEqualTo(4);
		assertThat(gauge("graph.streaming.streams.active", "transport", "in-process")).isEqualTo(1);
		first.dispose();
		second.dispose();
		third.dispose();
		this.openStreams.clear();
		assertThat(gauge("graph.streaming.streams.active", "transport", "in-process")).isZero();
	}

	@Test
	void realExecutionShouldBeCountedExactlyThroughTheOptionsListener() {
		StreamingGraphExecutor graph = new StreamingGraphExecutor("demo", "two nodes");
		graph.addNode(GraphNode.of("a", (state, context) -> Map.of("a", 1)))
			.addNode(GraphNode.of("b", (state, context) -> {
				throw new IllegalStateException("b is broken");
			}))
			.connect("a", "b")
			.setStartNode("a");
		StreamingExecutionOptions options = options();
		graph.executeStream(Map.of(), options).flux().blockLast(Duration.ofSeconds(10));
		graph.executeStream(Map.of(), options).flux().blockLast(Duration.ofSeconds(10));
		assertThat(events("demo", "ExecutionStarted")).isEqualTo(2);
		assertThat(events("demo", "NodeCompleted")).isEqualTo(2);
		assertThat(events("demo", "NodeFailed")).isEqualTo(2);
		assertThat(events("demo", "ExecutionFailed")).isEqualTo(2);
		assertThat(executionsEnded("demo", "failed")).isEqualTo(2);
		assertThat(executionsEnded("demo", "completed")).isZero();
		assertThat(timer("graph.streaming.node.duration", "graph", "demo", "node", "a", "outcome", "completed").count())
			.isEqualTo(2);
		assertThat(timer("graph.streaming.node.duration", "graph", "demo", "node", "b", "outcome", "failed").count())
			.isEqualTo(2);
	}

	private GraphStreamingMetrics metrics(MeterRegistry registry, Duration @Nullable [] buckets) {
		GraphStreamingMetrics metrics = new GraphStreamingMetrics(this.executions, () -> List.of("demo", "slow"),
				streamCounts(), PREFIX, buckets);
		metrics.bindTo(registry);
		return metrics;
	}

	private ToDoubleFunction<String> streamCounts() {
		return (transport) -> this.openStreams.getOrDefault(transport, 0);
	}

	private StreamingExecutionOptions options() {
		return StreamingExecutionOptions.builder().withMetrics().withMetricsListener(this.metrics).build();
	}

	/**
	 * A graph of two nodes that finishes at once.
	 */
	private static StreamingGraphExecutor twoNodeGraph() {
		StreamingGraphExecutor graph = new StreamingGraphExecutor("demo", "two nodes");
		graph.addNode(GraphNode.of("a", (state, context) -> Map.of("a", 1)))
			.addNode(GraphNode.of("b", (state, context) -> Map.of("b", 2)))
			.connect("a", "b")
			.setStartNode("a");
		return graph;
	}

	/**
	 * A graph whose only node never finishes on its own.
	 */
	private static StreamingGraphExecutor slowGraph() {
		StreamingGraphExecutor graph = new StreamingGraphExecutor("slow", "waits until cancelled");
		graph.addNode(GraphNode.async("wait", (state, context) -> Mono.never())).setStartNode("wait");
		return graph;
	}

	private static void awaitNode(GraphExecution execution) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!"wait".equals(execution.currentNode()) && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		assertThat(execution.currentNode()).isEqualTo("wait");
	}

	private void feed(GraphExecutionEvent... events) {
		for (GraphExecutionEvent event : events) {
			this.metrics.onEvent(PREFIX, event);
		}
	}

	private void feedAllKinds() {
		feed(this.demo.started(), this.demo.nodeStarted("a"), this.demo.nodeCompleted("a", 1),
				this.demo.nodeFailed("b", 1), this.demo.completed(3));
		feed(new Events("demo", "exec-2").cancelled(1, "a"));
		this.metrics.onEventsDropped(PREFIX, "demo", OverflowPolicy.DROP_OLDEST, 1);
		this.metrics.onExecutionPaused(PREFIX, "demo", Duration.ofMillis(1));
		this.metrics.onConsumerLag(PREFIX, "demo", 1);
		this.metrics.heartbeatSent("sse");
		this.metrics.resumeServed("sse");
		this.metrics.consumerDisconnected("sse");
	}

	private Set<String> ids() {
		return this.meterRegistry.getMeters().stream().map((meter) -> {
			Meter.Id id = meter.getId();
			return id.getName() + id.getTags()
				.stream()
				.map((tag) -> tag.getKey() + "=" + tag.getValue())
				.collect(Collectors.joining(",", "{", "}"));
		}).collect(Collectors.toSet());
	}

	private double events(String graph, String type) {
		return counter("graph.streaming.events", "graph", graph, "event_type", type);
	}

	private double executionsEnded(String graph, String outcome) {
		return counter("graph.streaming.executions", "graph", graph, "outcome", outcome);
	}

	private double counter(String name, String... tags) {
		return search(name, tags).counter().count();
	}

	private double gauge(String name, String... tags) {
		return search(name, tags).gauge().value();
	}

	private Timer timer(String name, String... tags) {
		return search(name, tags).timer();
	}

	private RequiredSearch search(String name, String... tags) {
		return this.meterRegistry.get(name).tags(tags);
	}

	private static void assertTimer(Timer timer, long count, long totalMillis) {
		assertThat(timer.count()).isEqualTo(count);
		assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(totalMillis);
	}

	private static List<Double> buckets(Timer timer) {
		return Arrays.stream(timer.takeSnapshot().histogramCounts())
			.map((bucket) -> bucket.bucket(TimeUnit.SECONDS))
			.toList();
	}

	/**
	 * Events of one execution, numbered in order.
	 */
	private static final class Events {

		private final String graph;

		private final String execution;

		private long sequence;

		Events(String graph, String execution) {
			this.graph = graph;
			this.execution = execution;
		}

		ExecutionStartedEvent started() {
			return new ExecutionStartedEvent(this.execution, this.graph, ++this.sequence, Instant.now(), "a", Map.of());
		}

		NodeStartedEvent nodeStarted(String node) {
			return new NodeStartedEvent(this.execution, this.graph, ++this.sequence, Instant.now(), node);
		}

		NodeOutputChunkEvent chunk(String node) {
			return new NodeOutputChunkEvent(this.execution, this.graph, ++this.sequence, Instant.now(), node, 0, "x");
		}

		NodeCompletedEvent nodeCompleted(String node, long millis) {
			return new NodeCompletedEvent(this.execution, this.graph, ++this.sequence, Instant.now(), node,
					Duration.ofMillis(millis), Map.of());
		}

		NodeFailedEvent nodeFailed(String node, long millis) {
			return new NodeFailedEvent(this.execution, this.graph, ++this.sequence, Instant.now(), node,
					Duration.ofMillis(millis), "IllegalStateException", "broken");
		}

		ConditionEvaluatedEvent condition(String node) {
			return new ConditionEvaluatedEvent(this.execution, this.graph, ++this.sequence, Instant.now(), node, "c",
					"always", true);
		}

		ExecutionCompletedEvent completed(long millis) {
			return new ExecutionCompletedEvent(this.execution, this.graph, ++this.sequence, Instant.now(),
					Duration.ofMillis(millis), Map.of());
		}

		ExecutionFailedEvent failed(long millis, String node) {
			return new ExecutionFailedEvent(this.execution, this.graph, ++this.sequence, Instant.now(),
					Duration.ofMillis(millis), node, "IllegalStateException", "broken");
		}

		ExecutionCancelledEvent cancelled(long millis, @Nullable String node) {
			return new ExecutionCancelledEvent(this.execution, this.graph, ++this.sequence, Instant.now(),
					Duration.ofMillis(millis), node, "cancelled");
		}

	}

}
