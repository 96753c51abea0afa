package io.graphstreaming.sample;

/**
 * The {@code payload} strings of the {@code synthetic} graph: text-like ASCII (lowercase
 * words and single spaces) of an exact length, the same for a given length on every run,
 * so that JSON escaping never changes its size and compression behaves as on prose
 * rather than on a run of one letter. The latest payload is kept, so a load test that
 * asks for one size builds it once.
 */
final class SyntheticPayload {

	private static final String[] WORDS = { "graph", "node", "edge", "state", "event", "stream", "token", "chunk",
			"buffer", "reactor", "journal", "sequence", "output", "input", "agent", "retry", "branch", "merge",
			"budget", "metric", "latency", "consumer", "producer", "signal", "cursor", "resume", "heartbeat",
			"compress", "payload", "execute", "complete", "cancel" };

	private static volatile String latest = "";

	private SyntheticPayload() {
	}

	/**
	 * A payload of a length.
	 * @param length characters (and UTF-8 bytes), at least 0
	 * @return the payload
	 */
	static String of(int length) {
		String cached = latest;
		if (cached.length() == length) {
			return cached;
		}
		StringBuilder text = new StringBuilder(length + 16);
		long seed = 0x9E3779B97F4A7C15L;
		while (text.length() < length) {
			seed ^= seed << 13;
			seed ^= seed >>> 7;
			seed ^= seed << 17;
			if (text.length() > 0) {
				text.append(' ');
			}
			text.append(WORDS[(int) (seed >>> 59)]);
		}
		text.setLength(length);
		String built = text.toString();
		latest = built;
		return built;
	}

}
