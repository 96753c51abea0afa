package io.graphstreaming.sample;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.graph.GraphState;

/**
 * Reads the sample graphs' inputs from a run's state. Every key is optional; a value of
 * the wrong type or out of range fails with an {@link IllegalArgumentException} naming
 * the key, what is allowed and what was received, so that transports can answer it as a
 * 400 (see {@link ValidatingGraphExecutor}).
 */
final class InputValues {

	private static final int MAX_SHOWN_VALUE_LENGTH = 40;

	private InputValues() {
	}

	/**
	 * A whole number: any JSON number without a fraction ({@code 5.0} counts as 5).
	 * @param state the state
	 * @param key the input key
	 * @param defaultValue the value when the key is absent or null
	 * @param min the smallest value allowed
	 * @param max the largest value allowed
	 * @return the value
	 * @throws IllegalArgumentException for a value of another type or out of range
	 */
	static long wholeNumber(GraphState state, String key, long defaultValue, long min, long max) {
		Object value = state.get(key);
		if (value == null) {
			return defaultValue;
		}
		BigDecimal number = asWholeNumber(value);
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

	/**
	 * A string, stripped; absent, null or blank means the default.
	 * @param state the state
	 * @param key the input key
	 * @param defaultValue the value when the key is absent, null or blank
	 * @param maxLength the most characters allowed once stripped
	 * @return the value
	 * @throws IllegalArgumentException for a value that is not a string, or too long
	 */
	static String text(GraphState state, String key, String defaultValue, int maxLength) {
		Object value = state.get(key);
		if (value == null) {
			return defaultValue;
		}
		if (!(value instanceof CharSequence)) {
			throw new IllegalArgumentException("Input '" + key + "' must be a string of at most " + maxLength
					+ " characters but was " + show(value));
		}
		String text = value.toString().strip();
		if (text.length() > maxLength) {
			throw new IllegalArgumentException("Input '" + key + "' must have at most " + maxLength
					+ " characters but has " + text.length());
		}
		return text.isEmpty() ? defaultValue : text;
	}

	private static @Nullable BigDecimal asWholeNumber(Object value) {
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
