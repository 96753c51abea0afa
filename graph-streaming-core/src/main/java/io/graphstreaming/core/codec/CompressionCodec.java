package io.graphstreaming.core.codec;

import io.graphstreaming.core.options.CompressionAlgorithm;

/**
 * Compresses and decompresses serialized events with one algorithm. Implementations are
 * immutable and thread-safe; {@link #of(CompressionAlgorithm)} returns shared instances.
 *
 * <p>{@link #compress(byte[])} makes one self-contained message (a gzip member, a Brotli
 * stream) for transports that send events one by one, such as WebSocket frames.
 * {@link #newStreamCompressor()} makes one compressed stream for a whole HTTP response,
 * flushed per event so that a client decodes each event as it arrives.
 */
public interface CompressionCodec {

	/**
	 * The algorithm.
	 * @return the algorithm
	 */
	CompressionAlgorithm algorithm();

	/**
	 * Compresses a whole message.
	 * @param data the bytes, not modified
	 * @return a self-contained compressed message ({@code data} itself for {@code none})
	 * @throws java.io.UncheckedIOException if the native encoder fails
	 */
	byte[] compress(byte[] data);

	/**
	 * Decompresses a whole message made by {@link #compress(byte[])} (or by any
	 * conforming encoder of the algorithm).
	 * @param data the compressed message
	 * @return the original bytes
	 * @throws java.io.UncheckedIOException if the data is not a valid, complete message
	 */
	byte[] decompress(byte[] data);

	/**
	 * A new compressed stream, for one HTTP response. The caller must
	 * {@link StreamCompressor#close() close} it on every path, since Brotli holds native
	 * memory.
	 * @return a new stream compressor
	 */
	StreamCompressor newStreamCompressor();

	/**
	 * The shared codec of an algorithm.
	 * @param algorithm the algorithm
	 * @return the codec
	 * @throws IllegalArgumentException if the algorithm is {@code brotli} and brotli4j or
	 * its native library cannot be loaded on this platform; the message names the
	 * platform and suggests gzip
	 */
	static CompressionCodec of(CompressionAlgorithm algorithm) {
		return switch (algorithm) {
			case NONE -> NoneCodec.INSTANCE;
			case GZIP -> GzipCodec.DEFAULT;
			case BROTLI -> {
				BrotliSupport.requireAvailable();
				yield BrotliCodec.Holder.DEFAULT;
			}
		};
	}

	/**
	 * Whether an algorithm can be used here: always for {@code none} and {@code gzip};
	 * for {@code brotli} when brotli4j and its native library for this platform load.
	 * @param algorithm the algorithm
	 * @return {@code true} if {@link #of(CompressionAlgorithm)} succeeds
	 */
	static boolean isAvailable(CompressionAlgorithm algorithm) {
		return algorithm != CompressionAlgorithm.BROTLI || BrotliSupport.unavailableReason() == null;
	}

	/**
	 * Checks that an algorithm can be used here.
	 * @param algorithm the algorithm
	 * @throws IllegalArgumentException with the reason, the platform and the advice to
	 * use gzip, if it cannot
	 */
	static void requireAvailable(CompressionAlgorithm algorithm) {
		if (algorithm == CompressionAlgorithm.BROTLI) {
			BrotliSupport.requireAvailable();
		}
	}

}
