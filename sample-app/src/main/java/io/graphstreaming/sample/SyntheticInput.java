package io.graphstreaming.sample;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.graph.GraphState;

/**
 * The settings of one {@code synthetic} run, read from its input. Every key is optional;
 * values must be whole JSON numbers (a number such as {@code 5.0} counts as 5) within the
 * documented range, otherwise reading fails with an {@link IllegalArgumentException}
 * naming the key, the allowed range and the value received.
 *
 * @param nodes how many node executions the run performs, 1 to {@value #MAX_NODES}
 * (default 5)
 * @param delayMs how long each node takes, 0 to {@value #MAX_DELAY_MS} (default 0)
 * @param payloadBytes the size of the {@code payload} string each node writes, 0 to
 * {@value #MAX_PAYLOAD_BYTES} (default 0: no payload)
 * @param failAt the 0-based index of the node execution that fails, 0 to
 * {@value #MAX_NODES}, or -1 when none does (absent or null)
 * @param chunks how many {@code NodeOutputChunk} events each node emits, 0 to
 * {@value #MAX_CHUNKS} (default 0)
 */
record SyntheticInput(int nodes, long delayMs, int payloadBytes, int failAt, int chunks) {

	/** The most node executions a run may ask for (also the executor's step limit). */
	static final int MAX_NODES = 1_000_000;

	/** The longest per-node delay, one hour. */
	static final long MAX_DELAY_MS = 3_600_000;

	/** The largest per-node payload, 10 MiB. */
	static final int MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

	/** The most chunks per node. */
	static final int MAX_CHUNKS = 1_000_000;

	/** The {@code failAt} value meaning "no node fails". */
	static final int NO_FAILURE = -1;

	private static final int MAX_SHOWN_VALUE_LENGTH = 40;

	/**
	 * Reads the settings from the state (the run's input).
	 * @param state the state
	 * @return the settings
	 * @throws IllegalArgumentException for a value of the wrong type or out of range
	 */
	static SyntheticInput from(GraphState state) {
		int nodes = (int) read(state, "nodes", 5, 1, MAX_NODES);
		long delayMs = read(state, "delayMs", 0, 0, MAX_DELAY_MS);
		int payloadBytes = (int) read(state, "payloadBytes", 0, 0, MAX_PAYLOAD_BYTES);
		int failAt = (int) read(state, "failAt", NO_FAILURE, 0, MAX_NODES);
		int chunks = (int) read(state, "chunks", 0, 0, MAX_CHUNKS);
		return new SyntheticInput(nodes, delayMs, payloadBytes, failAt, chunks);
	}

	/**
	 * Whether the node execution at an index fails.
	 * @param index the 0-based index of the node execution
	 * @return {@code true} if {@code failAt} names it
	 */
	boolean failsAt(int index) {
		return this.failAt == index;
	}

	private static long read(GraphState state, String key, long defaultValue, long min, long max) {
		Object value = state.get(key);
		if (value == null) {
			return defaultValue;
		}
		BigDecimal number = wholeNumber(value);
		if (number == null) {
			throw new IllegalArgumentException("Input '" + key + "' must be a whole number from " + min + " to " + max
					+ " but was " + show(value));
		}
		if (number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
			throw new IllegalArgumentException(
					"Input '" + key + "' must be from " + min + " to " + max + " but was " + number.toPlainString());
		}
		return number.longValueExact();
	}

	private static @Nullable BigDecimal wholeNumber(Object value) {
		BigDecimal number;
		if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
			number = BigDecimal.valueOf(((Number) value).longValue());
		}
		else if (value instanceof BigInteger big) {
			number = new BigDecimal(big);
		}
		else if (value instanceof BigDecimal decimal) {
			number = decimal;
		}
		else if ((value instanceof Double || value instanceof Float) && Double.isFinite(((Number) value).doubleValue())) {
			number = new BigDecimal(((Number) value).doubleValue());
		}
		else {
			return null;
		}
		number = number.stripTrailingZeros();
		return (number.scale() <= 0) ? number : null;
	}

	private static String show(Object value) {
		String kind;
		if (value instanceof CharSequence) {
			kind = "a string";
		}
		else if (value instanceof Boolean) {
			kind = "a boolean";
		}
		else if (value instanceof Map) {
			kind = "an object";
		}
		else if (value instanceof List || value.getClass().isArray()) {
			kind = "an array";
		}
		else if (value instanceof Number) {
			kind = "a number";
		}
		else {
			kind = "a " + value.getClass().getSimpleName();
		}
		String text = (value instanceof CharSequence) ? "\"" + value + "\"" : String.valueOf(value);
		if (text.length() > MAX_SHOWN_VALUE_LENGTH) {
			text = text.substring(0, MAX_SHOWN_VALUE_LENGTH) + "...";
		}
		return text + " (" + kind + ")";
	}

}
