package io.graphstreaming.core.journal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.graphstreaming.core.TestGraphs;
import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.graphstreaming.core.TestEvents.completed;
import static io.graphstreaming.core.TestEvents.nodeStarted;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Producer batching: with a batch size above one, events reach the consumer when a full
 * batch is waiting, when the flush interval has passed since the batch began, or when the
 * execution has ended, whichever comes first. Timed on virtual time.
 */
class ProducerBatchingTests {

	private final VirtualTimeScheduler timer = VirtualTimeScheduler.create();

	private final ExecutionJournal journal = new ExecutionJournal("exec", 100, ExecutionJournal.PauseListener.NONE);

	private final List<Long> delivered = new CopyOnWriteArrayList<>();

	@Test
	void fullBatchIsDeliveredAtOnceAndItsFlushTimerIsCancelled() {
		subscribe(3);

		this.journal.append(nodeStarted(1));
		this.journal.append(nodeStarted(2));
		assertThat(this.delivered).isEmpty();
		this.journal.append(nodeStarted(3));
		assertThat(this.delivered).containsExactly(1L, 2L, 3L);

		this.timer.advanceTimeBy(Duration.ofMillis(500));
		this.journal.append(nodeStarted(4));
		this.timer.advanceTimeBy(Duration.ofMillis(500));
		assertThat(this.delivered).as("the first batch's timer must not flush the second batch").hasSize(3);
		this.timer.advanceTimeBy(Duration.ofMillis(500));
		assertThat(this.delivered).containsExactly(1L, 2L, 3L, 4L);
	}

	@Test
	void partialBatchIsFlushedWhenTheIntervalHasPassedSinceItBegan() {
		subscribe(3);

		this.journal.append(nodeStarted(1));
		this.timer.advanceTimeBy(Duration.ofMillis(600));
		this.journal.append(nodeStarted(2));
		this.timer.advanceTimeBy(Duration.ofMillis(399));
		assertThat(this.delivered).isEmpty();
		this.timer.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.delivered).containsExactly(1L, 2L);

		this.journal.append(nodeStarted(3));
		this.timer.advanceTimeBy(Duration.ofMillis(999));
		assertThat(this.delivered).containsExactly(1L, 2L);
		this.timer.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.delivered).containsExactly(1L, 2L, 3L);
	}

	@Test
	void endOfExecutionFlushesAPartialBatchAtOnce() {
		subscribe(10);

		this.journal.append(nodeStarted(1));
		this.journal.append(completed(2));

		assertThat(this.delivered).containsExactly(1L, 2L);
	}

	@Test
	void flushWithoutDemandDeliversAsSoonAsDemandArrives() {
		StepVerifier.create(this.journal.consume(batching(3)).map(JournalEntry::sequence), 0)
			.expectSubscription()
			.then(() -> {
				this.journal.append(nodeStarted(1));
				this.timer.advanceTimeBy(Duration.ofSeconds(1));
			})
			.thenRequest(1)
			.expectNext(1L)
			.thenCancel()
			.verify();
	}

	@Test
	void executionStreamBatchesBySizeAndByTimeOnVirtualTime() {
		TestGraphs.ChunkFeed feed = new TestGraphs.ChunkFeed();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("batching", "driven chunks");
		executor.addNode(feed.node("a")).setStartNode("a");
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withProducerBatchSize(3)
			.withProducerFlushInterval(Duration.ofSeconds(1))
			.build();

		StepVerifier
			.withVirtualTime(() -> executor.executeStream(Map.of(), options).flux().map(GraphExecutionEvent::sequence))
			.expectSubscription()
			.expectNext(1L, 2L, 3L)
			.then(() -> feed.push(1))
			.expectNoEvent(Duration.ofMillis(999))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(4L)
			.then(() -> feed.push(2))
			.expectNoEvent(Duration.ofMillis(500))
			.then(() -> feed.push(1))
			.expectNext(5L, 6L, 7L)
			.then(feed::finish)
			.expectNext(8L, 9L, 10L)
			.verifyComplete();
	}

	private Disposable subscribe(int batchSize) {
		return this.journal.consume(batching(batchSize)).map(JournalEntry::sequence).subscribe(this.delivered::add);
	}

	private ConsumerSpec batching(int size) {
		return new ConsumerSpec(0, EventFilter.all(), OverflowPolicy.BLOCK, 100, 1000, size, Duration.ofSeconds(1),
				this.timer, ConsumerListener.NONE);
	}

}
