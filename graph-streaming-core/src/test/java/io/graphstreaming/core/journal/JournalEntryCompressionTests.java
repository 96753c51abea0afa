package io.graphstreaming.core.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.graphstreaming.core.codec.CompressionCodec;
import io.graphstreaming.core.codec.GzipCodec;
import io.graphstreaming.core.codec.StreamCompressor;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.options.CompressionAlgorithm;

import static io.graphstreaming.core.TestEvents.nodeStarted;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A journal entry computes each algorithm's compressed form at most once, even when
 * consumers ask for it at the same time, and keeps it with its serialized form.
 */
class JournalEntryCompressionTests {

	private final Function<GraphExecutionEvent, byte[]> serializer = (event) -> ("{\"sequence\":" + event.sequence()
			+ ",\"text\":\"" + "compressible ".repeat(100) + "\"}").getBytes();

	@Test
	void eachAlgorithmIsCompressedOnceAndCached() {
		JournalEntry entry = new JournalEntry(nodeStarted(1));
		CountingCodec gzip = new CountingCodec(CompressionCodec.of(CompressionAlgorithm.GZIP));
		CountingCodec brotli = new CountingCodec(CompressionCodec.of(CompressionAlgorithm.BROTLI));

		byte[] gzipped = entry.compressed(this.serializer, gzip);
		byte[] again = entry.compressed(this.serializer, gzip);
		byte[] brotlied = entry.compressed(this.serializer, brotli);

		assertThat(again).isSameAs(gzipped);
		assertThat(entry.compressed(this.serializer, brotli)).isSameAs(brotlied);
		assertThat(gzip.calls).hasValue(1);
		assertThat(brotli.calls).hasValue(1);
		assertThat(gzip.decompress(gzipped)).isEqualTo(entry.serialized(this.serializer));
		assertThat(brotli.decompress(brotlied)).isEqualTo(entry.serialized(this.serializer));
		assertThat(entry.compressed(this.serializer, CompressionCodec.of(CompressionAlgorithm.NONE)))
			.isSameAs(entry.serialized(this.serializer));
	}

	@Test
	void concurrentConsumersShareOneCompression() throws Exception {
		JournalEntry entry = new JournalEntry(nodeStarted(7));
		CountingCodec gzip = new CountingCodec(GzipCodec.DEFAULT);
		int threads = 8;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<byte[]>> results = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				results.add(pool.submit(() -> {
					start.await();
					return entry.compressed(this.serializer, gzip);
				}));
			}
			start.countDown();
			byte[] first = results.get(0).get(10, TimeUnit.SECONDS);
			for (Future<byte[]> result : results) {
				assertThat(result.get(10, TimeUnit.SECONDS)).isSameAs(first);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(gzip.calls).hasValue(1);
	}

	@Test
	void anotherSerializerGetsItsOwnCompressedForm() {
		JournalEntry entry = new JournalEntry(nodeStarted(3));
		Function<GraphExecutionEvent, byte[]> other = (event) -> "{\"other\":true}".getBytes();

		byte[] first = entry.compressed(this.serializer, GzipCodec.DEFAULT);
		byte[] second = entry.compressed(other, GzipCodec.DEFAULT);

		assertThat(GzipCodec.DEFAULT.decompress(second)).isEqualTo("{\"other\":true}".getBytes());
		assertThat(second).isNotEqualTo(first);
	}

	/**
	 * Counts compressions, slowly, so that racing callers overlap.
	 */
	private static final class CountingCodec implements CompressionCodec {

		private final CompressionCodec delegate;

		private final AtomicInteger calls = new AtomicInteger();

		CountingCodec(CompressionCodec delegate) {
			this.delegate = delegate;
		}

		@Override
		public CompressionAlgorithm algorithm() {
			return this.delegate.algorithm();
		}

		@Override
		public byte[] compress(byte[] data) {
			this.calls.incrementAndGet();
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return this.delegate.compress(data);
		}

		@Override
		public byte[] decompress(byte[] data) {
			return this.delegate.decompress(data);
		}

		@Override
		public StreamCompressor newStreamCompressor() {
			return this.delegate.newStreamCompressor();
		}

	}

}
