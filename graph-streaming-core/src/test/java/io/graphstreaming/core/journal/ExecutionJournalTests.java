package io.graphstreaming.core.journal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.options.OverflowPolicy;

import static io.graphstreaming.core.TestEvents.completed;
import static io.graphstreaming.core.TestEvents.nodeStarted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The journal on its own: ordered appends, reads and pages, retention, and cursors that
 * replay and then follow live.
 */
class ExecutionJournalTests {

	@Test
	void appendAcceptsOnlyTheNextSequenceAndNothingAfterTheTerminalEvent() {
		ExecutionJournal journal = new ExecutionJournal("exec", 100, ExecutionJournal.PauseListener.NONE);
		journal.append(nodeStarted(1));

		assertThatIllegalStateException().isThrownBy(() -> journal.append(nodeStarted(3)))
			.withMessage("Expected sequence 2 but got 3 in exec");
		journal.append(completed(2));
		assertThat(journal.isTerminated()).isTrue();
		assertThatIllegalStateException().isThrownBy(() -> journal.append(nodeStarted(3)))
			.withMessage("Journal of execution exec already ended");
		assertThat(journal.head()).isEqualTo(2);
	}

	@Test
	void constructorRejectsANonPositiveMaximum() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ExecutionJournal("exec", 0, ExecutionJournal.PauseListener.NONE))
			.withMessage("maxEvents must be strictly positive but was 0");
	}

	@Test
	void readReturnsAPageOfMatchingEntriesAndWhereItStopped() {
		ExecutionJournal journal = journalWith(5, true);

		JournalPage first = journal.read(0, 2, EventFilter.all());
		JournalPage rest = journal.read(first.lastSequence(), 10, EventFilter.all());
		JournalPage filtered = journal.read(0, 10,
				EventFilter.all().withTypes(List.of(GraphExecutionEventType.EXECUTION_COMPLETED)));

		assertThat(first.entries()).extracting(JournalEntry::sequence).containsExactly(1L, 2L);
		assertThat(first.lastSequence()).isEqualTo(2);
		assertThat(first.terminalReached()).isFalse();
		assertThat(rest.entries()).extracting(JournalEntry::sequence).containsExactly(3L, 4L, 5L);
		assertThat(rest.terminalReached()).isTrue();
		assertThat(filtered.entries()).extracting(JournalEntry::sequence).containsExactly(5L);
		assertThat(filtered.lastSequence()).isEqualTo(5);
	}

	@Test
	void readRejectsBadArguments() {
		ExecutionJournal journal = journalWith(3, false);

		assertThatIllegalArgumentException().isThrownBy(() -> journal.read(0, 0, EventFilter.all()))
			.withMessage("limit must be strictly positive but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> journal.read(-1, 1, EventFilter.all()))
			.withMessage("A sequence must be >= 0 but was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> journal.read(4, 1, EventFilter.all()))
			.withMessage("Sequence 4 is ahead of execution exec, whose newest event is 3");
	}

	@Test
	void retentionKeepsTheNewestEventsAndReportsTrimmedOnesAsExpired() {
		ExecutionJournal journal = new ExecutionJournal("exec", 3, ExecutionJournal.PauseListener.NONE);
		for (long sequence = 1; sequence <= 600; sequence++) {
			journal.append(nodeStarted(sequence));
		}

		assertThat(journal.firstRetained()).isEqualTo(598);
		assertThat(journal.entry(597)).isNull();
		assertThat(journal.entry(598)).isNotNull();
		assertThat(journal.read(597, 10, EventFilter.all()).entries()).extracting(JournalEntry::sequence)
			.containsExactly(598L, 599L, 600L);
		EventsExpiredException expired = org.assertj.core.api.Assertions.catchThrowableOfType(
				EventsExpiredException.class, () -> journal.read(100, 10, EventFilter.all()));
		assertThat(expired).hasMessage("Events after sequence 100 of execution exec are no longer kept; the oldest kept is 598");
		StepVerifier.create(journal.consume(spec(100, OverflowPolicy.BLOCK, 100)))
			.expectError(EventsExpiredException.class)
			.verify();
	}

	@Test
	void losslessConsumerKeepsWhatItHasNotReadPastTheRetentionCount() {
		ExecutionJournal journal = new ExecutionJournal("exec", 3, ExecutionJournal.PauseListener.NONE);

		StepVerifier.create(journal.consume(spec(0, OverflowPolicy.BLOCK, 100)), 0)
			.then(() -> append(journal, 1, 10))
			.then(() -> assertThat(journal.firstRetained()).isEqualTo(1))
			.thenRequest(4)
			.expectNextCount(4)
			.then(() -> {
				journal.append(nodeStarted(11));
				assertThat(journal.firstRetained()).isEqualTo(5);
			})
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(7)
			.then(() -> journal.append(completed(12)))
			.expectNextCount(1)
			.verifyComplete();
		assertThat(journal.firstRetained()).isEqualTo(10);
	}

	@Test
	void dropOldestConsumerDoesNotHoldRetention() {
		ExecutionJournal journal = new ExecutionJournal("exec", 3, ExecutionJournal.PauseListener.NONE);

		StepVerifier.create(journal.consume(spec(0, OverflowPolicy.DROP_OLDEST, 100)), 0)
			.then(() -> append(journal, 1, 10))
			.then(() -> assertThat(journal.firstRetained()).isEqualTo(8))
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(3)
			.thenCancel()
			.verify();
	}

	@Test
	void consumerReplaysFromItsStartThenFollowsLiveAndCompletesAfterTheTerminalEvent() {
		ExecutionJournal journal = journalWith(3, false);

		StepVerifier.create(journal.consume(spec(1, OverflowPolicy.BLOCK, 100)).map(JournalEntry::sequence))
			.expectNext(2L, 3L)
			.then(() -> journal.append(nodeStarted(4)))
			.expectNext(4L)
			.then(() -> journal.append(completed(5)))
			.expectNext(5L)
			.verifyComplete();
		assertThat(journal.consumerCount()).isZero();
	}

	@Test
	void cursorHonoursDemandOneEventAtATime() {
		ExecutionJournal journal = journalWith(4, true);

		StepVerifier.create(journal.consume(spec(0, OverflowPolicy.BLOCK, 100)).map(JournalEntry::sequence), 0)
			.expectSubscription()
			.thenRequest(1)
			.expectNext(1L)
			.thenRequest(2)
			.expectNext(2L, 3L)
			.thenRequest(1)
			.expectNext(4L)
			.verifyComplete();
	}

	@Test
	void filteredOutEventsPassWithoutDemandSoATerminalLessFilterStillCompletes() {
		ExecutionJournal journal = journalWith(5, true);
		ConsumerSpec onlyNodeCompletions = new ConsumerSpec(0,
				EventFilter.all().withTypes(List.of(GraphExecutionEventType.NODE_COMPLETED)), OverflowPolicy.BLOCK, 10,
				100, 1, Duration.ofSeconds(1), Schedulers.immediate(), ConsumerListener.NONE);

		StepVerifier.create(journal.consume(onlyNodeCompletions), 0).expectSubscription().verifyComplete();
	}

	@Test
	void awaitNewerThanCompletesWhenAnEventPastTheSequenceExists() {
		ExecutionJournal journal = journalWith(2, false);

		AtomicInteger woken = new AtomicInteger();

		StepVerifier.create(journal.awaitNewerThan(1)).verifyComplete();
		journal.awaitNewerThan(2).subscribe(null, null, woken::incrementAndGet);
		assertThat(woken).hasValue(0);
		journal.append(nodeStarted(3));
		assertThat(woken).hasValue(1);
	}

	@Test
	void aWaiterRegisteredWhileAnAppendWakesOthersWaitsForTheNextEvent() {
		ExecutionJournal journal = journalWith(1, false);
		AtomicInteger woken = new AtomicInteger();
		// Like a long poll whose filter matched nothing new: woken, it waits again past the
		// head, from within the append that woke it (bounded so that a regression ends).
		Runnable[] waitPastHead = new Runnable[1];
		waitPastHead[0] = () -> journal.awaitNewerThan(journal.head()).subscribe(null, null, () -> {
			if (woken.incrementAndGet() < 100) {
				waitPastHead[0].run();
			}
		});
		waitPastHead[0].run();

		journal.append(nodeStarted(2));
		assertThat(woken).hasValue(1);
		journal.append(nodeStarted(3));
		assertThat(woken).hasValue(2);
	}

	@Test
	void hasCapacityIsFalseOnlyWhileALosslessConsumerIsMaxBufferSizeBehind() {
		ExecutionJournal journal = new ExecutionJournal("exec", 100, ExecutionJournal.PauseListener.NONE);
		AtomicInteger released = new AtomicInteger();

		StepVerifier.create(journal.consume(spec(0, OverflowPolicy.BLOCK, 3)), 0)
			.then(() -> append(journal, 1, 2))
			.then(() -> {
				assertThat(journal.hasCapacity()).isTrue();
				assertThat(journal.awaitCapacity()).isNull();
				journal.append(nodeStarted(3));
				assertThat(journal.hasCapacity()).isFalse();
				Mono<Void> gate = journal.awaitCapacity();
				assertThat(gate).isNotNull();
				gate.subscribe(null, null, released::incrementAndGet);
				assertThat(released).hasValue(0);
			})
			.thenRequest(1)
			.expectNextCount(1)
			.then(() -> {
				assertThat(released).hasValue(1);
				assertThat(journal.hasCapacity()).isTrue();
			})
			.thenCancel()
			.verify();
	}

	@Test
	void cancelledConsumerNoLongerHoldsTheProducer() {
		ExecutionJournal journal = new ExecutionJournal("exec", 100, ExecutionJournal.PauseListener.NONE);
		AtomicInteger released = new AtomicInteger();

		StepVerifier.create(journal.consume(spec(0, OverflowPolicy.BLOCK, 2)), 0)
			.then(() -> {
				append(journal, 1, 2);
				journal.awaitCapacity().subscribe(null, null, released::incrementAndGet);
			})
			.thenCancel()
			.verify();

		assertThat(released).hasValue(1);
		assertThat(journal.hasCapacity()).isTrue();
		assertThat(journal.consumerCount()).isZero();
	}

	@Test
	void serializedFormIsComputedOncePerSerializer() {
		JournalEntry entry = new JournalEntry(nodeStarted(1));
		AtomicInteger calls = new AtomicInteger();
		Function<GraphExecutionEvent, byte[]> json = (event) -> {
			calls.incrementAndGet();
			return new byte[] { 1 };
		};
		Function<GraphExecutionEvent, byte[]> other = (event) -> new byte[] { 2 };

		byte[] first = entry.serialized(json);
		byte[] second = entry.serialized(json);

		assertThat(second).isSameAs(first);
		assertThat(calls).hasValue(1);
		assertThat(entry.serialized(other)).containsExactly(2);
	}

	@Test
	void consumerSpecRejectsInconsistentSizes() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ConsumerSpec(0, EventFilter.all(), OverflowPolicy.BLOCK, 10, 5, 1,
					Duration.ofSeconds(1), Schedulers.immediate(), ConsumerListener.NONE))
			.withMessage("need 0 < bufferSize <= maxBufferSize but got 10 and 5");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ConsumerSpec(-1, EventFilter.all(), OverflowPolicy.BLOCK, 1, 5, 1,
					Duration.ofSeconds(1), Schedulers.immediate(), ConsumerListener.NONE))
			.withMessage("afterSequence must be >= 0 but was -1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ConsumerSpec(0, EventFilter.all(), OverflowPolicy.BLOCK, 1, 5, 0,
					Duration.ofSeconds(1), Schedulers.immediate(), ConsumerListener.NONE))
			.withMessage("producerBatchSize must be strictly positive");
	}

	static ConsumerSpec spec(long after, OverflowPolicy policy, int maxBufferSize) {
		return new ConsumerSpec(after, EventFilter.all(), policy, 1, maxBufferSize, 1, Duration.ofSeconds(1),
				Schedulers.immediate(), ConsumerListener.NONE);
	}

	static void append(ExecutionJournal journal, long from, long to) {
		for (long sequence = from; sequence <= to; sequence++) {
			journal.append(nodeStarted(sequence));
		}
	}

	private static ExecutionJournal journalWith(int events, boolean terminated) {
		ExecutionJournal journal = new ExecutionJournal("exec", 100, ExecutionJournal.PauseListener.NONE);
		append(journal, 1, terminated ? events - 1 : events);
		if (terminated) {
			journal.append(completed(events));
		}
		assertThat(journal.head()).isEqualTo(events);
		return journal;
	}

}
