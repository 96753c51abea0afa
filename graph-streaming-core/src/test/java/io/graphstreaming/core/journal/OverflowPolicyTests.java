package io.graphstreaming.core.journal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import io.graphstreaming.core.TestGraphs;
import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.core.stream.GraphExecutionEventStream;

import static io.graphstreaming.core.TestEvents.completed;
import static io.graphstreaming.core.TestEvents.range;
import static io.graphstreaming.core.TestEvents.sequences;
import static io.graphstreaming.core.TestEvents.wireNames;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each overflow policy under a stalled consumer. The driven chunk node makes events
 * appear on the test thread, so what is delivered and what is dropped is exact.
 *
 * <p>Scenario for the drop and fail policies: the consumer takes events 1-3
 * ({@code ExecutionStarted}, {@code NodeEntered}, {@code NodeStarted}), then stalls while
 * ten chunks (4-13), {@code NodeCompleted} (14), {@code NodeExited} (15) and
 * {@code ExecutionCompleted} (16) are emitted, with {@code maxBufferSize} 4.
 */
class OverflowPolicyTests {

	@Test
	void blockLosesNothingAndPausesTheRunBeforeTheNextNodeAtMaxBufferSize() {
		StreamingExecutionOptions options = options(OverflowPolicy.BLOCK, 2, 5);
		GraphExecution execution = TestGraphs.chain("block", "n1", "n2", "n3", "n4", "n5")
			.createExecution(Map.of(), options);
		List<GraphExecutionEvent> received = new ArrayList<>();

		StepVerifier.create(execution.stream().flux().doOnNext(received::add), 0)
			.expectSubscription()
			.then(() -> {
				assertThat(execution.journal().head()).isEqualTo(5);
				assertThat(execution.currentNode()).isEqualTo("n1");
				assertThat(execution.status()).isEqualTo(ExecutionStatus.RUNNING);
				assertThat(execution.journal().hasCapacity()).isFalse();
			})
			.thenRequest(2)
			.expectNextCount(2)
			.then(() -> {
				assertThat(execution.journal().head()).as("one more node ran, then paused again").isEqualTo(9);
				assertThat(execution.currentNode()).isEqualTo("n2");
			})
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(20)
			.verifyComplete();

		assertThat(sequences(received)).containsExactlyElementsOf(range(1, 22));
		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
	}

	@Test
	void blockPausesANodeThatAwaitsCapacityBetweenChunks() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("block", "streams 20 chunks");
		executor.addNode(GraphNode.async("tokens", (s, context) -> Flux.range(0, 20)
			.concatMap(context::emitChunkAndAwaitCapacity)
			.then(Mono.just(Map.of()))));
		executor.setStartNode("tokens");
		GraphExecution execution = executor.createExecution(Map.of(), options(OverflowPolicy.BLOCK, 2, 5));
		List<GraphExecutionEvent> received = new ArrayList<>();

		StepVerifier.create(execution.stream().flux().doOnNext(received::add), 0)
			.expectSubscription()
			.then(() -> assertThat(execution.journal().head()).isEqualTo(5))
			.thenRequest(3)
			.expectNextCount(3)
			.then(() -> assertThat(execution.journal().head()).isEqualTo(8))
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(23)
			.verifyComplete();

		assertThat(sequences(received)).containsExactlyElementsOf(range(1, 26));
	}

	@Test
	void blockIsLosslessAndBoundsTheLagWhenProducerAndConsumerRunOnDifferentThreads() {
		int nodes = 20;
		int chunksPerNode = 10;
		StreamingGraphExecutor executor = new StreamingGraphExecutor("block", "blocking nodes streaming chunks");
		for (int i = 0; i < nodes; i++) {
			executor.addNode(GraphNode.of("n" + i, (s, context) -> {
				for (int chunk = 0; chunk < chunksPerNode; chunk++) {
					context.emitChunk(chunk);
				}
				return Map.of();
			}));
			if (i > 0) {
				executor.connect("n" + (i - 1), "n" + i);
			}
		}
		executor.setStartNode("n0");
		AtomicLong maxLag = new AtomicLong();
		StreamingExecutionOptions options = options(OverflowPolicy.BLOCK, 4, 8).configure()
			.withMetrics()
			.withMetricsListener(new io.graphstreaming.core.metrics.StreamingMetricsListener() {
				@Override
				public void onConsumerLag(String meterName, String graphId, long lag) {
					maxLag.accumulateAndGet(lag, Math::max);
				}
			})
			.build();

		List<Long> received = executor.executeStream(Map.of(), options)
			.flux()
			.publishOn(Schedulers.parallel(), 1)
			.map(GraphExecutionEvent::sequence)
			.collectList()
			.block(Duration.ofSeconds(15));

		int eventsPerNode = 4 + chunksPerNode;
		assertThat(received).containsExactlyElementsOf(range(1, 1 + nodes * eventsPerNode + 1));
		assertThat(maxLag.get()).as("the run only passes a node's gate below maxBufferSize")
			.isLessThanOrEqualTo(8 + eventsPerNode);
	}

	@Test
	void dropOldestDeliversTheNewestMaxBufferSizeEventsAndCountsTheRestExactly() {
		TestGraphs.ChunkFeed feed = new TestGraphs.ChunkFeed();
		GraphExecutionEventStream stream = chunkGraph(feed).executeStream(Map.of(),
				options(OverflowPolicy.DROP_OLDEST, 2, 4));
		List<GraphExecutionEvent> received = new ArrayList<>();

		StepVerifier.create(stream.flux(), 3)
			.recordWith(() -> received)
			.expectNextCount(3)
			.then(() -> feed.push(10))
			.then(() -> assertThat(stream.droppedEvents()).isEqualTo(6))
			.then(feed::finish)
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(4)
			.verifyComplete();

		assertThat(sequences(received)).containsExactly(1L, 2L, 3L, 13L, 14L, 15L, 16L);
		assertThat(stream.droppedEvents()).isEqualTo(9);
	}

	@Test
	void dropOldestCountsOnlyEventsTheConsumerFilterWouldHaveDelivered() {
		TestGraphs.ChunkFeed feed = new TestGraphs.ChunkFeed();
		GraphExecutionEventStream stream = chunkGraph(feed)
			.executeStream(Map.of(), options(OverflowPolicy.DROP_OLDEST, 2, 4))
			.filter(GraphExecutionEventType.NODE_OUTPUT_CHUNK);

		StepVerifier.create(stream.flux(), 0)
			.expectSubscription()
			.then(() -> feed.push(10))
			.then(feed::finish)
			.thenRequest(Long.MAX_VALUE)
			.assertNext((event) -> assertThat(event.sequence()).isEqualTo(13))
			.verifyComplete();

		assertThat(stream.droppedEvents()).isEqualTo(9);
	}

	@Test
	void dropNewestKeepsTheFirstMaxBufferSizeEventsPlusTheTerminalAndCountsTheRestExactly() {
		TestGraphs.ChunkFeed feed = new TestGraphs.ChunkFeed();
		GraphExecutionEventStream stream = chunkGraph(feed).executeStream(Map.of(),
				options(OverflowPolicy.DROP_NEWEST, 2, 4));
		List<GraphExecutionEvent> received = new ArrayList<>();

		StepVerifier.create(stream.flux(), 3)
			.recordWith(() -> received)
			.expectNextCount(3)
			.then(() -> feed.push(10))
			.then(() -> assertThat(stream.droppedEvents()).isEqualTo(6))
			.then(feed::finish)
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(5)
			.verifyComplete();

		assertThat(sequences(received)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 16L);
		assertThat(stream.droppedEvents()).isEqualTo(8);
	}

	@Test
	void failEndsTheStalledConsumerWithBufferOverflowWhileTheExecutionCompletes() {
		TestGraphs.ChunkFeed feed = new TestGraphs.ChunkFeed();
		List<GraphExecutionEvent> journaled = new CopyOnWriteArrayList<>();
		StreamingExecutionOptions options = options(OverflowPolicy.FAIL, 2, 4).configure()
			.withEventHandler(journaled::add)
			.build();
		GraphExecutionEventStream stream = chunkGraph(feed).executeStream(Map.of(), options);

		StepVerifier.create(stream.flux(), 3)
			.expectNextCount(3)
			.then(() -> feed.push(4))
			.then(() -> feed.push(1))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(BufferOverflowException.class)
				.hasMessageStartingWith("Consumer of execution " + journaled.get(0).executionId())
				.hasMessageEndingWith(" fell more than 4 events behind (overflow policy 'fail')"))
			.verify();
		feed.push(5);
		feed.finish();

		assertThat(sequences(journaled)).containsExactlyElementsOf(range(1, 16));
		assertThat(wireNames(journaled)).last().isEqualTo("ExecutionCompleted");
	}

	@Test
	void failDoesNotHoldTheExecutionOfACreatedExecution() {
		TestGraphs.ChunkFeed feed = new TestGraphs.ChunkFeed();
		GraphExecution execution = chunkGraph(feed).createExecution(Map.of(), options(OverflowPolicy.FAIL, 2, 4));

		StepVerifier.create(execution.stream().flux(), 0)
			.expectSubscription()
			.then(() -> feed.push(2))
			.expectError(BufferOverflowException.class)
			.verify();
		feed.finish();

		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(execution.eventCount()).isEqualTo(8);
	}

	@Test
	void dropOldestAtTheJournalReportsEachDroppedEventOnce() {
		ExecutionJournal journal = new ExecutionJournal("exec", 100, ExecutionJournal.PauseListener.NONE);
		AtomicLong dropped = new AtomicLong();

		StepVerifier.create(journal.consume(spec(OverflowPolicy.DROP_OLDEST, 3, dropped)).map(JournalEntry::sequence), 0)
			.expectSubscription()
			.then(() -> ExecutionJournalTests.append(journal, 1, 10))
			.thenRequest(1)
			.expectNext(8L)
			.then(() -> assertThat(dropped).hasValue(7))
			.then(() -> ExecutionJournalTests.append(journal, 11, 20))
			.then(() -> journal.append(completed(21)))
			.thenRequest(Long.MAX_VALUE)
			.expectNext(19L, 20L, 21L)
			.verifyComplete();

		assertThat(dropped).hasValue(7 + 10);
	}

	@Test
	void dropNewestAtTheJournalReportsEachDroppedEventOnce() {
		ExecutionJournal journal = new ExecutionJournal("exec", 100, ExecutionJournal.PauseListener.NONE);
		AtomicLong dropped = new AtomicLong();

		StepVerifier.create(journal.consume(spec(OverflowPolicy.DROP_NEWEST, 3, dropped)).map(JournalEntry::sequence), 0)
			.expectSubscription()
			.then(() -> ExecutionJournalTests.append(journal, 1, 10))
			.thenRequest(2)
			.expectNext(1L, 2L)
			.then(() -> ExecutionJournalTests.append(journal, 11, 12))
			.then(() -> journal.append(completed(13)))
			.thenRequest(Long.MAX_VALUE)
			.expectNext(3L, 11L, 12L, 13L)
			.verifyComplete();

		assertThat(dropped).hasValue(7);
	}

	private static ConsumerSpec spec(OverflowPolicy policy, int maxBufferSize, AtomicLong dropped) {
		return new ConsumerSpec(0, EventFilter.all(), policy, 1, maxBufferSize, 1, Duration.ofSeconds(1),
				Schedulers.immediate(), new ConsumerListener() {
					@Override
					public void onDropped(long count) {
						dropped.addAndGet(count);
					}
				});
	}

	private static StreamingGraphExecutor chunkGraph(TestGraphs.ChunkFeed feed) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("overflow", "driven chunks");
		executor.addNode(feed.node("a")).setStartNode("a");
		return executor;
	}

	private static StreamingExecutionOptions options(OverflowPolicy policy, int bufferSize, int maxBufferSize) {
		return StreamingExecutionOptions.builder()
			.withOverflowPolicy(policy)
			.withBufferSize(bufferSize)
			.withMaxBufferSize(maxBufferSize)
			.build();
	}

}
