package io.graphstreaming.spring.client;

import java.io.UncheckedIOException;
import java.util.Arrays;

import io.graphstreaming.core.codec.CompressionCodec;
import io.graphstreaming.core.options.CompressionAlgorithm;

/**
 * Decodes the binary WebSocket frames of a server that compresses events: the first byte
 * names the algorithm ({@value #GZIP_TAG} gzip, {@value #BROTLI_TAG} Brotli), the rest is
 * the compressed UTF-8 event JSON.
 */
final class CompressedFrames {

	/** The tag of a gzip frame. */
	static final byte GZIP_TAG = 0x01;

	/** The tag of a Brotli frame. */
	static final byte BROTLI_TAG = 0x02;

	private CompressedFrames() {
	}

	/**
	 * Decodes one binary frame.
	 * @param frame the frame's payload
	 * @return the event JSON
	 * @throws ClientFailures.ProtocolFailure for an unknown tag, data that does not
	 * decompress, or Brotli without brotli4j on the class path
	 */
	static byte[] decode(byte[] frame) {
		if (frame.length == 0) {
			throw new ClientFailures.ProtocolFailure("The server sent an empty binary frame", false);
		}
		CompressionAlgorithm algorithm = switch (frame[0]) {
			case GZIP_TAG -> CompressionAlgorithm.GZIP;
			case BROTLI_TAG -> CompressionAlgorithm.BROTLI;
			default -> throw new ClientFailures.ProtocolFailure("The server sent a binary frame with the unknown "
					+ "compression tag 0x" + Integer.toHexString(frame[0] & 0xFF), false);
		};
		try {
			return CompressionCodec.of(algorithm).decompress(Arrays.copyOfRange(frame, 1, frame.length));
		}
		catch (IllegalArgumentException | UncheckedIOException ex) {
			throw new ClientFailures.ProtocolFailure("Cannot decode a " + algorithm.value() + " frame: "
					+ ex.getMessage(), false);
		}
	}

}
