package io.graphstreaming.spring.web.sse;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.graphstreaming.core.options.CompressionAlgorithm;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Content-Encoding} negotiation: {@code br} only when Brotli is configured and
 * accepted, {@code gzip} as the fall-back whenever accepted, none otherwise; quality
 * values and {@code *} as RFC 9110 defines them.
 */
class ContentCodingsTests {

	@ParameterizedTest(name = "{0} with {1} -> {2}")
	@CsvSource(delimiter = '|', nullValues = "-", value = {
			// Accept-Encoding                 | configured | chosen
			"gzip, deflate, br                 | BROTLI     | BROTLI",
			"br                                | BROTLI     | BROTLI",
			"gzip                              | BROTLI     | GZIP",
			"br;q=0, gzip                      | BROTLI     | GZIP",
			"BR;Q=0.1                          | BROTLI     | BROTLI",
			"br, gzip                          | GZIP       | GZIP",
			"br                                | GZIP       | -",
			"x-gzip                            | GZIP       | GZIP",
			"*                                 | BROTLI     | BROTLI",
			"*;q=0.5, br;q=0                   | BROTLI     | GZIP",
			"*, gzip;q=0                       | GZIP       | -",
			"identity                          | BROTLI     | -",
			"deflate                           | GZIP       | -",
			"gzip;q=0                          | GZIP       | -",
			"gzip;q=bogus                      | GZIP       | -",
			"gzip, br                          | NONE       | -",
			"' '                               | GZIP       | -" })
	void negotiatesFromAcceptEncodingAndTheConfiguredAlgorithm(String acceptEncoding, CompressionAlgorithm configured,
			CompressionAlgorithm chosen) {
		assertThat(ContentCodings.negotiate(List.of(acceptEncoding), configured)).isEqualTo(chosen);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = { "gzip | br | BROTLI", "br;q=0 | gzip | GZIP" })
	void everyHeaderLineCounts(String first, String second, CompressionAlgorithm chosen) {
		assertThat(ContentCodings.negotiate(List.of(first, second), CompressionAlgorithm.BROTLI)).isEqualTo(chosen);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "BROTLI", "GZIP" })
	void noAcceptEncodingMeansNoContentCoding(CompressionAlgorithm configured) {
		assertThat(ContentCodings.negotiate(List.of(), configured)).isNull();
	}

}
