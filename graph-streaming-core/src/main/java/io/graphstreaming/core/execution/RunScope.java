package io.graphstreaming.core.execution;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.graph.GraphState;

/**
 * The state one path of a run reads and writes. The top-level path owns the execution's
 * state map. A parallel branch or a subgraph reads through to the scope it came from and
 * keeps its own writes apart, so branches never see each other's values, nothing is
 * copied when they start, and a join knows exactly which keys each branch wrote.
 * The enclosing scope does not change while its branches run: its path waits at the
 * fork.
 */
final class RunScope {

	private final Map<String, @Nullable Object> writes;

	private final Map<String, @Nullable Object> reads;

	private final GraphState view;

	private RunScope(Map<String, @Nullable Object> writes, Map<String, @Nullable Object> reads) {
		this.writes = writes;
		this.reads = reads;
		this.view = new GraphState(reads);
	}

	/**
	 * The scope of the top-level path, over the execution's state.
	 */
	static RunScope root(Map<String, @Nullable Object> state) {
		return new RunScope(state, state);
	}

	/**
	 * A scope that reads through to this one and keeps its own writes.
	 */
	RunScope child() {
		Map<String, @Nullable Object> own = new LinkedHashMap<>();
		return new RunScope(own, new Overlay(own, this.reads));
	}

	GraphState view() {
		return this.view;
	}

	/**
	 * The values written in this scope (for the top level, the whole state).
	 */
	Map<String, @Nullable Object> writes() {
		return this.writes;
	}

	void putAll(Map<String, @Nullable Object> values) {
		this.writes.putAll(values);
	}

	void put(String key, @Nullable Object value) {
		this.writes.put(key, value);
	}

	@Nullable Object get(String key) {
		return this.reads.get(key);
	}

	/**
	 * A read-only map of a scope's own values over its base.
	 */
	private static final class Overlay extends AbstractMap<String, @Nullable Object> {

		private final Map<String, @Nullable Object> own;

		private final Map<String, @Nullable Object> base;

		Overlay(Map<String, @Nullable Object> own, Map<String, @Nullable Object> base) {
			this.own = own;
			this.base = base;
		}

		@Override
		public @Nullable Object get(Object key) {
			return this.own.containsKey(key) ? this.own.get(key) : this.base.get(key);
		}

		@Override
		public boolean containsKey(Object key) {
			return this.own.containsKey(key) || this.base.containsKey(key);
		}

		@Override
		public Set<Entry<String, @Nullable Object>> entrySet() {
			return new AbstractSet<>() {

				@Override
				public Iterator<Entry<String, @Nullable Object>> iterator() {
					return merged().entrySet().iterator();
				}

				@Override
				public int size() {
					return merged().size();
				}

			};
		}

		private Map<String, @Nullable Object> merged() {
			Map<String, @Nullable Object> all = new LinkedHashMap<>(this.base);
			all.putAll(this.own);
			return all;
		}

	}

}
