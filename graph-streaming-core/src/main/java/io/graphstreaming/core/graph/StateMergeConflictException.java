package io.graphstreaming.core.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Parallel branches wrote different values to a key whose merge policy is
 * {@link MergePolicy#fail()}: the execution fails at the join.
 */
public class StateMergeConflictException extends RuntimeException implements RetryPolicy.NotRetryable {

	private final String key;

	private final List<@Nullable Object> values;

	/**
	 * Creates the exception.
	 * @param key the key
	 * @param values the differing values, in branch order
	 */
	public StateMergeConflictException(String key, List<@Nullable Object> values) {
		super("Parallel branches wrote different values to state key '" + key + "' " + values
				+ " and its merge policy is 'fail'");
		this.key = key;
		this.values = Collections.unmodifiableList(new ArrayList<>(values));
	}

	/**
	 * The key.
	 * @return the key
	 */
	public String key() {
		return this.key;
	}

	/**
	 * The values, in branch order.
	 * @return the values
	 */
	public List<@Nullable Object> values() {
		return this.values;
	}

}
