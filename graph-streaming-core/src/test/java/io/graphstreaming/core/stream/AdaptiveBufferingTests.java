package io.graphstreaming.core.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.graphstreaming.core.TestGraphs;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.event.NodeOutputChunkEvent;
import io.graphstreaming.core.execution.StreamingGraphExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Adaptive buffering: batches double while they fill before their deadline (load) and
 * halve when the deadline cuts them (latency target), between the minimum and maximum
 * size, and nothing is emitted without demand. Chunks are pushed on the test thread and
 * deadlines run on a virtual clock.
 */
class AdaptiveBufferingTests {

	private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();

	private final TestGraphs.ChunkFeed feed = new TestGraphs.ChunkFeed();

	private final GraphExecutionEventStream chunks;

	AdaptiveBufferingTests() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("adaptive", "driven chunks");
		executor.addNode(this.feed.node("a")).setStartNode("a");
		this.chunks = executor.executeStream(Map.of()).filter(GraphExecutionEventType.NODE_OUTPUT_CHUNK);
	}

	@Test
	void batchesGrowUnderLoadAndShrinkWhenTheDeadlineCutsThem() {
		List<List<GraphExecutionEvent>> batches = new CopyOnWriteArrayList<>();
		this.chunks.withAdaptiveBuffering(1, 8, Duration.ofMillis(100), this.clock).subscribe(batches::add);

		this.feed.push(1 + 2 + 4 + 8 + 8);
		assertThat(sizes(batches)).as("doubling under load up to the maximum").containsExactly(1, 2, 4, 8, 8);

		this.feed.push(3);
		this.clock.advanceTimeBy(Duration.ofMillis(99));
		assertThat(sizes(batches)).hasSize(5);
		this.clock.advanceTimeBy(Duration.ofMillis(1));
		assertThat(sizes(batches)).as("the deadline cuts a partial batch").endsWith(3);

		this.feed.push(4);
		assertThat(sizes(batches)).as("target halved to 4, so 4 events fill a batch").endsWith(3, 4);

		for (int i = 0; i < 3; i++) {
			this.feed.push(1);
			this.clock.advanceTimeBy(Duration.ofMillis(100));
		}
		this.feed.push(1);
		assertThat(sizes(batches)).as("8 -> 4 -> 2 -> 1: a single event now fills a batch at once")
			.containsExactly(1, 2, 4, 8, 8, 3, 4, 1, 1, 1, 1);

		this.feed.push(1);
		this.feed.finish();
		assertThat(sizes(batches)).as("the partial batch is flushed at the end").endsWith(1, 1);
		assertThat(chunkIndexes(batches)).containsExactlyElementsOf(
				java.util.stream.LongStream.range(0, 23 + 3 + 4 + 4 + 1).boxed().toList());
	}

	@Test
	void batchesNeverExceedTheMaximumAndNeverWaitPastTheTargetLatency() {
		List<List<GraphExecutionEvent>> batches = new CopyOnWriteArrayList<>();
		this.chunks.withAdaptiveBuffering(2, 4, Duration.ofMillis(50), this.clock).subscribe(batches::add);

		this.feed.push(100);
		this.feed.push(1);
		this.clock.advanceTimeBy(Duration.ofMillis(50));
		this.feed.finish();

		assertThat(sizes(batches)).allSatisfy((size) -> assertThat(size).isBetween(1, 4));
		assertThat(sizes(batches).stream().mapToInt(Integer::intValue).sum()).isEqualTo(101);
		assertThat(sizes(batches)).startsWith(2, 4, 4);
	}

	@Test
	void requestingOneBatchAtATimeNeverOverflows() {
		List<List<GraphExecutionEvent>> received = new ArrayList<>();
		Flux<List<GraphExecutionEvent>> batches = this.chunks
			.withAdaptiveBuffering(2, 4, Duration.ofMillis(100), this.clock)
			.doOnNext(received::add);

		StepVerifier.create(batches, 1)
			.then(() -> this.feed.push(50))
			.assertNext((batch) -> assertThat(batch).hasSize(2))
			.then(() -> this.clock.advanceTimeBy(Duration.ofHours(1)))
			.thenRequest(1)
			.assertNext((batch) -> assertThat(batch).hasSize(4))
			.then(() -> this.clock.advanceTimeBy(Duration.ofHours(1)))
			.thenRequest(1)
			.assertNext((batch) -> assertThat(batch).hasSize(4))
			.then(this.feed::finish)
			.thenRequest(Long.MAX_VALUE)
			.thenConsumeWhile((batch) -> true)
			.verifyComplete();

		assertThat(sizes(received)).allSatisfy((size) -> assertThat(size).isLessThanOrEqualTo(4));
		assertThat(chunkIndexes(received)).containsExactlyElementsOf(
				java.util.stream.LongStream.range(0, 50).boxed().toList());
	}

	@Test
	void deadlineWithoutDemandHoldsTheBatchUntilRequested() {
		StepVerifier.create(this.chunks.withAdaptiveBuffering(4, 8, Duration.ofMillis(100), this.clock), 0)
			.expectSubscription()
			.then(() -> {
				this.feed.push(1);
				this.clock.advanceTimeBy(Duration.ofSeconds(1));
			})
			.thenRequest(1)
			.assertNext((batch) -> assertThat(batch).hasSize(1))
			.thenCancel()
			.verify();
	}

	@Test
	void argumentsAreValidated() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.chunks.withAdaptiveBuffering(0, 4, Duration.ofMillis(1), this.clock))
			.withMessage("minBatchSize must be strictly positive but was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.chunks.withAdaptiveBuffering(5, 4, Duration.ofMillis(1), this.clock))
			.withMessage("maxBatchSize (4) must be >= minBatchSize (5)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.chunks.withAdaptiveBuffering(1, 4, Duration.ZERO, this.clock))
			.withMessage("targetLatency must be strictly positive but was PT0S");
	}

	@Test
	void defaultSchedulerOverloadDeliversEverything() {
		this.feed.push(10);
		this.feed.finish();

		StepVerifier.create(this.chunks.withAdaptiveBuffering(1, 4, Duration.ofSeconds(10)))
			.recordWith(ArrayList::new)
			.thenConsumeWhile((batch) -> true)
			.consumeRecordedWith((batches) -> assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(10))
			.verifyComplete();
	}

	private static List<Integer> sizes(List<List<GraphExecutionEvent>> batches) {
		return batches.stream().map(List::size).toList();
	}

	private static List<Long> chunkIndexes(List<List<GraphExecutionEvent>> batches) {
		return batches.stream()
			.flatMap(List::stream)
			.map((event) -> ((NodeOutputChunkEvent) event).chunkIndex())
			.toList();
	}

}
