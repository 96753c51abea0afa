package io.graphstreaming.spring.web.sse;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;

import io.graphstreaming.core.codec.CompressionPolicy;
import io.graphstreaming.core.codec.StreamCompressor;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.spring.metrics.TransportMetrics;

/**
 * The compressed body of one HTTP event stream ({@code Content-Encoding: gzip} or
 * {@code br}): one {@link StreamCompressor} for the whole response, flushed after every
 * frame, so that each buffer handed to the server is a chunk from which the client
 * decodes that frame at once.
 *
 * <p>The compression threshold applies frame by frame where the format allows it: with
 * gzip, a frame the {@link CompressionPolicy} does not pick is written as stored
 * (uncompressed) DEFLATE blocks in the same stream, costing a few bytes of framing, and
 * counts as skipped. Brotli's encoder cannot switch to storing in the middle of a stream,
 * so with {@code br} every frame is compressed (Brotli itself stores a block when that is
 * smaller). Heartbeats go through the same stream but are not events: they are stored
 * (gzip) or compressed (Brotli) and never counted or measured.
 *
 * <p>Not thread-safe for writing: the frames of a response come one at a time (the
 * heartbeats are merged in before this stage). {@link #close()} may come from any thread.
 */
final class CompressedFrameStream {

	private final EventFrameEncoder encoder;

	private final StreamCompressor compressor;

	private final CompressionPolicy policy;

	private final TransportMetrics metrics;

	private final DataBufferFactory bufferFactory;

	private final String algorithm;

	CompressedFrameStream(EventFrameEncoder encoder, StreamCompressor compressor, CompressionPolicy policy,
			TransportMetrics metrics, DataBufferFactory bufferFactory) {
		this.encoder = Objects.requireNonNull(encoder, "encoder");
		this.compressor = Objects.requireNonNull(compressor, "compressor");
		this.policy = Objects.requireNonNull(policy, "policy");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
		this.bufferFactory = Objects.requireNonNull(bufferFactory, "bufferFactory");
		this.algorithm = compressor.algorithm().value();
	}

	/**
	 * The chunk carrying one event's frame.
	 */
	DataBuffer event(JournalEntry entry) {
		return this.bufferFactory.wrap(chunk(entry));
	}

	private byte[] chunk(JournalEntry entry) {
		int size = this.encoder.writeTo(this.compressor, entry);
		boolean compress = !this.compressor.canStoreUncompressed() || this.policy.shouldCompress(size);
		byte[] chunk;
		if (compress) {
			chunk = this.compressor.flush();
			this.policy.recordCompressed(size, chunk.length);
			this.metrics.eventCompressed(this.algorithm, size, chunk.length);
		}
		else {
			chunk = this.compressor.flushUncompressed();
			this.metrics.eventCompressionSkipped(this.algorithm);
		}
		return chunk;
	}

	/**
	 * One buffer carrying the frames of several events, each compressed (or stored) and
	 * flushed as {@link #event} does, so the threshold still applies frame by frame.
	 */
	DataBuffer events(List<JournalEntry> entries) {
		List<DataBuffer> chunks = new ArrayList<>(entries.size());
		for (JournalEntry entry : entries) {
			chunks.add(this.bufferFactory.wrap(chunk(entry)));
		}
		// one message for the server; Netty's factory joins without copying
		return this.bufferFactory.join(chunks);
	}

	/**
	 * The chunk carrying a heartbeat comment.
	 */
	DataBuffer heartbeat() {
		this.encoder.writeHeartbeatTo(this.compressor);
		return this.bufferFactory.wrap(this.compressor.flushUncompressed());
	}

	/**
	 * The last chunk of the stream (the gzip trailer, Brotli's last meta-block).
	 */
	DataBuffer finish() {
		return this.bufferFactory.wrap(this.compressor.finish());
	}

	/**
	 * Releases the compressor (idempotent; after {@link #finish()} too).
	 */
	void close() {
		this.compressor.close();
	}

}
