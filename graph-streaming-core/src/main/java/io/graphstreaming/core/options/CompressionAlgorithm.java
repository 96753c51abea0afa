package io.graphstreaming.core.options;

import java.util.Locale;

/**
 * Compression applied to serialized events that are at least the compression threshold.
 */
public enum CompressionAlgorithm {

	/** No compression. */
	NONE,

	/** gzip (DEFLATE), from the JDK. */
	GZIP,

	/** Brotli, through brotli4j's native library. */
	BROTLI;

	/**
	 * Parses a configuration value, case-insensitively.
	 * @param value {@code none}, {@code gzip} or {@code brotli}
	 * @return the algorithm
	 * @throws IllegalArgumentException naming the value and the accepted ones
	 */
	public static CompressionAlgorithm fromValue(String value) {
		String normalized = (value != null) ? value.strip().toUpperCase(Locale.ROOT) : "";
		for (CompressionAlgorithm algorithm : values()) {
			if (algorithm.name().equals(normalized)) {
				return algorithm;
			}
		}
		throw new IllegalArgumentException(
				"Unknown compression algorithm '" + value + "'; expected one of none, gzip, brotli");
	}

}
