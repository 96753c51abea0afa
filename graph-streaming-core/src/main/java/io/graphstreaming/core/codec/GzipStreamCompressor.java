package io.graphstreaming.core.codec;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import io.graphstreaming.core.options.CompressionAlgorithm;

/**
 * One gzip member written chunk by chunk. Each flush ends with a DEFLATE sync flush (an
 * empty stored block that byte-aligns the stream), so that every chunk boundary is a
 * point where a decoder has produced all input so far. {@link #flushUncompressed()}
 * switches the deflater to level 0 for that chunk: the bytes go out as stored blocks, in
 * the same stream and window, so later compressed chunks may still refer back to them.
 */
final class GzipStreamCompressor implements StreamCompressor {

	private static final byte[] EMPTY = new byte[0];

	private final int level;

	private final Deflater deflater;

	private final CRC32 crc = new CRC32();

	private final byte[] output = new byte[8 * 1024];

	private byte[] pending = new byte[1024];

	private int pendingLength;

	private long totalIn;

	private int currentLevel;

	private boolean headerWritten;

	private boolean closed;

	GzipStreamCompressor(int level) {
		this.level = level;
		this.currentLevel = level;
		this.deflater = new Deflater(level, true);
	}

	@Override
	public CompressionAlgorithm algorithm() {
		return CompressionAlgorithm.GZIP;
	}

	@Override
	public synchronized void write(byte[] bytes, int offset, int length) {
		if (this.closed) {
			return;
		}
		int needed = this.pendingLength + length;
		if (needed > this.pending.length) {
			this.pending = Arrays.copyOf(this.pending, Math.max(needed, this.pending.length * 2));
		}
		System.arraycopy(bytes, offset, this.pending, this.pendingLength, length);
		this.pendingLength = needed;
	}

	@Override
	public synchronized byte[] flush() {
		return flushAt(this.level);
	}

	@Override
	public synchronized byte[] flushUncompressed() {
		return flushAt(Deflater.NO_COMPRESSION);
	}

	@Override
	public boolean canStoreUncompressed() {
		return true;
	}

	@Override
	public synchronized byte[] finish() {
		if (this.closed) {
			return EMPTY;
		}
		ByteArrayOutputStream chunk = startChunk();
		useLevel(this.level, chunk);
		takePending();
		this.deflater.finish();
		while (!this.deflater.finished()) {
			int written = this.deflater.deflate(this.output);
			chunk.write(this.output, 0, written);
		}
		GzipCodec.writeTrailer(chunk, this.crc.getValue(), this.totalIn);
		close();
		return chunk.toByteArray();
	}

	@Override
	public synchronized void close() {
		if (!this.closed) {
			this.closed = true;
			this.deflater.end();
		}
	}

	private byte[] flushAt(int chunkLevel) {
		if (this.closed) {
			return EMPTY;
		}
		ByteArrayOutputStream chunk = startChunk();
		useLevel(chunkLevel, chunk);
		takePending();
		int written;
		do {
			written = this.deflater.deflate(this.output, 0, this.output.length, Deflater.SYNC_FLUSH);
			chunk.write(this.output, 0, written);
		}
		while (written == this.output.length);
		return chunk.toByteArray();
	}

	private ByteArrayOutputStream startChunk() {
		ByteArrayOutputStream chunk = new ByteArrayOutputStream(this.pendingLength / 2 + 32);
		if (!this.headerWritten) {
			chunk.writeBytes(GzipCodec.HEADER);
			this.headerWritten = true;
		}
		return chunk;
	}

	/**
	 * Changes the level between chunks. The JDK applies a new level on the next
	 * {@code deflate} call, compressing that call's input with the old level; calling it
	 * once with no input right after a sync flush applies the level cleanly, so the whole
	 * next chunk uses it.
	 */
	private void useLevel(int chunkLevel, ByteArrayOutputStream chunk) {
		if (chunkLevel == this.currentLevel) {
			return;
		}
		this.deflater.setLevel(chunkLevel);
		this.currentLevel = chunkLevel;
		this.deflater.setInput(EMPTY);
		int written = this.deflater.deflate(this.output, 0, this.output.length, Deflater.NO_FLUSH);
		chunk.write(this.output, 0, written);
	}

	private void takePending() {
		this.deflater.setInput(this.pending, 0, this.pendingLength);
		this.crc.update(this.pending, 0, this.pendingLength);
		this.totalIn += this.pendingLength;
		this.pendingLength = 0;
	}

}
