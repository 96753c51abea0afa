package io.graphstreaming.core.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeOutputChunkEvent;
import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.graphstreaming.core.TestEvents.completed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Memory-mapped spill: the journal keeps its newest events in memory and older ones in
 * segment files; cursors read either, byte-identical, and the files go when the journal
 * is closed.
 */
class SpillTests {

	@TempDir
	Path directory;

	private final TestEventSerializer serializer = new TestEventSerializer();

	@Test
	void eventsRoundTripAcrossSegmentBoundariesAndRecordsLargerThanASegment() {
		ExecutionJournal journal = new ExecutionJournal("exec", 10_000, ExecutionJournal.PauseListener.NONE,
				new SpillSettings(this.directory, 4096, 10, 1 << 30, 1L << 40, this.serializer));
		List<GraphExecutionEvent> originals = new ArrayList<>();
		for (int i = 1; i <= 1000; i++) {
			GraphExecutionEvent event = chunk(i, "p" + i + "-" + "z".repeat((i * 37) % 6000));
			originals.add(event);
			journal.append(event);
		}
		originals.add(completed(1001));
		journal.append(completed(1001));

		assertThat(journal.firstInMemory()).isEqualTo(992);
		assertThat(journal.spilledSegments()).isGreaterThan(100);
		for (GraphExecutionEvent original : originals) {
			JournalEntry entry = journal.entry(original.sequence());
			assertThat(entry).isNotNull();
			assertThat(entry.event()).isEqualTo(original);
			assertThat(this.serializer.serialize(entry.event())).isEqualTo(this.serializer.serialize(original));
		}
		JournalPage page = journal.read(0, 5000, EventFilter.all());
		assertThat(page.entries()).extracting(JournalEntry::event).containsExactlyElementsOf(originals);
		assertThat(page.terminalReached()).isTrue();
		List<GraphExecutionEvent> consumed = journal.consume(spec(OverflowPolicy.BLOCK, 0))
			.map(JournalEntry::event)
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(consumed).containsExactlyElementsOf(originals);

		Path segments = journal.spillDirectory();
		assertThat(segments).isDirectory();
		journal.close();
		assertThat(segments).doesNotExist();
		assertThat(journal.spilledBytes()).isZero();
		assertThat(journal.entry(1)).as("spilled events are gone once closed").isNull();
		assertThat(journal.entry(1001)).as("in-memory ones stay").isNotNull();
	}

	@Test
	void retentionDeletesWhollyTrimmedSegmentsAndReturnsTheirBytes() throws IOException {
		ExecutionJournal journal = new ExecutionJournal("exec", 100, ExecutionJournal.PauseListener.NONE,
				new SpillSettings(this.directory, 4096, 10, 1 << 30, 1L << 40, this.serializer));
		for (int i = 1; i <= 2000; i++) {
			journal.append(chunk(i, "x".repeat(500)));
		}
		assertThat(journal.firstRetained()).isEqualTo(1901);
		// 90 spilled events of ~560 bytes, 7 per segment: at most 14 segments, plus one partly trimmed
		assertThat(journal.spilledSegments()).isLessThanOrEqualTo(15);
		try (Stream<Path> files = Files.list(journal.spillDirectory())) {
			assertThat(files.count()).isEqualTo(journal.spilledSegments());
		}
		assertThat(journal.spilledBytes()).isEqualTo(journal.spilledSegments() * 4096L);
		assertThat(journal.entry(1901).event()).isEqualTo(chunk(1901, "x".repeat(500)));
		journal.close();
	}

	@Test
	void segmentsAreNotDeletedWhileASlowCursorStillReadsThem() throws InterruptedException {
		ExecutionJournal journal = new ExecutionJournal("exec", 10_000, ExecutionJournal.PauseListener.NONE,
				new SpillSettings(this.directory, 4096, 10, 1 << 30, 1L << 40, this.serializer));
		for (int i = 1; i <= 500; i++) {
			journal.append(chunk(i, "payload " + i + " " + "y".repeat(300)));
		}
		journal.append(completed(501));
		StalledConsumer consumer = new StalledConsumer();
		journal.consume(spec(OverflowPolicy.BLOCK, 0)).subscribe(consumer);
		consumer.request(100);
		assertThat(consumer.received).hasSize(100);

		journal.close();
		Path segments = journal.spillDirectory();
		assertThat(segments).as("a consumer still reads them").isDirectory();
		assertThat(journal.spilledSegments()).isPositive();

		consumer.request(Long.MAX_VALUE);
		assertThat(consumer.awaitDone()).isNull();
		assertThat(consumer.received).extracting(GraphExecutionEvent::sequence)
			.containsExactlyElementsOf(range(1, 501));
		assertThat(consumer.received.get(499)).isEqualTo(chunk(500, "payload 500 " + "y".repeat(300)));
		assertThat(segments).as("deleted when the last consumer left").doesNotExist();
	}

	/**
	 * The spill test: a 200,000-event run with 1 KiB payloads and a stalled
	 * consumer; the run is not paused (the backlog lives in segments, at most 1,000
	 * events in memory); then drained: every event once, in order, byte-identical to what
	 * was spilled, and the files gone after eviction.
	 */
	@Test
	void aStalledConsumerOfA200000EventRunGetsEveryEventOnceInOrderByteIdentical() throws Exception {
		int chunks = 200_000;
		long[] spilledCrcs = new long[chunks + 16];
		EventSerializer recording = new EventSerializer() {
			@Override
			public byte[] serialize(GraphExecutionEvent event) {
				byte[] bytes = SpillTests.this.serializer.serialize(event);
				spilledCrcs[(int) event.sequence()] = crc(bytes);
				return bytes;
			}

			@Override
			public GraphExecutionEvent deserialize(byte[] bytes) {
				return SpillTests.this.serializer.deserialize(bytes);
			}
		};
		StreamingGraphExecutor executor = new StreamingGraphExecutor("spill", "streams 200,000 chunks of 1 KiB");
		executor.addNode(GraphNode.async("tokens", (state, context) -> Flux.range(0, chunks)
			.concatMap((i) -> context.emitChunkAndAwaitCapacity(payload(i)))
			.then(Mono.just(Map.of()))));
		executor.setStartNode("tokens");
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withBufferSize(10)
			.withMaxBufferSize(100)
			.withMemoryMappedBuffers(true, 16 * 1024 * 1024, this.directory)
			.withMemoryMappedLimits(1000, 1L << 30, 1L << 32)
			.withEventSerializer(recording)
			.withJournalRetention(Duration.ZERO)
			.build();
		ExecutionRegistry registry = new ExecutionRegistry(4, Duration.ofMinutes(1), Clock.systemUTC());
		GraphExecution execution = registry.create(executor, Map.of(), options);
		StalledConsumer consumer = new StalledConsumer();

		execution.entries(ConsumerSpec.of(options, 0, EventFilter.all())).subscribe(consumer);
		execution.result().block(Duration.ofSeconds(60));

		ExecutionJournal journal = execution.journal();
		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(consumer.received).isEmpty();
		long head = journal.head();
		assertThat(head).isGreaterThan(chunks);
		assertThat(head - journal.firstInMemory() + 1).as("events in memory").isEqualTo(1000);
		assertThat(journal.spilledSegments()).isGreaterThanOrEqualTo(12);
		Path segments = journal.spillDirectory();
		assertThat(segments.getParent()).isEqualTo(this.directory);

		long[] verified = new long[1];
		consumer.onEach = (event) -> {
			int sequence = (int) event.sequence();
			if (event instanceof NodeOutputChunkEvent chunk && chunk.chunk() instanceof String text) {
				assertThat(text).isEqualTo(payload((int) chunk.chunkIndex()));
			}
			if (spilledCrcs[sequence] != 0) {
				assertThat(crc(this.serializer.serialize(event))).isEqualTo(spilledCrcs[sequence]);
				verified[0]++;
			}
		};
		consumer.request(Long.MAX_VALUE);
		assertThat(consumer.awaitDone()).isNull();
		assertThat(consumer.count).isEqualTo(head);
		assertThat(consumer.outOfOrder).isFalse();
		assertThat(verified[0]).isEqualTo(head - 1000);

		assertThat(segments).isDirectory();
		assertThat(registry.evictExpired()).isEqualTo(1);
		assertThat(segments).doesNotExist();
		try (Stream<Path> left = Files.list(this.directory)) {
			assertThat(left).isEmpty();
		}
		registry.close();
	}

	@Test
	void anExhaustedDiskBudgetPausesTheRunUnderBlockLosingNothing() throws Exception {
		StreamingGraphExecutor executor = chunkGraph(2000);
		StreamingExecutionOptions options = budgetOptions(OverflowPolicy.BLOCK);
		GraphExecution execution = executor.createExecution(Map.of(), options);
		StalledConsumer consumer = new StalledConsumer();

		execution.entries(ConsumerSpec.of(options, 0, EventFilter.all())).subscribe(consumer);
		ExecutionJournal journal = execution.journal();
		long head = awaitPaused(journal);

		assertThat(execution.status()).isEqualTo(ExecutionStatus.RUNNING);
		assertThat(journal.spillFull()).isTrue();
		assertThat(journal.spilledBytes()).isEqualTo(128 * 1024);
		assertThat(head).as("about 120 spilled + 100 in memory").isBetween(200L, 260L);
		Thread.sleep(200);
		assertThat(journal.head()).as("still paused").isEqualTo(head);

		consumer.request(Long.MAX_VALUE);
		assertThat(consumer.awaitDone()).isNull();
		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(consumer.count).isEqualTo(journal.head());
		assertThat(consumer.outOfOrder).isFalse();
		journal.close();
		assertThat(journal.spillDirectory()).doesNotExist();
	}

	@Test
	void anExhaustedDiskBudgetUnderFailFailsTheConsumerAtMaxBufferSizeAsWithoutSpill() throws Exception {
		GraphExecution execution = chunkGraph(2000).createExecution(Map.of(), budgetOptions(OverflowPolicy.FAIL));
		StalledConsumer consumer = new StalledConsumer();

		execution.entries(ConsumerSpec.of(execution.options(), 0, EventFilter.all())).subscribe(consumer);
		execution.result().block(Duration.ofSeconds(20));

		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(consumer.awaitDone()).isInstanceOf(BufferOverflowException.class);
		assertThat(execution.journal().spilledBytes()).isLessThanOrEqualTo(128 * 1024);
		execution.journal().close();
	}

	@Test
	void anExhaustedDiskBudgetUnderDropOldestDropsAsWithoutSpill() throws Exception {
		GraphExecution execution = chunkGraph(2000).createExecution(Map.of(),
				budgetOptions(OverflowPolicy.DROP_OLDEST));
		StalledConsumer consumer = new StalledConsumer();

		execution.entries(ConsumerSpec.of(execution.options(), 0, EventFilter.all())).subscribe(consumer);
		execution.result().block(Duration.ofSeconds(20));
		consumer.request(Long.MAX_VALUE);

		assertThat(consumer.awaitDone()).isNull();
		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(consumer.count).isEqualTo(50);
		assertThat(consumer.outOfOrder).isFalse();
		assertThat(consumer.last.isTerminal()).isTrue();
		execution.journal().close();
	}

	private StreamingExecutionOptions budgetOptions(OverflowPolicy policy) {
		return StreamingExecutionOptions.builder()
			.withBufferSize(10)
			.withMaxBufferSize(50)
			.withOverflowPolicy(policy)
			.withMemoryMappedBuffers(true, 64 * 1024, this.directory)
			.withMemoryMappedLimits(100, 128 * 1024, 1L << 32)
			.withEventSerializer(this.serializer)
			.build();
	}

	private static StreamingGraphExecutor chunkGraph(int chunks) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("budget", "streams 1 KiB chunks");
		executor.addNode(GraphNode.async("tokens", (state, context) -> Flux.range(0, chunks)
			.concatMap((i) -> context.emitChunkAndAwaitCapacity(payload(i)))
			.then(Mono.just(Map.of()))));
		executor.setStartNode("tokens");
		return executor;
	}

	private static long awaitPaused(ExecutionJournal journal) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		long head = -1;
		while (System.nanoTime() < deadline) {
			long now = journal.head();
			if (!journal.hasCapacity() && now == head) {
				return now;
			}
			head = now;
			Thread.sleep(50);
		}
		throw new AssertionError("the run did not pause; head " + journal.head());
	}

	private static String payload(int index) {
		String prefix = "chunk " + index + " ";
		return prefix + "abcdefghijklmnopqrstuvwxyz0123456789".repeat(30).substring(0, 1024 - prefix.length());
	}

	private static GraphExecutionEvent chunk(long sequence, String text) {
		return new NodeOutputChunkEvent("exec", "g", sequence, Instant.ofEpochSecond(1000, sequence), "n",
				sequence - 1, text);
	}

	private static ConsumerSpec spec(OverflowPolicy policy, long after) {
		return new ConsumerSpec(after, EventFilter.all(), policy, 10, 50, 1, Duration.ofMillis(10),
				Schedulers.parallel(), ConsumerListener.NONE);
	}

	private static List<Long> range(long from, long to) {
		Long[] values = new Long[(int) (to - from + 1)];
		Arrays.setAll(values, (i) -> from + i);
		return List.of(values);
	}

	private static long crc(byte[] bytes) {
		CRC32 crc = new CRC32();
		crc.update(bytes);
		return crc.getValue() | (1L << 40);
	}

	/**
	 * Requests nothing until told to; keeps the first 1,000 events, counts the rest.
	 */
	private static final class StalledConsumer extends BaseSubscriber<JournalEntry> {

		final List<GraphExecutionEvent> received = new ArrayList<>();

		final CountDownLatch done = new CountDownLatch(1);

		final AtomicReference<Throwable> error = new AtomicReference<>();

		volatile java.util.function.Consumer<GraphExecutionEvent> onEach = (event) -> {
		};

		long count;

		boolean outOfOrder;

		GraphExecutionEvent last;

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
		}

		@Override
		protected void hookOnNext(JournalEntry entry) {
			GraphExecutionEvent event = entry.event();
			if (this.last != null && event.sequence() <= this.last.sequence()) {
				this.outOfOrder = true;
			}
			this.last = event;
			this.count++;
			if (this.received.size() < 1000) {
				this.received.add(event);
			}
			this.onEach.accept(event);
		}

		@Override
		protected void hookOnComplete() {
			this.done.countDown();
		}

		@Override
		protected void hookOnError(Throwable throwable) {
			this.error.set(throwable);
			this.done.countDown();
		}

		Throwable awaitDone() throws InterruptedException {
			assertThat(this.done.await(30, TimeUnit.SECONDS)).as("consumer done").isTrue();
			return this.error.get();
		}

	}

}
