package io.graphstreaming.core.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.graphstreaming.core.TestGraphs;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.graphstreaming.core.event.GraphExecutionEventType.EXECUTION_COMPLETED;
import static io.graphstreaming.core.event.GraphExecutionEventType.EXECUTION_STARTED;
import static io.graphstreaming.core.event.GraphExecutionEventType.NODE_COMPLETED;
import static io.graphstreaming.core.event.GraphExecutionEventType.NODE_STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * Enabled metrics record something a core-only application can read: without a listener
 * of their own, options record to {@link InMemoryStreamingMetrics#shared()}, which
 * counts events by type and keeps node and execution duration histograms. The shared
 * instance is JVM-wide, so each test runs a graph with an id of its own.
 */
class InMemoryStreamingMetricsTests {

	private static final String METER = "graph.streaming";

	private final InMemoryStreamingMetrics shared = InMemoryStreamingMetrics.shared();

	@Test
	void enabledMetricsWithoutAListenerOfTheirOwnAreRecordedInTheSharedMetrics() {
		String graphId = uniqueId();
		StreamingGraphExecutor executor = TestGraphs.chain(graphId, "a", "b", "c");
		StreamingExecutionOptions options = StreamingExecutionOptions.builder().withMetrics().build();

		StepVerifier.create(executor.executeStream(Map.of(), options).flux()).expectNextCount(14).verifyComplete();
		StepVerifier.create(executor.executeStream(Map.of(), options).flux()).expectNextCount(14).verifyComplete();

		assertThat(this.shared.events(METER, graphId, EXECUTION_STARTED)).isEqualTo(2);
		assertThat(this.shared.events(METER, graphId, NODE_COMPLETED)).isEqualTo(6);
		assertThat(this.shared.events(METER, graphId, EXECUTION_COMPLETED)).isEqualTo(2);
		assertThat(this.shared.events(METER, graphId)).isEqualTo(28);
		assertThat(this.shared.nodeDurations(METER, graphId, "b").count()).isEqualTo(2);
		assertThat(this.shared.executionDurations(METER, graphId).count()).isEqualTo(2);
		assertThat(this.shared.graphIds(METER)).contains(graphId);
	}

	@Test
	void monitoringPresetRecordsTheEventsItEmitsAndNodeDurations() {
		String graphId = uniqueId();
		StreamingGraphExecutor executor = TestGraphs.chain(graphId, "a", "b");

		executor.executeStream(Map.of(), StreamingExecutionOptions.monitoring()).flux().blockLast(Duration.ofSeconds(10));

		assertThat(this.shared.events(METER, graphId, EXECUTION_STARTED)).isEqualTo(1);
		assertThat(this.shared.events(METER, graphId, NODE_STARTED)).isEqualTo(2);
		assertThat(this.shared.events(METER, graphId, NODE_COMPLETED)).isEqualTo(2);
		assertThat(this.shared.events(METER, graphId, EXECUTION_COMPLETED)).isEqualTo(1);
		assertThat(this.shared.nodeDurations(METER, graphId, "a").count()).isEqualTo(1);
		assertThat(this.shared.nodeDurations(METER, graphId, "b").count()).isEqualTo(1);
	}

	@Test
	void metricsOffRecordNothing() {
		String graphId = uniqueId();

		TestGraphs.chain(graphId, "a").executeStream(Map.of()).flux().blockLast(Duration.ofSeconds(10));

		assertThat(this.shared.events(METER, graphId)).isZero();
		assertThat(this.shared.graphIds(METER)).doesNotContain(graphId);
	}

	@Test
	void metricsGoToTheListenerTheOptionsSetInsteadUnderTheirMeterName() {
		String graphId = uniqueId();
		InMemoryStreamingMetrics own = new InMemoryStreamingMetrics();
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withMetrics()
			.withMetricsMeterName("my.app")
			.withMetricsListener(own)
			.build();

		TestGraphs.chain(graphId, "a").executeStream(Map.of(), options).flux().blockLast(Duration.ofSeconds(10));

		assertThat(own.events("my.app", graphId, EXECUTION_COMPLETED)).isEqualTo(1);
		assertThat(own.events(METER, graphId)).isZero();
		assertThat(this.shared.events("my.app", graphId)).isZero();
	}

	@Test
	void pausesDropsAndConsumerLagAreRecorded() {
		String graphId = uniqueId();
		StreamingGraphExecutor executor = TestGraphs.chain(graphId, "a", "b", "c");
		InMemoryStreamingMetrics metrics = new InMemoryStreamingMetrics();
		StreamingExecutionOptions blocking = StreamingExecutionOptions.builder()
			.withBufferSize(2)
			.withMaxBufferSize(5)
			.withMetrics()
			.withMetricsListener(metrics)
			.build();
		StreamingExecutionOptions dropping = blocking.configure().withOverflowPolicy(OverflowPolicy.DROP_OLDEST).build();

		StepVerifier.create(executor.executeStream(Map.of(), blocking).flux(), 0)
			.expectSubscription()
			.then(() -> assertThat(metrics.events(METER, graphId)).as("paused at maxBufferSize").isEqualTo(5))
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(14)
			.verifyComplete();
		StepVerifier.create(executor.executeStream(Map.of(), dropping).flux(), 0)
			.expectSubscription()
			.then(() -> assertThat(metrics.events(METER, graphId)).as("stalled: the run went ahead").isEqualTo(28))
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(5)
			.verifyComplete();

		assertThat(metrics.pauses(METER, graphId).count()).isPositive();
		assertThat(metrics.droppedEvents(METER, graphId, OverflowPolicy.DROP_OLDEST)).isEqualTo(9);
		assertThat(metrics.droppedEvents(METER, graphId, OverflowPolicy.DROP_NEWEST)).isZero();
		assertThat(metrics.maxConsumerLag(METER, graphId)).isGreaterThanOrEqualTo(5);
	}

	@Test
	void durationHistogramCountsEachDurationInEveryBucketAtOrAboveIt() {
		InMemoryStreamingMetrics metrics = new InMemoryStreamingMetrics();
		for (Duration duration : new Duration[] { Duration.ofNanos(500_000), Duration.ofMillis(3),
				Duration.ofSeconds(2), Duration.ofMinutes(2) }) {
			metrics.onEvent(METER, new NodeCompletedEvent("e", "g", 1, Instant.EPOCH, "n", duration, Map.of()));
		}
		metrics.onEvent(METER, new ExecutionCompletedEvent("e", "g", 2, Instant.EPOCH, Duration.ofSeconds(7), null));

		DurationHistogram nodes = metrics.nodeDurations(METER, "g", "n");

		assertThat(nodes.count()).isEqualTo(4);
		assertThat(nodes.total()).isEqualTo(Duration.ofMinutes(2).plusSeconds(2).plusMillis(3).plusNanos(500_000));
		assertThat(nodes.max()).isEqualTo(Duration.ofMinutes(2));
		assertThat(nodes.mean()).isEqualTo(nodes.total().dividedBy(4));
		assertThat(nodes.buckets()).containsExactly(entry(Duration.ofMillis(1), 1L), entry(Duration.ofMillis(5), 2L),
				entry(Duration.ofMillis(10), 2L), entry(Duration.ofMillis(50), 2L), entry(Duration.ofMillis(100), 2L),
				entry(Duration.ofMillis(500), 2L), entry(Duration.ofSeconds(1), 2L), entry(Duration.ofSeconds(5), 3L),
				entry(Duration.ofSeconds(10), 3L), entry(Duration.ofSeconds(30), 3L), entry(Duration.ofMinutes(1), 3L));
		assertThat(metrics.executionDurations(METER, "g").max()).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void readsOfUnknownGraphsAndNodesCreateNothing() {
		InMemoryStreamingMetrics metrics = new InMemoryStreamingMetrics();

		assertThat(metrics.events(METER, "unknown")).isZero();
		assertThat(metrics.nodeDurations(METER, "unknown", "n")).isEqualTo(DurationHistogram.empty());
		assertThat(metrics.pauses(METER, "unknown").count()).isZero();
		assertThat(metrics.maxConsumerLag(METER, "unknown")).isZero();
		assertThat(metrics.graphIds(METER)).isEmpty();
	}

	private static String uniqueId() {
		return "metrics-" + UUID.randomUUID();
	}

}
