package io.graphstreaming.core.codec;

import io.graphstreaming.core.options.CompressionAlgorithm;

/**
 * One compressed stream (an HTTP response body with {@code Content-Encoding}), written
 * frame by frame. {@link #write(byte[])} buffers; {@link #flush()} compresses what was
 * written since the last flush and returns a chunk that, appended to the chunks returned
 * before, is a prefix of the stream from which a standard decoder (gzip's
 * {@code Z_SYNC_FLUSH}, Brotli's {@code BROTLI_OPERATION_FLUSH}) recovers every byte
 * written so far. So a client decodes each event when its chunk arrives, without
 * waiting for the next. {@link #finish()} returns the stream's last chunk (the gzip
 * trailer, Brotli's last meta-block).
 *
 * <p>Methods are synchronized, so {@link #close()} may come from another thread (a
 * cancelled response) while a frame is being written; after {@code close()}, writes are
 * ignored and flushes return an empty array.
 */
public interface StreamCompressor extends AutoCloseable {

	/**
	 * The algorithm of the stream.
	 * @return the algorithm
	 */
	CompressionAlgorithm algorithm();

	/**
	 * Appends bytes to the current chunk.
	 * @param bytes the bytes, copied
	 */
	default void write(byte[] bytes) {
		write(bytes, 0, bytes.length);
	}

	/**
	 * Appends bytes to the current chunk.
	 * @param bytes the array, copied
	 * @param offset the first byte
	 * @param length how many bytes
	 */
	void write(byte[] bytes, int offset, int length);

	/**
	 * Compresses the bytes written since the last flush.
	 * @return the next chunk of the stream (possibly empty after {@link #close()})
	 */
	byte[] flush();

	/**
	 * Emits the bytes written since the last flush without compressing them, where the
	 * format allows it in the middle of a stream (see {@link #canStoreUncompressed()});
	 * otherwise the same as {@link #flush()}.
	 * @return the next chunk of the stream
	 */
	byte[] flushUncompressed();

	/**
	 * Whether {@link #flushUncompressed()} really stores bytes uncompressed: {@code true}
	 * for gzip (stored DEFLATE blocks) and {@code none}; {@code false} for Brotli, whose
	 * encoder cannot change its quality in the middle of a stream.
	 * @return whether chunks can be stored uncompressed
	 */
	boolean canStoreUncompressed();

	/**
	 * Flushes what is pending and ends the stream; the compressor is closed afterwards.
	 * @return the last chunk of the stream
	 */
	byte[] finish();

	/**
	 * Releases the compressor's resources (native memory for Brotli and gzip). Idempotent
	 * and safe from any thread.
	 */
	@Override
	void close();

}
