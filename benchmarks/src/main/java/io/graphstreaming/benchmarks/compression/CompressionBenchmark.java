package io.graphstreaming.benchmarks.compression;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.graphstreaming.core.codec.CompressionCodec;
import io.graphstreaming.core.codec.StreamCompressor;
import io.graphstreaming.core.options.CompressionAlgorithm;

/**
 * Compression ratio and throughput of {@code none}, {@code gzip} and {@code brotli} (the
 * project's codecs, default parameters) on realistic event payloads (see
 * {@link CompressionPayloads}), the two ways the transports use them:
 * <ul>
 * <li>{@link #message}: one event compressed on its own, as a WebSocket binary frame
 * (once per event, then cached in the journal entry);</li>
 * <li>{@link #stream}: SSE frames written into one compressed response stream, flushed
 * after every frame so the client decodes each event at once; one stream of 64 frames
 * per operation.</li>
 * </ul>
 * The auxiliary counters {@code inputBytes} and {@code outputBytes} (bytes per second)
 * give the throughput (input MB/s) and the ratio (output / input).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CompressionBenchmark {

	@Param({ "none", "gzip", "brotli" })
	public String algorithm;

	@Param({ "completed-200B", "completed-2KB", "completed-20KB", "tokens" })
	public String payload;

	private CompressionCodec codec;

	private List<byte[]> events;

	private List<byte[]> frames;

	private int next;

	@Setup
	public void setUp() {
		this.codec = CompressionCodec.of(CompressionAlgorithm.fromValue(this.algorithm));
		this.events = CompressionPayloads.events(this.payload);
		this.frames = new java.util.ArrayList<>();
		for (int i = 0; i < this.events.size(); i++) {
			this.frames.add(CompressionPayloads.sseFrame(this.events.get(i), i + 1));
		}
	}

	/** One event compressed on its own (a WebSocket binary frame). */
	@Benchmark
	public byte[] message(Bytes bytes) {
		byte[] event = this.events.get(this.next++ & 63);
		byte[] compressed = this.codec.compress(event);
		bytes.inputBytes += event.length;
		bytes.outputBytes += compressed.length;
		return compressed;
	}

	/** A response stream of 64 SSE frames, flushed after each. */
	@Benchmark
	@OperationsPerInvocation(64)
	public int stream(Bytes bytes) {
		int total = 0;
		try (StreamCompressor compressor = this.codec.newStreamCompressor()) {
			for (byte[] frame : this.frames) {
				compressor.write(frame);
				byte[] chunk = compressor.flush();
				bytes.inputBytes += frame.length;
				bytes.outputBytes += chunk.length;
				total += chunk.length;
			}
			byte[] last = compressor.finish();
			bytes.outputBytes += last.length;
			total += last.length;
		}
		return total;
	}

	/**
	 * Bytes before and after compression, reported by JMH per second.
	 */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.OPERATIONS)
	public static class Bytes {

		public long inputBytes;

		public long outputBytes;

		@Setup(Level.Iteration)
		public void reset() {
			this.inputBytes = 0;
			this.outputBytes = 0;
		}

	}

}
