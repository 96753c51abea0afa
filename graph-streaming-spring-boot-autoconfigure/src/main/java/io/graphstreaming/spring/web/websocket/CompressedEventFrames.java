package io.graphstreaming.spring.web.websocket;

import java.util.Arrays;
import java.util.Objects;

import io.graphstreaming.core.codec.CompressionCodec;
import io.graphstreaming.core.options.CompressionAlgorithm;

/**
 * The binary event frames of the WebSocket protocol. A client that adds
 * {@code "compression":"gzip"} or {@code "compression":"brotli"} to its {@code execute}
 * or {@code resume} message receives each event at or above the compression threshold as
 * a binary frame: one tag byte naming the algorithm ({@value #GZIP_TAG} gzip,
 * {@value #BROTLI_TAG} Brotli), then the event's UTF-8 JSON compressed as one complete
 * gzip member or Brotli stream. Smaller events stay text frames. Decoding a binary frame
 * gives exactly the JSON a text frame would carry.
 */
public final class CompressedEventFrames {

	/** The tag byte of a gzip frame. */
	public static final byte GZIP_TAG = 0x01;

	/** The tag byte of a Brotli frame. */
	public static final byte BROTLI_TAG = 0x02;

	private CompressedEventFrames() {
	}

	/**
	 * The tag byte of an algorithm.
	 * @param algorithm {@code GZIP} or {@code BROTLI}
	 * @return its tag
	 * @throws IllegalArgumentException for {@code NONE}
	 */
	public static byte tag(CompressionAlgorithm algorithm) {
		return switch (Objects.requireNonNull(algorithm, "algorithm")) {
			case GZIP -> GZIP_TAG;
			case BROTLI -> BROTLI_TAG;
			case NONE -> throw new IllegalArgumentException("Uncompressed events are text frames and have no tag");
		};
	}

	/**
	 * The algorithm a tag byte names.
	 * @param tag the first byte of a binary frame
	 * @return the algorithm
	 * @throws IllegalArgumentException for an unknown tag
	 */
	public static CompressionAlgorithm algorithm(byte tag) {
		return switch (tag) {
			case GZIP_TAG -> CompressionAlgorithm.GZIP;
			case BROTLI_TAG -> CompressionAlgorithm.BROTLI;
			default -> throw new IllegalArgumentException("Unknown compression tag 0x"
					+ Integer.toHexString(Byte.toUnsignedInt(tag)) + "; expected 0x01 (gzip) or 0x02 (brotli)");
		};
	}

	/**
	 * The event JSON of a binary frame.
	 * @param frame the whole frame payload: tag byte, then the compressed JSON
	 * @return the UTF-8 JSON bytes
	 * @throws IllegalArgumentException for an empty frame or an unknown tag (and if the
	 * tag names Brotli where it cannot load)
	 * @throws java.io.UncheckedIOException if the compressed part is corrupt
	 */
	public static byte[] decode(byte[] frame) {
		if (frame.length == 0) {
			throw new IllegalArgumentException("An empty binary frame carries no event");
		}
		return CompressionCodec.of(algorithm(frame[0])).decompress(Arrays.copyOfRange(frame, 1, frame.length));
	}

}
