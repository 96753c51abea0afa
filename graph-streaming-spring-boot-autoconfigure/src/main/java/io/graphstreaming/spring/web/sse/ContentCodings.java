package io.graphstreaming.spring.web.sse;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.options.CompressionAlgorithm;

/**
 * Chooses the {@code Content-Encoding} of an event stream from the client's
 * {@code Accept-Encoding} (RFC 9110 section 12.5.3) and the graph's configured algorithm:
 * {@code br} when Brotli is configured and the client accepts it; otherwise {@code gzip}
 * when the client accepts it (also when Brotli is configured, as the fall-back every
 * client has); otherwise none. A coding is accepted when it is listed with a non-zero
 * quality, or when {@code *} is and the coding is not listed with {@code q=0}.
 */
final class ContentCodings {

	private ContentCodings() {
	}

	/**
	 * The coding to use.
	 * @param acceptEncoding the request's {@code Accept-Encoding} header values
	 * @param configured the graph's algorithm
	 * @return {@code GZIP} or {@code BROTLI}, or {@code null} for no content coding
	 */
	static @Nullable CompressionAlgorithm negotiate(List<String> acceptEncoding, CompressionAlgorithm configured) {
		if (configured == CompressionAlgorithm.NONE || acceptEncoding.isEmpty()) {
			return null;
		}
		if (configured == CompressionAlgorithm.BROTLI && accepts(acceptEncoding, "br")) {
			return CompressionAlgorithm.BROTLI;
		}
		if (accepts(acceptEncoding, "gzip")) {
			return CompressionAlgorithm.GZIP;
		}
		return null;
	}

	static boolean accepts(List<String> acceptEncoding, String coding) {
		Double listed = null;
		Double wildcard = null;
		for (String header : acceptEncoding) {
			for (String element : header.split(",")) {
				String[] parts = element.split(";");
				String name = parts[0].strip().toLowerCase(Locale.ROOT);
				if (name.isEmpty()) {
					continue;
				}
				double quality = quality(parts);
				if (name.equals(coding) || (coding.equals("gzip") && name.equals("x-gzip"))) {
					listed = (listed == null) ? quality : Math.max(listed, quality);
				}
				else if (name.equals("*")) {
					wildcard = quality;
				}
			}
		}
		if (listed != null) {
			return listed > 0;
		}
		return wildcard != null && wildcard > 0;
	}

	private static double quality(String[] parts) {
		for (int i = 1; i < parts.length; i++) {
			String parameter = parts[i].strip();
			if (parameter.length() > 2 && (parameter.charAt(0) == 'q' || parameter.charAt(0) == 'Q')
					&& parameter.charAt(1) == '=') {
				try {
					return Double.parseDouble(parameter.substring(2).strip());
				}
				catch (NumberFormatException ex) {
					return 0;
				}
			}
		}
		return 1;
	}

}
