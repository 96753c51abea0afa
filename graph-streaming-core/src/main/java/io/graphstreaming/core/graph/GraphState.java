package io.graphstreaming.core.graph;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The named values of a running graph (the guide's {@code KernelArguments}), as a node
 * sees them: read-only. A node changes the state by returning the values it writes; the
 * executor applies them, so a node never observes a half-applied update and no state is
 * copied between steps.
 */
public final class GraphState {

	private final Map<String, @Nullable Object> values;

	/**
	 * A read-only view over a map the executor owns.
	 * @param values the live values
	 */
	public GraphState(Map<String, @Nullable Object> values) {
		this.values = Collections.unmodifiableMap(Objects.requireNonNull(values, "values"));
	}

	/**
	 * The value of a key.
	 * @param key the key
	 * @return the value, or {@code null} if absent (or set to null)
	 */
	public @Nullable Object get(String key) {
		return this.values.get(key);
	}

	/**
	 * The value of a key as a type.
	 * @param <T> the type
	 * @param key the key
	 * @param type the expected type
	 * @return the value, or {@code null} if absent
	 * @throws IllegalArgumentException if the value is not of that type
	 */
	public <T> @Nullable T get(String key, Class<T> type) {
		Object value = this.values.get(key);
		if (value == null) {
			return null;
		}
		if (!type.isInstance(value)) {
			throw new IllegalArgumentException("State value '" + key + "' is a " + value.getClass().getSimpleName()
					+ ", not a " + type.getSimpleName());
		}
		return type.cast(value);
	}

	/**
	 * The value of a key, or a default.
	 * @param <T> the type
	 * @param key the key
	 * @param defaultValue returned when the key is absent or null
	 * @return the value or the default
	 * @throws IllegalArgumentException if the value is not of the default's type
	 */
	@SuppressWarnings("unchecked")
	public <T> T getOrDefault(String key, T defaultValue) {
		Object value = this.values.get(key);
		if (value == null) {
			return defaultValue;
		}
		return (T) get(key, defaultValue.getClass());
	}

	/**
	 * A number value as an {@code int}, or a default.
	 * @param key the key
	 * @param defaultValue returned when absent
	 * @return the value
	 * @throws IllegalArgumentException if the value is not a whole number
	 */
	public int getInt(String key, int defaultValue) {
		Object value = this.values.get(key);
		if (value == null) {
			return defaultValue;
		}
		if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
			return number.intValue();
		}
		throw new IllegalArgumentException("State value '" + key + "' must be a whole number but was " + value);
	}

	/**
	 * Whether a key is present.
	 * @param key the key
	 * @return {@code true} if present
	 */
	public boolean contains(String key) {
		return this.values.containsKey(key);
	}

	/**
	 * The keys.
	 * @return an unmodifiable view
	 */
	public Set<String> keys() {
		return this.values.keySet();
	}

	/**
	 * All values.
	 * @return an unmodifiable live view
	 */
	public Map<String, @Nullable Object> asMap() {
		return this.values;
	}

	@Override
	public String toString() {
		return "GraphState" + this.values;
	}

}
