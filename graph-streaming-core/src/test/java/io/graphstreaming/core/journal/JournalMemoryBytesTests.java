package io.graphstreaming.core.journal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.graphstreaming.core.codec.GzipCodec;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeOutputChunkEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ExecutionJournal#memoryBytes()}: the bytes cached on the entries a journal holds
 * in memory, counted once as entries are serialized (or compressed) and taken out, once,
 * as they are trimmed or spilled, also when both happen at the same time.
 */
class JournalMemoryBytesTests {

	@TempDir
	Path directory;

	private final Function<GraphExecutionEvent, byte[]> json = JournalMemoryBytesTests::json;

	@Test
	void serializingAnEntryCountsItsBytesOnce() {
		ExecutionJournal journal = journal(100);
		append(journal, 1, 10);
		assertThat(journal.memoryBytes()).as("nothing serialized yet").isZero();
		for (long sequence = 1; sequence <= 5; sequence++) {
			journal.entry(sequence).serialized(this.json);
			journal.entry(sequence).serialized(this.json);
		}
		assertThat(journal.memoryBytes()).isEqualTo(length(1, 5));
	}

	@Test
	void compressedFormsAreCountedWithTheSerializedForm() {
		ExecutionJournal journal = journal(100);
		append(journal, 1, 2);
		JournalEntry entry = journal.entry(1);
		byte[] gzipped = entry.compressed(this.json, GzipCodec.DEFAULT);
		entry.compressed(this.json, GzipCodec.DEFAULT);
		assertThat(journal.memoryBytes()).isEqualTo(length(1, 1) + gzipped.length);
	}

	@Test
	void anotherSerializerReplacesTheCountedForms() {
		ExecutionJournal journal = journal(100);
		append(journal, 1, 1);
		JournalEntry entry = journal.entry(1);
		entry.compressed(this.json, GzipCodec.DEFAULT);
		Function<GraphExecutionEvent, byte[]> other = (event) -> new byte[3];
		entry.serialized(other);
		byte[] gzipped = entry.compressed(other, GzipCodec.DEFAULT);
		assertThat(journal.memoryBytes()).isEqualTo(3 + gzipped.length);
	}

	@Test
	void trimmedEntriesAreTakenOutAndNotCountedAgain() {
		ExecutionJournal journal = journal(5);
		append(journal, 1, 5);
		JournalEntry first = journal.entry(1);
		serializeRetained(journal);
		assertThat(journal.memoryBytes()).isEqualTo(length(1, 5));
		append(journal, 6, 8);
		assertThat(journal.firstRetained()).isEqualTo(4);
		assertThat(journal.memoryBytes()).isEqualTo(length(4, 5));
		first.serialized((event) -> new byte[100]);
		first.compressed(this.json, GzipCodec.DEFAULT);
		assertThat(journal.memoryBytes()).as("an entry that left memory counts nothing").isEqualTo(length(4, 5));
		serializeRetained(journal);
		assertThat(journal.memoryBytes()).isEqualTo(length(4, 8));
	}

	@Test
	void spilledEntriesAreTakenOutAndCloseKeepsTheInMemoryOnes() {
		CachingSerializer serializer = new CachingSerializer();
		ExecutionJournal journal = new ExecutionJournal("exec", 1000, ExecutionJournal.PauseListener.NONE,
				new SpillSettings(this.directory, 4096, 10, 1 << 30, 1L << 40, serializer));
		append(journal, 1, 100);
		assertThat(journal.firstInMemory()).isEqualTo(91);
		assertThat(journal.spilledBytes()).isPositive();
		assertThat(journal.memoryBytes()).as("spilled entries were serialized, then left memory").isZero();
		journal.entry(1).serialized(serializer.function);
		assertThat(journal.memoryBytes()).as("an entry read back from a segment counts nothing").isZero();
		for (long sequence = 91; sequence <= 100; sequence++) {
			journal.entry(sequence).serialized(serializer.function);
		}
		long inMemory = serializer.length(91, 100);
		assertThat(journal.memoryBytes()).isEqualTo(inMemory);
		append(journal, 101, 101);
		assertThat(journal.memoryBytes()).isEqualTo(inMemory - serializer.length(91, 91));
		journal.close();
		assertThat(journal.spilledBytes()).isZero();
		assertThat(journal.memoryBytes()).as("the in-memory events stay readable").isEqualTo(
				inMemory - serializer.length(91, 91));
	}

	@Test
	void serializingWhileRetentionTrimsCountsExactly() throws Exception {
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			CyclicBarrier start = new CyclicBarrier(2);
			for (int iteration = 0; iteration < 2000; iteration++) {
				ExecutionJournal journal = journal(1);
				append(journal, 1, 1);
				JournalEntry first = journal.entry(1);
				Future<?> serializing = pool.submit(() -> {
					start.await();
					first.compressed(this.json, GzipCodec.DEFAULT);
					return null;
				});
				start.await();
				append(journal, 2, 2);
				serializing.get(10, TimeUnit.SECONDS);
				assertThat(journal.memoryBytes()).as("iteration %d", iteration).isZero();
				journal.entry(2).serialized(this.json);
				assertThat(journal.memoryBytes()).as("iteration %d", iteration).isEqualTo(length(2, 2));
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void readersSerializingAsRetentionTrimsLeaveTheExactCount() throws Exception {
		ExecutionJournal journal = journal(16);
		assertExactUnderConcurrentReaders(journal, this.json, 20_000);
	}

	@Test
	void readersSerializingAsEntriesSpillLeaveTheExactCount() throws Exception {
		CachingSerializer serializer = new CachingSerializer();
		ExecutionJournal journal = new ExecutionJournal("exec", 5000, ExecutionJournal.PauseListener.NONE,
				new SpillSettings(this.directory, 64 * 1024, 8, 1 << 30, 1L << 40, serializer));
		assertExactUnderConcurrentReaders(journal, serializer.function, 20_000);
		journal.close();
	}

	/**
	 * Appends events while two readers serialize (and compress) the oldest entries in
	 * memory, those the next append trims or spills, then serializes every entry still in
	 * memory: the count must be their bytes exactly.
	 */
	private static void assertExactUnderConcurrentReaders(ExecutionJournal journal,
			Function<GraphExecutionEvent, byte[]> serializer, int events) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(2);
		AtomicBoolean done = new AtomicBoolean();
		CountDownLatch started = new CountDownLatch(2);
		try {
			Future<?>[] readers = new Future<?>[2];
			for (int i = 0; i < readers.length; i++) {
				boolean compress = (i == 1);
				readers[i] = pool.submit(() -> {
					started.countDown();
					while (!done.get()) {
						// the entries about to leave memory, and one just read back from disk
						long oldest = journal.firstInMemory();
						for (long sequence = Math.max(1, oldest - 1); sequence <= oldest + 3; sequence++) {
							JournalEntry entry = journal.entry(sequence);
							if (entry != null) {
								if (compress) {
									entry.compressed(serializer, GzipCodec.DEFAULT);
								}
								else {
									entry.serialized(serializer);
								}
							}
						}
					}
				});
			}
			started.await(10, TimeUnit.SECONDS);
			append(journal, 1, events);
			done.set(true);
			for (Future<?> reader : readers) {
				reader.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		long expected = 0;
		for (long sequence = journal.firstInMemory(); sequence <= journal.head(); sequence++) {
			JournalEntry entry = journal.entry(sequence);
			expected += entry.serialized(serializer).length + entry.compressed(serializer, GzipCodec.DEFAULT).length;
		}
		assertThat(journal.memoryBytes()).isEqualTo(expected);
	}

	private static ExecutionJournal journal(int maxEvents) {
		return new ExecutionJournal("exec", maxEvents, ExecutionJournal.PauseListener.NONE);
	}

	private static void append(ExecutionJournal journal, long from, long to) {
		for (long sequence = from; sequence <= to; sequence++) {
			journal.append(chunk(sequence));
		}
	}

	private void serializeRetained(ExecutionJournal journal) {
		for (long sequence = journal.firstRetained(); sequence <= journal.head(); sequence++) {
			journal.entry(sequence).serialized(this.json);
		}
	}

	private static NodeOutputChunkEvent chunk(long sequence) {
		return new NodeOutputChunkEvent("exec", "g", sequence, Instant.EPOCH, "n", sequence,
				"chunk " + sequence + " " + "x".repeat((int) (sequence % 13)));
	}

	private static byte[] json(GraphExecutionEvent event) {
		return ("{\"sequence\":" + event.sequence() + ",\"chunk\":\"" + ((NodeOutputChunkEvent) event).chunk() + "\"}")
			.getBytes(StandardCharsets.UTF_8);
	}

	private static long length(long from, long to) {
		long bytes = 0;
		for (long sequence = from; sequence <= to; sequence++) {
			bytes += json(chunk(sequence)).length;
		}
		return bytes;
	}

	/**
	 * A spill serializer whose bytes are also the entry's cached serialized form, as the
	 * Spring Boot starter's JSON serializer is.
	 */
	private static final class CachingSerializer implements EventSerializer {

		private final TestEventSerializer delegate = new TestEventSerializer();

		final Function<GraphExecutionEvent, byte[]> function = this.delegate::serialize;

		@Override
		public byte[] serialize(GraphExecutionEvent event) {
			return this.delegate.serialize(event);
		}

		@Override
		public byte[] serialize(JournalEntry entry) {
			return entry.serialized(this.function);
		}

		@Override
		public GraphExecutionEvent deserialize(byte[] bytes) {
			return this.delegate.deserialize(bytes);
		}

		long length(long from, long to) {
			long bytes = 0;
			for (long sequence = from; sequence <= to; sequence++) {
				bytes += this.delegate.serialize(chunk(sequence)).length;
			}
			return bytes;
		}

	}

}
