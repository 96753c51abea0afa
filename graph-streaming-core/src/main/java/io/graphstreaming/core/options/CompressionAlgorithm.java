package io.graphstreaming.core.options;

import java.util.Locale;

/**
 * Compression applied to serialized events that are at least the compression threshold.
 * The codecs live in {@code io.graphstreaming.core.codec}.
 */
public enum CompressionAlgorithm {

	/** No compression. */
	NONE("none", "identity"),

	/** gzip (DEFLATE), from the JDK. */
	GZIP("gzip", "gzip"),

	/**
	 * Brotli, through brotli4j's native library (an optional dependency: add
	 * {@code com.aayushatharva.brotli4j:brotli4j} and the native artifact of the platform).
	 */
	BROTLI("brotli", "br");

	private final String value;

	private final String contentCoding;

	CompressionAlgorithm(String value, String contentCoding) {
		this.value = value;
		this.contentCoding = contentCoding;
	}

	/**
	 * The configuration (and WebSocket protocol) name.
	 * @return {@code none}, {@code gzip} or {@code brotli}
	 */
	public String value() {
		return this.value;
	}

	/**
	 * The HTTP content coding (RFC 9110 section 8.4.1) of this algorithm's streams.
	 * @return {@code identity}, {@code gzip} or {@code br}
	 */
	public String contentCoding() {
		return this.contentCoding;
	}

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
