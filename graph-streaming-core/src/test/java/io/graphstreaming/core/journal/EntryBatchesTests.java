package io.graphstreaming.core.journal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.options.OverflowPolicy;

import static io.graphstreaming.core.TestEvents.completed;
import static io.graphstreaming.core.TestEvents.nodeStarted;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ExecutionJournal#consumeBatches}: the entries a producer batch releases arrive
 * as one list (what a transport writes as one message), never more than the batch size,
 * never more lists than requested, and nothing held back for a later entry.
 */
class EntryBatchesTests {

	private final VirtualTimeScheduler timer = VirtualTimeScheduler.create();

	private final ExecutionJournal journal = new ExecutionJournal("exec", 1000, ExecutionJournal.PauseListener.NONE);

	private final List<List<Long>> delivered = new CopyOnWriteArrayList<>();

	@Test
	void fullProducerBatchArrivesAsOneList() {
		subscribe(3);

		this.journal.append(nodeStarted(1));
		this.journal.append(nodeStarted(2));
		assertThat(this.delivered).isEmpty();
		this.journal.append(nodeStarted(3));

		assertThat(this.delivered).containsExactly(List.of(1L, 2L, 3L));
	}

	@Test
	void partialBatchFlushedByTheIntervalArrivesAsOneList() {
		subscribe(3);

		this.journal.append(nodeStarted(1));
		this.journal.append(nodeStarted(2));
		this.timer.advanceTimeBy(Duration.ofSeconds(1));

		assertThat(this.delivered).containsExactly(List.of(1L, 2L));
	}

	@Test
	void backlogLongerThanABatchIsSplitIntoListsOfTheBatchSize() {
		for (long sequence = 1; sequence <= 7; sequence++) {
			this.journal.append(nodeStarted(sequence));
		}
		this.journal.append(completed(8));

		subscribe(3);

		assertThat(this.delivered).containsExactly(List.of(1L, 2L, 3L), List.of(4L, 5L, 6L), List.of(7L, 8L));
	}

	@Test
	void listsAreDeliveredOnlyAsRequestedAndNothingIsLostMeanwhile() {
		for (long sequence = 1; sequence <= 5; sequence++) {
			this.journal.append(nodeStarted(sequence));
		}
		StepVerifier.create(this.journal.consumeBatches(batching(2)).map(EntryBatchesTests::sequences), 0)
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(10))
			.thenRequest(1)
			.expectNext(List.of(1L, 2L))
			.then(() -> {
				this.journal.append(nodeStarted(6));
				this.journal.append(completed(7));
			})
			.expectNoEvent(Duration.ofMillis(10))
			.thenRequest(2)
			.expectNext(List.of(3L, 4L), List.of(5L, 6L))
			.thenRequest(1)
			.expectNext(List.of(7L))
			.verifyComplete();
	}

	@Test
	void filteredEntriesAreLeftOutOfTheLists() {
		ConsumerSpec spec = new ConsumerSpec(0, EventFilter.all().withPredicate((event) -> event.sequence() % 2 == 0),
				OverflowPolicy.BLOCK, 100, 1000,
				2, Duration.ofSeconds(1), this.timer, ConsumerListener.NONE);
		this.journal.consumeBatches(spec).map(EntryBatchesTests::sequences).subscribe(this.delivered::add);

		for (long sequence = 1; sequence <= 5; sequence++) {
			this.journal.append(nodeStarted(sequence));
		}
		this.journal.append(completed(6));

		assertThat(this.delivered.stream().flatMap(List::stream)).containsExactly(2L, 4L, 6L);
		assertThat(this.delivered).allSatisfy((list) -> assertThat(list).hasSizeLessThanOrEqualTo(2));
	}

	@Test
	void completesAfterTheListHoldingTheTerminalEvent() {
		StepVerifier.create(this.journal.consumeBatches(batching(10)).map(EntryBatchesTests::sequences))
			.then(() -> {
				this.journal.append(nodeStarted(1));
				this.journal.append(completed(2));
			})
			.expectNext(List.of(1L, 2L))
			.verifyComplete();
	}

	private void subscribe(int batchSize) {
		this.journal.consumeBatches(batching(batchSize)).map(EntryBatchesTests::sequences).subscribe(this.delivered::add);
	}

	private ConsumerSpec batching(int size) {
		return new ConsumerSpec(0, EventFilter.all(), OverflowPolicy.BLOCK, 100, 1000, size, Duration.ofSeconds(1),
				this.timer, ConsumerListener.NONE);
	}

	private static List<Long> sequences(List<JournalEntry> entries) {
		return entries.stream().map(JournalEntry::sequence).toList();
	}

}
