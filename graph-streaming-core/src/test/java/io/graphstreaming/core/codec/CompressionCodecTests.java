package io.graphstreaming.core.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.graphstreaming.core.options.CompressionAlgorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Codecs: every algorithm round-trips event-like payloads around the threshold and large
 * ones; gzip output is read by the JDK's {@link GZIPInputStream}; Brotli's unavailability
 * is an {@link IllegalArgumentException} naming the platform and suggesting gzip.
 */
class CompressionCodecTests {

	/** The default compression threshold, 8 KiB. */
	static final int THRESHOLD = 8 * 1024;

	static Stream<Arguments> codecsAndSizes() {
		return Stream.of(CompressionAlgorithm.values())
			.flatMap((algorithm) -> Stream.of(0, 1, THRESHOLD - 1, THRESHOLD, THRESHOLD + 1, 1024 * 1024)
				.flatMap((size) -> Stream.of(Arguments.of(algorithm, size, true), Arguments.of(algorithm, size, false))));
	}

	@ParameterizedTest(name = "{0} {1} bytes, json={2}")
	@MethodSource("codecsAndSizes")
	void compressThenDecompressGivesTheSameBytes(CompressionAlgorithm algorithm, int size, boolean json) {
		CompressionCodec codec = CompressionCodec.of(algorithm);
		byte[] data = json ? eventJson(size) : random(size);

		byte[] compressed = codec.compress(data);

		assertThat(codec.decompress(compressed)).isEqualTo(data);
		if (json && size >= THRESHOLD && algorithm != CompressionAlgorithm.NONE) {
			assertThat(compressed.length).as("JSON compresses").isLessThan(data.length / 2);
		}
	}

	@ParameterizedTest
	@EnumSource(CompressionAlgorithm.class)
	void codecsAreSharedAndNamed(CompressionAlgorithm algorithm) {
		assertThat(CompressionCodec.of(algorithm)).isSameAs(CompressionCodec.of(algorithm));
		assertThat(CompressionCodec.of(algorithm).algorithm()).isEqualTo(algorithm);
		assertThat(CompressionCodec.isAvailable(algorithm)).isTrue();
	}

	@Test
	void algorithmsHaveConfigurationNamesAndHttpContentCodings() {
		assertThat(CompressionAlgorithm.NONE.value()).isEqualTo("none");
		assertThat(CompressionAlgorithm.GZIP.value()).isEqualTo("gzip");
		assertThat(CompressionAlgorithm.BROTLI.value()).isEqualTo("brotli");
		assertThat(CompressionAlgorithm.NONE.contentCoding()).isEqualTo("identity");
		assertThat(CompressionAlgorithm.GZIP.contentCoding()).isEqualTo("gzip");
		assertThat(CompressionAlgorithm.BROTLI.contentCoding()).isEqualTo("br");
	}

	@Test
	void gzipOutputIsReadByTheJdksGzipInputStream() throws IOException {
		byte[] data = eventJson(THRESHOLD + 1);

		byte[] compressed = GzipCodec.DEFAULT.compress(data);

		try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
			assertThat(in.readAllBytes()).isEqualTo(data);
		}
	}

	@Test
	void noneCompressesToTheSameArray() {
		byte[] data = eventJson(100);

		assertThat(NoneCodec.INSTANCE.compress(data)).isSameAs(data);
		assertThat(NoneCodec.INSTANCE.decompress(data)).isSameAs(data);
	}

	@Test
	void corruptDataFailsWithUncheckedIoException() {
		byte[] garbage = "not compressed at all".getBytes(StandardCharsets.US_ASCII);

		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> GzipCodec.DEFAULT.decompress(garbage))
			.withMessageStartingWith("Invalid gzip data");
		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> CompressionCodec.of(CompressionAlgorithm.BROTLI).decompress(garbage))
			.withMessageStartingWith("Invalid Brotli data");
	}

	@Test
	void codecParametersAreValidated() {
		assertThat(new GzipCodec(1).level()).isEqualTo(1);
		assertThatIllegalArgumentException().isThrownBy(() -> new GzipCodec(0))
			.withMessage("gzip level must be between 1 and 9 but was 0");
		assertThat(BrotliCodec.create(11, 24).quality()).isEqualTo(11);
		assertThatIllegalArgumentException().isThrownBy(() -> BrotliCodec.create(12, 20))
			.withMessage("Brotli quality must be between 0 and 11 but was 12");
		assertThatIllegalArgumentException().isThrownBy(() -> BrotliCodec.create(5, 9))
			.withMessage("Brotli window must be between 10 and 24 but was 9");
	}

	@Test
	void brotliWhereItCannotLoadIsRefusedNamingThePlatformAndSuggestingGzip() {
		System.setProperty(BrotliSupport.DISABLE_PROPERTY, "true");
		try {
			assertThat(CompressionCodec.isAvailable(CompressionAlgorithm.BROTLI)).isFalse();
			assertThat(CompressionCodec.isAvailable(CompressionAlgorithm.GZIP)).isTrue();
			assertThatIllegalArgumentException().isThrownBy(() -> CompressionCodec.of(CompressionAlgorithm.BROTLI))
				.withMessageContaining("brotli is not available on " + BrotliSupport.platform())
				.withMessageContaining("native-<os>-<arch>")
				.withMessageEndingWith("or use compression algorithm gzip");
			assertThatIllegalArgumentException().isThrownBy(() -> BrotliCodec.create(5, 20));
		}
		finally {
			System.clearProperty(BrotliSupport.DISABLE_PROPERTY);
		}
		assertThat(CompressionCodec.isAvailable(CompressionAlgorithm.BROTLI)).isTrue();
	}

	@Test
	void unavailabilityMessageNamesReasonAndPlatform() {
		assertThat(BrotliSupport.message("linux/riscv64", "brotli4j is not on the class path"))
			.isEqualTo("compressionAlgorithm brotli is not available on linux/riscv64: brotli4j is not on the class "
					+ "path. Add com.aayushatharva.brotli4j:brotli4j and the native artifact for this platform "
					+ "(com.aayushatharva.brotli4j:native-<os>-<arch>), or use compression algorithm gzip");
	}

	/**
	 * A NodeCompleted-like event whose output is prose-like text, exactly {@code size}
	 * bytes long.
	 */
	static byte[] eventJson(int size) {
		String head = "{\"eventType\":\"NodeCompleted\",\"executionId\":\"4f1c2b9e-7d7a-4c61-9a3e-0b6f5d2c8e11\","
				+ "\"graphId\":\"agent\",\"sequence\":42,\"timestamp\":\"2026-11-25T10:15:30.123456Z\","
				+ "\"nodeId\":\"respond\",\"durationMs\":12.5,\"output\":{\"answer\":\"";
		String tail = "\"}}";
		String[] words = { "the", "graph", "streams", "each", "event", "as", "it", "happens", "node", "state",
				"output", "token", "agent", "tool", "result", "while", "clients", "read" };
		StringBuilder json = new StringBuilder(Math.max(size, head.length() + tail.length()));
		json.append(head);
		Random random = new Random(size);
		while (json.length() < size - tail.length()) {
			json.append(words[random.nextInt(words.length)]).append(' ');
		}
		json.setLength(Math.max(0, size - tail.length()));
		json.append(tail);
		byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
		return (bytes.length == size) ? bytes : java.util.Arrays.copyOf(bytes, size);
	}

	static byte[] random(int size) {
		byte[] bytes = new byte[size];
		new Random(size).nextBytes(bytes);
		return bytes;
	}

}
