package io.graphstreaming.core.journal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.options.OverflowPolicy;

import static io.graphstreaming.core.TestEvents.completed;
import static io.graphstreaming.core.TestEvents.nodeStarted;
import static io.graphstreaming.core.TestEvents.range;
import static io.graphstreaming.core.journal.ExecutionJournalTests.append;
import static io.graphstreaming.core.journal.ExecutionJournalTests.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A journal that starts after a sequence recorded elsewhere (a replica of a shared
 * journal, or a run taken over from another instance): its first event is
 * {@code startAfter + 1}, what came before reads as expired, and retention, cursors and
 * chunked storage work past the offset as they do from 1.
 */
class ExecutionJournalStartAfterTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void theFirstAppendMustBeStartAfterPlusOne() {
		ExecutionJournal journal = journal(100, 5);

		assertThatIllegalStateException().isThrownBy(() -> journal.append(nodeStarted(1)))
			.withMessage("Expected sequence 6 but got 1 in exec");
		assertThatIllegalStateException().isThrownBy(() -> journal.append(nodeStarted(5)))
			.withMessage("Expected sequence 6 but got 5 in exec");
		assertThatIllegalStateException().isThrownBy(() -> journal.append(nodeStarted(7)))
			.withMessage("Expected sequence 6 but got 7 in exec");
		assertThat(journal.head()).as("rejected appends leave the journal empty").isEqualTo(5);

		journal.append(nodeStarted(6));

		assertThat(journal.head()).isEqualTo(6);
		assertThatIllegalStateException().isThrownBy(() -> journal.append(nodeStarted(8)))
			.withMessage("Expected sequence 7 but got 8 in exec");
	}

	@Test
	void anEmptyJournalHasItsHeadAtStartAfterAndRetainsFromTheNextSequence() {
		ExecutionJournal journal = journal(100, 5);

		assertThat(journal.head()).isEqualTo(5);
		assertThat(journal.firstRetained()).isEqualTo(6);
		assertThat(journal.firstInMemory()).isEqualTo(6);
		assertThat(journal.isTerminated()).isFalse();
		assertThat(journal.entry(5)).isNull();
		assertThat(journal.entry(6)).isNull();
		JournalPage page = journal.read(5, 10, EventFilter.all());
		assertThat(page.entries()).isEmpty();
		assertThat(page.lastSequence()).isEqualTo(5);
		assertThat(page.terminalReached()).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> journal.read(6, 10, EventFilter.all()))
			.withMessage("Sequence 6 is ahead of execution exec, whose newest event is 5");
	}

	@Test
	void headAndFirstRetainedFollowAppendsPastStartAfter() {
		ExecutionJournal journal = journal(100, 5);
		append(journal, 6, 9);
		journal.append(completed(10));

		assertThat(journal.head()).isEqualTo(10);
		assertThat(journal.firstRetained()).isEqualTo(6);
		assertThat(journal.isTerminated()).isTrue();
		assertThat(journal.entry(5)).isNull();
		assertThat(journal.entry(6).sequence()).isEqualTo(6);
		assertThat(journal.entry(10).sequence()).isEqualTo(10);
	}

	@Test
	void readingAfterStartAfterReturnsTheEventsAndTheTerminalFlag() {
		ExecutionJournal journal = journal(100, 5);
		append(journal, 6, 9);
		journal.append(completed(10));

		JournalPage all = journal.read(5, 100, EventFilter.all());
		JournalPage first = journal.read(5, 2, EventFilter.all());
		JournalPage rest = journal.read(7, 100, EventFilter.all());

		assertThat(all.entries()).extracting(JournalEntry::sequence).containsExactlyElementsOf(range(6, 10));
		assertThat(all.terminalReached()).isTrue();
		assertThat(first.entries()).extracting(JournalEntry::sequence).containsExactly(6L, 7L);
		assertThat(first.lastSequence()).isEqualTo(7);
		assertThat(first.terminalReached()).isFalse();
		assertThat(rest.entries()).extracting(JournalEntry::sequence).containsExactly(8L, 9L, 10L);
		assertThat(rest.terminalReached()).isTrue();
	}

	@Test
	void readingFromBeforeStartAfterIsExpired() {
		ExecutionJournal journal = journal(100, 5);
		append(journal, 6, 8);

		EventsExpiredException fromZero = catchThrowableOfType(EventsExpiredException.class,
				() -> journal.read(0, 10, EventFilter.all()));
		EventsExpiredException fromFour = catchThrowableOfType(EventsExpiredException.class,
				() -> journal.read(4, 10, EventFilter.all()));

		assertThat(fromZero).hasMessage("Events after sequence 0 of execution exec are no longer kept; the oldest kept is 6");
		assertThat(fromZero.requestedAfter()).isZero();
		assertThat(fromZero.firstRetained()).isEqualTo(6);
		assertThat(fromFour.requestedAfter()).isEqualTo(4);
		assertThat(fromFour.firstRetained()).isEqualTo(6);
	}

	@Test
	void readingFromBeforeStartAfterIsExpiredEvenBeforeTheFirstAppend() {
		ExecutionJournal journal = journal(100, 5);

		assertThat(catchThrowableOfType(EventsExpiredException.class, () -> journal.read(0, 10, EventFilter.all())))
			.as("events 1..5 exist elsewhere, never here")
			.isNotNull();
		StepVerifier.create(journal.consume(spec(4, OverflowPolicy.BLOCK, 100)))
			.expectError(EventsExpiredException.class)
			.verify(TIMEOUT);
	}

	@Test
	void aConsumerFromStartAfterReplaysThenFollowsLiveToTheTerminalEvent() {
		ExecutionJournal journal = journal(100, 5);
		append(journal, 6, 7);

		StepVerifier.create(journal.consume(spec(5, OverflowPolicy.BLOCK, 100)).map(JournalEntry::sequence))
			.expectNext(6L, 7L)
			.then(() -> journal.append(nodeStarted(8)))
			.expectNext(8L)
			.then(() -> journal.append(completed(9)))
			.expectNext(9L)
			.verifyComplete();
		StepVerifier.create(journal.consume(spec(7, OverflowPolicy.BLOCK, 100)).map(JournalEntry::sequence))
			.expectNext(8L, 9L)
			.verifyComplete();
		assertThat(journal.consumerCount()).isZero();
	}

	@Test
	void aConsumerAttachedToAnEmptyJournalReceivesItsFirstEvents() {
		ExecutionJournal journal = journal(100, 5);

		StepVerifier.create(journal.consume(spec(5, OverflowPolicy.BLOCK, 100)).map(JournalEntry::sequence))
			.then(() -> append(journal, 6, 7))
			.expectNext(6L, 7L)
			.then(() -> journal.append(completed(8)))
			.expectNext(8L)
			.verifyComplete();
	}

	@Test
	void consumingFromBeforeStartAfterIsExpired() {
		ExecutionJournal journal = journal(100, 5);
		append(journal, 6, 7);

		StepVerifier.create(journal.consume(spec(0, OverflowPolicy.BLOCK, 100)))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(EventsExpiredException.class)
				.hasMessage("Events after sequence 0 of execution exec are no longer kept; the oldest kept is 6"))
			.verify(TIMEOUT);
		assertThat(journal.consumerCount()).isZero();
	}

	@Test
	void retentionTrimsPastStartAfterAcrossChunkBoundaries() {
		// 1001..1600 spans four 256-entry chunks, none of them the first (small, growing) one
		ExecutionJournal journal = journal(100, 1000);

		append(journal, 1001, 1600);

		assertThat(journal.head()).isEqualTo(1600);
		assertThat(journal.firstRetained()).isEqualTo(1501);
		assertThat(journal.entry(1500)).isNull();
		assertThat(journal.entry(1501).sequence()).isEqualTo(1501);
		assertThat(journal.entry(1600).sequence()).isEqualTo(1600);
		assertThat(journal.read(1500, 1000, EventFilter.all()).entries()).extracting(JournalEntry::sequence)
			.containsExactlyElementsOf(range(1501, 1600));
		assertThat(catchThrowableOfType(EventsExpiredException.class,
				() -> journal.read(1000, 10, EventFilter.all())).firstRetained())
			.isEqualTo(1501);
		journal.append(completed(1601));
		assertThat(journal.firstRetained()).isEqualTo(1502);
		assertThat(journal.read(1501, 1000, EventFilter.all()).entries()).extracting(JournalEntry::sequence)
			.containsExactlyElementsOf(range(1502, 1601));
	}

	@ParameterizedTest
	@ValueSource(longs = { 15, 16, 17, 63, 64, 100, 254, 255, 256, 257 })
	void aJournalMayStartAnywhereInItsFirstChunk(long startAfter) {
		// the first chunk starts small and grows as appends arrive; here the first append
		// may already be past its initial size
		ExecutionJournal journal = journal(10_000, startAfter);

		append(journal, startAfter + 1, startAfter + 600);

		assertThat(journal.head()).isEqualTo(startAfter + 600);
		assertThat(journal.read(startAfter, 10_000, EventFilter.all()).entries()).extracting(JournalEntry::sequence)
			.containsExactlyElementsOf(range(startAfter + 1, startAfter + 600));
	}

	@Test
	void aLosslessConsumerHoldsRetentionFromStartAfter() {
		ExecutionJournal journal = journal(100, 1000);

		StepVerifier.create(journal.consume(spec(1000, OverflowPolicy.BLOCK, 10_000)).map(JournalEntry::sequence), 0)
			.expectSubscription()
			.then(() -> append(journal, 1001, 1600))
			.then(() -> assertThat(journal.firstRetained()).as("nothing read yet, nothing trimmed").isEqualTo(1001))
			.thenRequest(300)
			.expectNextSequence(range(1001, 1300))
			.then(() -> {
				journal.append(nodeStarted(1601));
				assertThat(journal.firstRetained()).as("kept from the consumer's position").isEqualTo(1301);
			})
			.thenRequest(Long.MAX_VALUE)
			.expectNextSequence(range(1301, 1601))
			.then(() -> journal.append(completed(1602)))
			.expectNext(1602L)
			.verifyComplete();
		assertThat(journal.firstRetained()).isEqualTo(1503);
	}

	@Test
	void spilledEventsPastStartAfterReadBack(@TempDir Path directory) {
		ExecutionJournal journal = new ExecutionJournal("exec", 10_000, ExecutionJournal.PauseListener.NONE,
				new SpillSettings(directory, 4096, 10, 1 << 20, 1L << 30, new TestEventSerializer()), 1000);
		append(journal, 1001, 1299);
		journal.append(completed(1300));

		assertThat(journal.firstInMemory()).isEqualTo(1291);
		assertThat(journal.spilledSegments()).isPositive();
		assertThat(journal.entry(1000)).isNull();
		assertThat(journal.entry(1001).event()).isEqualTo(nodeStarted(1001));
		List<Long> consumed = journal.consume(spec(1000, OverflowPolicy.BLOCK, 100))
			.map(JournalEntry::sequence)
			.collectList()
			.block(TIMEOUT);
		assertThat(consumed).containsExactlyElementsOf(range(1001, 1300));
		journal.close();
		assertThat(journal.spilledSegments()).isZero();
	}

	@Test
	void aNegativeStartAfterIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> journal(100, -1))
			.withMessage("startAfter must be >= 0 but was -1");
	}

	@Test
	void startAfterZeroIsAnOrdinaryJournal() {
		ExecutionJournal journal = journal(100, 0);
		journal.append(nodeStarted(1));

		assertThat(journal.firstRetained()).isEqualTo(1);
		assertThat(journal.read(0, 10, EventFilter.all()).entries()).extracting(JournalEntry::sequence)
			.containsExactly(1L);
	}

	private static ExecutionJournal journal(int maxEvents, long startAfter) {
		return new ExecutionJournal("exec", maxEvents, ExecutionJournal.PauseListener.NONE, null, startAfter);
	}

}
