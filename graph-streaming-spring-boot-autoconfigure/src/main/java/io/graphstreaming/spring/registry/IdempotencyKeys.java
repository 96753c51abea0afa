package io.graphstreaming.spring.registry;

import java.time.Duration;
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
 * <p>Without sharing, a start and a repetition racing each other are serialised per key
 * (the map's {@code compute}), so one key never starts two executions. The key's scope is
 * the client, the caller (owner), the graph, the kind of start and the header's value.
 *
 * <p>With an {@link ExecutionSharing}, the memory is a fast path in front of the shared
 * record: a key this instance does not hold is looked up there, and a new key's
 * execution is recorded there (for the graph's journal retention) before it is handed
 * out. Two instances racing with one key both create an execution, but only one record
 * wins; the other instance cancels its own and returns the winner's.
 */
final class IdempotencyKeys {

	/** Keys looked at, from the oldest, for a forgotten execution after each new key. */
	private static final int SWEEP = 4;

	/** Why an execution that lost the race for its key to another instance's is cancelled. */
	static final String DUPLICATE = "duplicate start under the same Idempotency-Key";

	/** Why an execution whose key could not be recorded is cancelled. */
	static final String UNRECORDED = "its Idempotency-Key could not be recorded";

	/** Records tried for a new key whose shared record names executions gone meanwhile. */
	private static final int MAX_RECORD_ATTEMPTS = 3;

	private final int maxKeys;

	private final Function<String, Optional<GraphExecution>> executions;

	private final @Nullable ExecutionSharing sharing;

	private final Function<String, Duration> retention;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	private final ConcurrentLinkedQueue<Keyed> order = new ConcurrentLinkedQueue<>();

	/**
	 * Creates the store, in this instance's memory only.
	 * @param maxKeys keys held at most, strictly positive
	 * @param executions finds an execution known to this instance by id
	 */
	IdempotencyKeys(int maxKeys, Function<String, Optional<GraphExecution>> executions) {
		this(maxKeys, executions, null, (graphId) -> Duration.ZERO);
	}

	/**
	 * Creates the store, sharing keys with other instances when executions are shared.
	 * @param maxKeys keys held at most here, strictly positive
	 * @param executions finds an execution known to this instance by id
	 * @param sharing shares keys and executions with other instances, or {@code null}
	 * @param retention how long a graph's shared keys are recorded
	 */
	IdempotencyKeys(int maxKeys, Function<String, Optional<GraphExecution>> executions,
			@Nullable ExecutionSharing sharing, Function<String, Duration> retention) {
		if (maxKeys <= 0) {
			throw new IllegalArgumentException("maxKeys must be strictly positive but was " + maxKeys);
		}
		this.maxKeys = maxKeys;
		this.executions = Objects.requireNonNull(executions, "executions");
		this.sharing = sharing;
		this.retention = Objects.requireNonNull(retention, "retention");
	}

	/**
	 * The execution a key started, or a new one.
	 * @param graphId the graph
	 * @param owner who starts it (the authenticated principal's name), or {@code null}:
	 * part of the scope, so that callers who share a client key (a tenant, an address)
	 * never get each other's executions through a key
	 * @param key the key
	 * @param input the request's input, compared with the first request's
	 * @param start creates the execution when the key is new
	 * @return the execution, and whether an earlier request started it
	 * @throws IdempotencyKeyReusedException if the key started an execution with another
	 * input
	 * @throws SharedStoreUnavailableException if keys are shared and the shared store does
	 * not answer
	 */
	IdempotentStart start(String graphId, @Nullable String owner, IdempotencyKey key,
			Map<String, ? extends @Nullable Object> input, Supplier<GraphExecution> start) {
		String scoped = key.client() + '\n' + ((owner != null) ? owner : "") + '\n' + graphId + '\n'
				+ key.operation() + '\n' + key.value();
		InputDigest fingerprint = InputDigest.of(input);
		ExecutionSharing shared = this.sharing;
		if (shared != null) {
			return startShared(shared, graphId, scoped, fingerprint, start);
		}
		GraphExecution[] found = new GraphExecution[1];
		boolean[] created = new boolean[1];
		Entry entry = this.entries.compute(scoped, (ignored, known) -> {
			GraphExecution earlier = (known != null) ? replay(graphId, known, fingerprint) : null;
			if (earlier != null) {
				found[0] = earlier;
				return known;
			}
			found[0] = start.get();
			created[0] = true;
			return new Entry(found[0].executionId(), fingerprint);
		});
		if (created[0]) {
			remember(scoped, entry);
		}
		return new IdempotentStart(found[0], !created[0]);
	}

	/**
	 * The execution a key this instance remembers started, or {@code null} if the
	 * execution is forgotten.
	 * @throws IdempotencyKeyReusedException if it started with another input
	 */
	private @Nullable GraphExecution replay(String graphId, Entry known, InputDigest fingerprint) {
		GraphExecution execution = this.executions.apply(known.executionId()).orElse(null);
		if (execution != null && !known.fingerprint().equals(fingerprint)) {
			throw new IdempotencyKeyReusedException(graphId, known.executionId());
		}
		return execution;
	}

	private void remember(String scoped, Entry entry) {
		this.order.add(new Keyed(scoped, entry));
		sweep();
	}

	/**
	 * A start with shared keys. This instance's memory answers a key it holds; otherwise
	 * the shared record decides, outside any lock of this instance (its round trips would
	 * hold up unrelated keys): two requests racing with one key, on this instance or on
	 * two, both reach the record, and the one that loses cancels its execution and returns
	 * the winner's.
	 */
	private IdempotentStart startShared(ExecutionSharing shared, String graphId, String scoped,
			InputDigest fingerprint, Supplier<GraphExecution> start) {
		Entry known = this.entries.get(scoped);
		GraphExecution earlier = (known != null) ? replay(graphId, known, fingerprint) : null;
		if (earlier != null) {
			return new IdempotentStart(earlier, true);
		}
		IdempotentStart started = startRecorded(shared, graphId, scoped, fingerprint, start);
		Entry entry = new Entry(started.execution().executionId(), fingerprint);
		this.entries.put(scoped, entry);
		remember(scoped, entry);
		return started;
	}

	/**
	 * A start whose key this instance does not hold: the execution the shared record
	 * names, else a new one, recorded unless another request recorded one first (then
	 * the new one is cancelled and the other returned).
	 */
	private IdempotentStart startRecorded(ExecutionSharing shared, String graphId, String scoped,
			InputDigest fingerprint, Supplier<GraphExecution> start) {
		ExecutionSharing.KeyedStart recorded = shared.recordedStart(scoped).orElse(null);
		if (recorded != null) {
			GraphExecution earlier = replayRecorded(shared, graphId, recorded, fingerprint);
			if (earlier != null) {
				return new IdempotentStart(earlier, true);
			}
		}
		GraphExecution execution = start.get();
		ExecutionSharing.KeyedStart mine = new ExecutionSharing.KeyedStart(execution.executionId(),
				fingerprint.hex());
		try {
			ExecutionSharing.KeyedStart stale = recorded;
			for (int attempt = 0; attempt < MAX_RECORD_ATTEMPTS; attempt++) {
				ExecutionSharing.KeyedStart holder = shared.recordStart(scoped, mine, stale,
						this.retention.apply(graphId));
				if (holder.equals(mine)) {
					return new IdempotentStart(execution, false);
				}
				GraphExecution earlier = replayRecorded(shared, graphId, holder, fingerprint);
				if (earlier != null) {
					execution.cancel(DUPLICATE);
					return new IdempotentStart(earlier, true);
				}
				stale = holder;
			}
			throw new SharedStoreUnavailableException(
					"The execution recorded for this Idempotency-Key could not be found",
					new IllegalStateException("Recording the key of execution " + execution.executionId()
							+ " failed " + MAX_RECORD_ATTEMPTS + " times"));
		}
		catch (RuntimeException ex) {
			// the client learns of no execution: none may run for it
			execution.cancel((ex instanceof IdempotencyKeyReusedException) ? DUPLICATE : UNRECORDED);
			throw ex;
		}
	}

	/**
	 * The execution a shared record names, or {@code null} if no instance knows it any
	 * more (the record is stale).
	 * @throws IdempotencyKeyReusedException if it exists but started with another input
	 */
	private static @Nullable GraphExecution replayRecorded(ExecutionSharing shared, String graphId,
			ExecutionSharing.KeyedStart recorded, InputDigest fingerprint) {
		GraphExecution execution = shared.find(recorded.executionId()).orElse(null);
		if (execution == null) {
			return null;
		}
		if (!recorded.inputDigest().equals(fingerprint.hex())) {
			throw new IdempotencyKeyReusedException(graphId, recorded.executionId());
		}
		return execution;
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
