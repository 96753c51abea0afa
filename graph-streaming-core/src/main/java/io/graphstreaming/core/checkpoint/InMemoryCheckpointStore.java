package io.graphstreaming.core.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Checkpoints in memory, lost when the JVM stops: enough to resume a cancelled or failed
 * execution in the same process, and the default. Keeps at most {@code maxPerExecution}
 * checkpoints per execution (the newest), so a long agent loop does not grow without
 * bound.
 */
public final class InMemoryCheckpointStore implements CheckpointStore {

	private final Map<String, List<Checkpoint>> byExecution = new ConcurrentHashMap<>();

	private final Map<String, Checkpoint> byId = new ConcurrentHashMap<>();

	private final int maxPerExecution;

	/**
	 * A store keeping the newest 100 checkpoints of each execution.
	 */
	public InMemoryCheckpointStore() {
		this(100);
	}

	/**
	 * A store keeping the newest checkpoints of each execution.
	 * @param maxPerExecution strictly positive
	 */
	public InMemoryCheckpointStore(int maxPerExecution) {
		if (maxPerExecution <= 0) {
			throw new IllegalArgumentException("maxPerExecution must be strictly positive but was " + maxPerExecution);
		}
		this.maxPerExecution = maxPerExecution;
	}

	@Override
	public Mono<Void> save(Checkpoint checkpoint) {
		Objects.requireNonNull(checkpoint, "checkpoint");
		return Mono.fromRunnable(() -> this.byExecution.compute(checkpoint.executionId(), (id, existing) -> {
			List<Checkpoint> list = (existing != null) ? existing : new ArrayList<>();
			list.removeIf((kept) -> kept.checkpointId().equals(checkpoint.checkpointId()));
			list.add(checkpoint);
			this.byId.put(checkpoint.checkpointId(), checkpoint);
			while (list.size() > this.maxPerExecution) {
				this.byId.remove(list.remove(0).checkpointId());
			}
			return list;
		}));
	}

	@Override
	public Mono<Checkpoint> load(String checkpointId) {
		Objects.requireNonNull(checkpointId, "checkpointId");
		return Mono.fromSupplier(() -> this.byId.get(checkpointId));
	}

	@Override
	public Flux<Checkpoint> list(String executionId) {
		Objects.requireNonNull(executionId, "executionId");
		return Flux.defer(() -> {
			List<Checkpoint> snapshot = new ArrayList<>();
			this.byExecution.computeIfPresent(executionId, (id, list) -> {
				snapshot.addAll(list);
				return list;
			});
			return Flux.fromIterable(snapshot);
		});
	}

	@Override
	public Mono<Void> delete(String executionId) {
		Objects.requireNonNull(executionId, "executionId");
		return Mono.fromRunnable(() -> {
			List<Checkpoint> removed = this.byExecution.remove(executionId);
			if (removed != null) {
				removed.forEach((checkpoint) -> this.byId.remove(checkpoint.checkpointId()));
			}
		});
	}

}
