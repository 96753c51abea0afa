package io.graphstreaming.core.graph;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.BinaryOperator;

import org.jspecify.annotations.Nullable;

/**
 * How a join resolves a state key that several parallel branches wrote with different
 * values. A key written by one branch, or by several with equal values, is taken as
 * written and no policy is consulted; only a real disagreement reaches the policy, and
 * the engine reports it as a {@code StateMergeConflictDetected} event whatever the
 * policy decides.
 *
 * <p>Values arrive in branch order: the order in which the forking node's edges were
 * added, not the order in which branches happened to finish, so a merge is
 * deterministic however the branches interleave.
 */
public interface MergePolicy {

	/**
	 * The policy's name, carried by conflict events ({@code overwrite}, {@code keep-first},
	 * {@code fail}, or a reducer's name).
	 * @return the name
	 */
	String name();

	/**
	 * Resolves a conflict.
	 * @param key the state key
	 * @param values the differing values the branches wrote, in branch order (two or more)
	 * @return the value the state holds after the join
	 * @throws StateMergeConflictException when the policy refuses to choose
	 */
	@Nullable Object resolve(String key, List<@Nullable Object> values);

	/**
	 * The last branch (in branch order) wins. The default.
	 * @return the policy
	 */
	static MergePolicy overwrite() {
		return Builtin.OVERWRITE;
	}

	/**
	 * The first branch (in branch order) wins.
	 * @return the policy
	 */
	static MergePolicy keepFirst() {
		return Builtin.KEEP_FIRST;
	}

	/**
	 * A conflict fails the execution with a {@link StateMergeConflictException}, after
	 * the conflict event.
	 * @return the policy
	 */
	static MergePolicy fail() {
		return Builtin.FAIL;
	}

	/**
	 * Folds the values in branch order with a function, for example summing counters.
	 * @param name the name conflict events show
	 * @param reducer combines the value so far with the next branch's value
	 * @return the policy
	 */
	static MergePolicy reducer(String name, BinaryOperator<@Nullable Object> reducer) {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(reducer, "reducer");
		if (name.isBlank()) {
			throw new IllegalArgumentException("A merge policy needs a non-blank name");
		}
		return new MergePolicy() {

			@Override
			public String name() {
				return name;
			}

			@Override
			public @Nullable Object resolve(String key, List<@Nullable Object> values) {
				Object result = values.get(0);
				for (int i = 1; i < values.size(); i++) {
					result = reducer.apply(result, values.get(i));
				}
				return result;
			}

			@Override
			public String toString() {
				return name;
			}

		};
	}

	/**
	 * Concatenates the branches' values in branch order: lists (any collection) are
	 * flattened one level, other values become one element each. Branches write only
	 * their own items (for example each tool's result); the join gathers them.
	 * @return the policy, named {@code list-append}
	 */
	static MergePolicy listAppend() {
		return Builtin.LIST_APPEND;
	}

	/**
	 * The built-in policies: a name and a resolution.
	 */
	final class Builtin implements MergePolicy {

		static final MergePolicy OVERWRITE = new Builtin("overwrite", (values) -> values.get(values.size() - 1));

		static final MergePolicy KEEP_FIRST = new Builtin("keep-first", (values) -> values.get(0));

		static final MergePolicy FAIL = new Builtin("fail", null);

		static final MergePolicy LIST_APPEND = new Builtin("list-append", (values) -> {
			List<@Nullable Object> all = new ArrayList<>();
			for (Object value : values) {
				if (value instanceof Collection<?> items) {
					all.addAll(items);
				}
				else {
					all.add(value);
				}
			}
			return Collections.unmodifiableList(all);
		});

		private final String name;

		private final java.util.function.@Nullable Function<List<@Nullable Object>, @Nullable Object> resolution;

		private Builtin(String name,
				java.util.function.@Nullable Function<List<@Nullable Object>, @Nullable Object> resolution) {
			this.name = name;
			this.resolution = resolution;
		}

		@Override
		public String name() {
			return this.name;
		}

		@Override
		public @Nullable Object resolve(String key, List<@Nullable Object> values) {
			if (this.resolution == null) {
				throw new StateMergeConflictException(key, values);
			}
			return this.resolution.apply(values);
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

}
