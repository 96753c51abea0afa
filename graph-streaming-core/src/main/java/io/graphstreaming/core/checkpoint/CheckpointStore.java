package io.graphstreaming.core.checkpoint;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where checkpoints are kept. Reactive, so that a store on disk or on a network (a
 * database, Redis) never blocks the thread that runs a graph; a run waits for
 * {@link #save} to complete before it emits {@code CheckpointCreated} and goes on, so an
 * announced checkpoint is always loadable.
 *
 * <p>Implementations: {@link InMemoryCheckpointStore} (the default; lost on restart) and
 * {@link FileCheckpointStore} (survives restarts).
 */
public interface CheckpointStore {

	/**
	 * Saves a checkpoint (replacing one with the same id).
	 * @param checkpoint the checkpoint
	 * @return completes when it is stored
	 */
	Mono<Void> save(Checkpoint checkpoint);

	/**
	 * Loads a checkpoint.
	 * @param checkpointId its id
	 * @return the checkpoint, or empty if the store has none with that id
	 */
	Mono<Checkpoint> load(String checkpointId);

	/**
	 * The checkpoints of an execution, oldest first.
	 * @param executionId the execution
	 * @return its checkpoints, empty if none
	 */
	Flux<Checkpoint> list(String executionId);

	/**
	 * The newest checkpoint of an execution.
	 * @param executionId the execution
	 * @return the checkpoint, or empty if none
	 */
	default Mono<Checkpoint> latest(String executionId) {
		return list(executionId).last().onErrorResume(java.util.NoSuchElementException.class, (ex) -> Mono.empty());
	}

	/**
	 * Deletes every checkpoint of an execution.
	 * @param executionId the execution
	 * @return completes when they are gone
	 */
	Mono<Void> delete(String executionId);

}
