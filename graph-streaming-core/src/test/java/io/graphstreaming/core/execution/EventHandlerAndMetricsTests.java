package io.graphstreaming.core.execution;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.graphstreaming.core.TestGraphs;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.metrics.StreamingMetricsListener;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.graphstreaming.core.TestEvents.range;
import static io.graphstreaming.core.TestEvents.sequences;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Event handlers see every event the execution emits, whatever the consumers filter, and
 * one that throws breaks nothing; the metrics listener hears from the execution and its
 * consumers only when metrics are enabled.
 */
class EventHandlerAndMetricsTests {

	private final StreamingGraphExecutor executor = TestGraphs.chain("observed", "a", "b", "c");

	@Test
	void handlersAreCalledForEveryEventInOrderEvenWhenTheConsumerFilters() {
		List<GraphExecutionEvent> handled = new CopyOnWriteArrayList<>();
		StreamingExecutionOptions options = StreamingExecutionOptions.builder().withEventHandler(handled::add).build();

		StepVerifier.create(this.executor.executeStream(Map.of(), options)
			.filter(GraphExecutionEventType.EXECUTION_COMPLETED)
			.flux()).expectNextCount(1).verifyComplete();

		assertThat(sequences(handled)).containsExactlyElementsOf(range(1, 14));
	}

	@Test
	void throwingHandlerBreaksNeitherTheStreamNorTheOtherHandlers() {
		List<GraphExecutionEvent> handled = new CopyOnWriteArrayList<>();
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withEventHandler((event) -> {
				throw new IllegalStateException("handler bug");
			})
			.withEventHandler((event) -> {
				throw new Exception("checked handler failure");
			})
			.withEventHandler(handled::add)
			.build();

		StepVerifier.create(this.executor.executeStream(Map.of(), options).flux().map(GraphExecutionEvent::sequence))
			.expectNextSequence(range(1, 14))
			.verifyComplete();

		assertThat(sequences(handled)).containsExactlyElementsOf(range(1, 14));
	}

	@Test
	void metricsListenerIsSilentUnlessMetricsAreEnabled() {
		RecordingMetrics metrics = new RecordingMetrics();
		StreamingExecutionOptions options = StreamingExecutionOptions.builder().withMetricsListener(metrics).build();

		this.executor.executeStream(Map.of(), options).flux().blockLast();

		assertThat(metrics.events).isEmpty();
	}

	@Test
	void enabledMetricsListenerHearsEveryEventWithTheMeterName() {
		RecordingMetrics metrics = new RecordingMetrics();
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withMetrics()
			.withMetricsMeterName("custom.meter")
			.withMetricsListener(metrics)
			.build();

		this.executor.executeStream(Map.of(), options).flux().blockLast();

		assertThat(sequences(metrics.events)).containsExactlyElementsOf(range(1, 14));
		assertThat(metrics.meterNames).containsOnly("custom.meter");
	}

	@Test
	void metricsListenerHasHeardOfEveryEventBeforeAConsumerReceivesIt() {
		RecordingMetrics metrics = new RecordingMetrics();
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withMetrics()
			.withMetricsListener(metrics)
			.build();
		List<Long> unheard = new CopyOnWriteArrayList<>();

		this.executor.executeStream(Map.of(), options).flux().doOnNext((event) -> {
			if (!metrics.events.contains(event)) {
				unheard.add(event.sequence());
			}
		}).blockLast(Duration.ofSeconds(10));

		assertThat(unheard).isEmpty();
		assertThat(sequences(metrics.events)).containsExactlyElementsOf(range(1, 14));
	}

	@Test
	void throwingMetricsListenerDoesNotBreakTheStream() {
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withMetrics()
			.withMetricsListener(new StreamingMetricsListener() {
				@Override
				public void onEvent(String meterName, GraphExecutionEvent event) {
					throw new IllegalStateException("metrics down");
				}
			})
			.build();

		StepVerifier.create(this.executor.executeStream(Map.of(), options).flux()).expectNextCount(14).verifyComplete();
	}

	@Test
	void metricsHearOfPausesDropsAndConsumerLag() {
		RecordingMetrics metrics = new RecordingMetrics();
		StreamingExecutionOptions blocking = StreamingExecutionOptions.builder()
			.withBufferSize(2)
			.withMaxBufferSize(5)
			.withMetrics()
			.withMetricsListener(metrics)
			.build();
		StreamingExecutionOptions dropping = blocking.configure().withOverflowPolicy(OverflowPolicy.DROP_OLDEST).build();

		StepVerifier.create(this.executor.executeStream(Map.of(), blocking).flux(), 0)
			.expectSubscription()
			.then(() -> assertThat(metrics.events).as("paused at maxBufferSize").hasSize(5))
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(14)
			.verifyComplete();
		StepVerifier.create(this.executor.executeStream(Map.of(), dropping).flux(), 0)
			.expectSubscription()
			.then(() -> assertThat(metrics.events).as("stalled: the run went ahead").isNotEmpty())
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(5)
			.verifyComplete();

		assertThat(metrics.pauses).isNotEmpty().allSatisfy((pause) -> assertThat(pause).isGreaterThanOrEqualTo(Duration.ZERO));
		assertThat(metrics.dropped).hasValue(9);
		assertThat(metrics.maxLag.get()).as("a stalled consumer lags at least maxBufferSize").isGreaterThanOrEqualTo(5);
	}

	@Test
	void disabledMetricsHearNothingOfDrops() {
		RecordingMetrics metrics = new RecordingMetrics();
		StreamingExecutionOptions dropping = StreamingExecutionOptions.builder()
			.withBufferSize(2)
			.withMaxBufferSize(5)
			.withOverflowPolicy(OverflowPolicy.DROP_OLDEST)
			.withMetricsListener(metrics)
			.build();

		StepVerifier.create(this.executor.executeStream(Map.of(), dropping).flux(), 0)
			.expectSubscription()
			.then(() -> assertThat(metrics.dropped).hasValue(0))
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(5)
			.verifyComplete();

		assertThat(metrics.dropped).hasValue(0);
		assertThat(metrics.maxLag).hasValue(0);
	}

	/**
	 * Records what the core tells a metrics backend.
	 */
	private static final class RecordingMetrics implements StreamingMetricsListener {

		final List<GraphExecutionEvent> events = new CopyOnWriteArrayList<>();

		final List<String> meterNames = new CopyOnWriteArrayList<>();

		final List<Duration> pauses = new CopyOnWriteArrayList<>();

		final AtomicLong dropped = new AtomicLong();

		final AtomicLong maxLag = new AtomicLong();

		@Override
		public void onEvent(String meterName, GraphExecutionEvent event) {
			this.events.add(event);
			this.meterNames.add(meterName);
		}

		@Override
		public void onExecutionPaused(String meterName, String graphId, Duration paused) {
			assertThat(graphId).isEqualTo("observed");
			this.pauses.add(paused);
		}

		@Override
		public void onEventsDropped(String meterName, String graphId, OverflowPolicy policy, long count) {
			assertThat(policy).isEqualTo(OverflowPolicy.DROP_OLDEST);
			this.dropped.addAndGet(count);
		}

		@Override
		public void onConsumerLag(String meterName, String graphId, long lag) {
			this.maxLag.accumulateAndGet(lag, Math::max);
		}

	}

}
