package io.graphstreaming.spring.client;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.graphstreaming.core.codec.CompressionCodec;
import io.graphstreaming.core.options.CompressionAlgorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Binary WebSocket frames: a tag byte naming the algorithm, then the compressed JSON.
 */
class CompressedFramesTests {

	private static final byte[] JSON = ("{\"eventType\":\"NodeCompleted\",\"output\":{\"payload\":\"" + "x".repeat(4000)
			+ "\"}}").getBytes(StandardCharsets.UTF_8);

	@ParameterizedTest
	@EnumSource(value = CompressionAlgorithm.class, names = { "GZIP", "BROTLI" })
	void framesOfEitherAlgorithmDecodeToTheJson(CompressionAlgorithm algorithm) {
		byte tag = (algorithm == CompressionAlgorithm.GZIP) ? CompressedFrames.GZIP_TAG : CompressedFrames.BROTLI_TAG;

		assertThat(CompressedFrames.decode(frame(tag, CompressionCodec.of(algorithm).compress(JSON)))).isEqualTo(JSON);
	}

	@Test
	void unknownTagIsAProtocolFailure() {
		assertThatExceptionOfType(ClientFailures.ProtocolFailure.class)
			.isThrownBy(() -> CompressedFrames.decode(frame((byte) 0x07, JSON)))
			.withMessage("The server sent a binary frame with the unknown compression tag 0x7");
	}

	@Test
	void corruptDataIsAProtocolFailure() {
		assertThatExceptionOfType(ClientFailures.ProtocolFailure.class)
			.isThrownBy(() -> CompressedFrames.decode(frame(CompressedFrames.GZIP_TAG, JSON)))
			.withMessageStartingWith("Cannot decode a gzip frame: ");
	}

	@Test
	void emptyFrameIsAProtocolFailure() {
		assertThatExceptionOfType(ClientFailures.ProtocolFailure.class)
			.isThrownBy(() -> CompressedFrames.decode(new byte[0]))
			.withMessage("The server sent an empty binary frame");
	}

	private static byte[] frame(byte tag, byte[] payload) {
		byte[] frame = new byte[payload.length + 1];
		frame[0] = tag;
		System.arraycopy(payload, 0, frame, 1, payload.length);
		return frame;
	}

}
