package io.graphstreaming.core.codec;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Whether Brotli can be used here. brotli4j is an optional dependency and its encoder is
 * native code shipped per platform ({@code native-linux-x86_64}, {@code native-osx-aarch64},
 * ...), so Brotli may be missing at run time. The check is done once, without touching a
 * brotli4j class unless it is on the class path.
 *
 * <p>Configuring Brotli where it cannot load is an error, never a silent switch to gzip:
 * the options refuse it with {@link IllegalArgumentException} (so a Spring application
 * fails to start), naming the platform and suggesting gzip. The system property
 * {@value #DISABLE_PROPERTY}{@code =true} makes Brotli unavailable on purpose, for
 * platforms where its native library misbehaves (and for tests of this path).
 */
final class BrotliSupport {

	/** Set to {@code true} to treat Brotli as unavailable. */
	static final String DISABLE_PROPERTY = "graphstreaming.brotli.disabled";

	private static final String LOADER_CLASS = "com.aayushatharva.brotli4j.Brotli4jLoader";

	private static final @Nullable String NATIVE_PROBLEM = probe();

	private BrotliSupport() {
	}

	/**
	 * Why Brotli cannot be used here.
	 * @return the reason, or {@code null} if it can
	 */
	static @Nullable String unavailableReason() {
		if (Boolean.getBoolean(DISABLE_PROPERTY)) {
			return "it is disabled by the system property " + DISABLE_PROPERTY;
		}
		return NATIVE_PROBLEM;
	}

	static void requireAvailable() {
		String reason = unavailableReason();
		if (reason != null) {
			throw new IllegalArgumentException(message(platform(), reason));
		}
	}

	static String message(String platform, String reason) {
		return "compressionAlgorithm brotli is not available on " + platform + ": " + reason
				+ ". Add com.aayushatharva.brotli4j:brotli4j and the native artifact for this platform "
				+ "(com.aayushatharva.brotli4j:native-<os>-<arch>), or use compression algorithm gzip";
	}

	static String platform() {
		return System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT) + "/"
				+ System.getProperty("os.arch", "unknown");
	}

	private static @Nullable String probe() {
		try {
			Class.forName(LOADER_CLASS, false, BrotliSupport.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return "brotli4j is not on the class path";
		}
		try {
			return Native.problem();
		}
		catch (LinkageError ex) {
			return "brotli4j could not be loaded (" + ex + ")";
		}
	}

	/**
	 * Touches brotli4j; loaded only once its presence is known.
	 */
	private static final class Native {

		static @Nullable String problem() {
			if (com.aayushatharva.brotli4j.Brotli4jLoader.isAvailable()) {
				return null;
			}
			Throwable cause = com.aayushatharva.brotli4j.Brotli4jLoader.getUnavailabilityCause();
			return "its native library could not be loaded (" + cause + ")";
		}

	}

}
