package io.graphstreaming.spring.registry;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.execution.GraphExecution;

/**
 * The executions started under idempotency keys, in this instance's memory. A key is
 * remembered while its execution is (running, then for the journal retention): once the
 * execution registry has forgotten the execution, the key is forgotten too, and a request
 * with it starts a new one. At most {@code maxKeys} keys are held; beyond, the oldest are
 * forgotten first.
 *
 * <p>A start and a repetition racing each other are serialised per key (the map's
 * {@code compute}), so one key never starts two executions.
 */
final class IdempotencyKeys {

	/** Keys looked at, from the oldest, for a forgotten execution after each new key. */
	private static final int SWEEP = 4;

	private final int maxKeys;

	private final Function<String, Optional<GraphExecution>> executions;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	private final ConcurrentLinkedQueue<Keyed> order = new ConcurrentLinkedQueue<>();

	/**
	 * Creates the store.
	 * @param maxKeys keys held at most, strictly positive
	 * @param executions finds an execution known to this instance by id
	 */
	IdempotencyKeys(int maxKeys, Function<String, Optional<GraphExecution>> executions) {
		if (maxKeys <= 0) {
			throw new IllegalArgumentException("maxKeys must be strictly positive but was " + maxKeys);
		}
		this.maxKeys = maxKeys;
		this.executions = Objects.requireNonNull(executions, "executions");
	}

	/**
	 * The execution a key started, or a new one.
	 * @param graphId the graph
	 * @param key the key
	 * @param input the request's input, compared with the first request's
	 * @param start starts the execution when the key is new
	 * @return the execution, and whether an earlier request started it
	 * @throws IdempotencyKeyReusedException if the key started an execution with another
	 * input
	 */
	IdempotentStart start(String graphId, IdempotencyKey key, Map<String, ? extends @Nullable Object> input,
			Supplier<GraphExecution> start) {
		String scoped = key.client() + '\n' + graphId + '\n' + key.operation() + '\n' + key.value();
		InputDigest fingerprint = InputDigest.of(input);
		GraphExecution[] found = new GraphExecution[1];
		boolean[] created = new boolean[1];
		Entry entry = this.entries.compute(scoped, (ignored, known) -> {
			if (known != null) {
				Optional<GraphExecution> execution = this.executions.apply(known.executionId());
				if (execution.isPresent()) {
					if (!known.fingerprint().equals(fingerprint)) {
						throw new IdempotencyKeyReusedException(graphId, known.executionId());
					}
					found[0] = execution.get();
					return known;
				}
			}
			found[0] = start.get();
			created[0] = true;
			return new Entry(found[0].executionId(), fingerprint);
		});
		if (created[0]) {
			this.order.add(new Keyed(scoped, entry));
			sweep();
		}
		return new IdempotentStart(found[0], !created[0]);
	}

	/**
	 * Keys held now.
	 * @return the count
	 */
	int size() {
		return this.entries.size();
	}

	/**
	 * Forgets the oldest keys whose executions are gone, then the oldest keys beyond the
	 * limit.
	 */
	private void sweep() {
		for (int i = 0; i < SWEEP; i++) {
			Keyed oldest = this.order.peek();
			if (oldest == null || this.entries.get(oldest.key()) == oldest.entry()
					&& this.executions.apply(oldest.entry().executionId()).isPresent()) {
				break;
			}
			if (this.order.remove(oldest)) {
				this.entries.remove(oldest.key(), oldest.entry());
			}
		}
		while (this.entries.size() > this.maxKeys) {
			Keyed oldest = this.order.poll();
			if (oldest == null) {
				break;
			}
			this.entries.remove(oldest.key(), oldest.entry());
		}
	}

	/**
	 * What a key started: the execution and the input's fingerprint.
	 */
	private record Entry(String executionId, InputDigest fingerprint) {
	}

	/**
	 * A key in the order of its first use; compared by identity of its entry, so that a
	 * key reused after its execution was forgotten is a new one.
	 */
	private record Keyed(String key, Entry entry) {

		@Override
		public boolean equals(@Nullable Object other) {
			return this == other;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this);
		}

	}

}
