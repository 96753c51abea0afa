package io.graphstreaming.spring.registry;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.GraphExecutor;
import io.graphstreaming.core.options.StreamingExecutionOptions;

/**
 * Shares executions between the instances of an application, so that any instance can
 * serve any execution: its stream, status and cancel. When a bean of this type exists
 * (the {@code graph-streaming-redis} module provides one for
 * {@code graph.streaming.journal.type=redis}), {@link GraphRegistry} creates and finds
 * executions through it; without one, executions live in this instance only.
 *
 * <p>The executions it returns are registered in the instance's
 * {@link io.graphstreaming.core.execution.ExecutionRegistry}, usually as replicas
 * ({@link GraphExecution#isReplica()}) whose journal is fed from the shared one.
 *
 * <p>It also shares what {@code Idempotency-Key}s started, so that a repeated start
 * request reaching another instance finds the first request's execution. An
 * implementation that keeps the defaults leaves keys per instance.
 */
public interface ExecutionSharing {

	/**
	 * Creates an idle execution that runs on this instance and is visible to all.
	 * @param executor the graph
	 * @param input the initial state
	 * @param options the graph's options
	 * @param owner the principal starting it, or {@code null}
	 * @return the execution, started by its first consumer or by {@code start()}
	 */
	GraphExecution create(GraphExecutor executor, Map<String, ? extends @Nullable Object> input,
			StreamingExecutionOptions options, @Nullable String owner);

	/**
	 * Creates an idle execution resuming from a checkpoint, run on this instance and
	 * visible to all.
	 * @param executor the graph
	 * @param checkpoint the checkpoint
	 * @param options the graph's options
	 * @param owner the principal resuming it, or {@code null}
	 * @return the execution
	 */
	GraphExecution resume(GraphExecutor executor, Checkpoint checkpoint, StreamingExecutionOptions options,
			@Nullable String owner);

	/**
	 * Finds an execution that another instance created, registering a replica of it in
	 * this instance's registry.
	 * @param executionId the id
	 * @return the execution, or empty if no instance knows it
	 */
	Optional<GraphExecution> find(String executionId);

	/**
	 * Registers replicas of every execution still running anywhere, so that listings of
	 * this instance's registry show the whole application's. May block briefly (it asks
	 * the shared store); call it off event loops.
	 */
	void includeRunningExecutions();

	/**
	 * What an idempotency key started, as {@link #recordStart} recorded it.
	 * @param key the key, scoped to its client, graph and kind of start; it may name a
	 * client, so store a digest of it rather than the key itself
	 * @return the record, or empty if the key has none (never had, or it expired)
	 * @throws SharedStoreUnavailableException if the shared store does not answer
	 */
	default Optional<KeyedStart> recordedStart(String key) {
		return Optional.empty();
	}

	/**
	 * Atomically records what an idempotency key started, unless the key already holds
	 * another record: the first of two instances racing with one key wins, and the other
	 * learns which execution won.
	 * @param key the key, scoped as for {@link #recordedStart(String)}
	 * @param start the execution just created for the key
	 * @param replacing a record to overwrite (one whose execution is gone), or
	 * {@code null} to record only when the key holds none
	 * @param ttl how long the record lasts
	 * @return the record the key holds now: {@code start}, or the one recorded before
	 * @throws SharedStoreUnavailableException if the shared store does not answer
	 */
	default KeyedStart recordStart(String key, KeyedStart start, @Nullable KeyedStart replacing, Duration ttl) {
		return start;
	}

	/**
	 * What an idempotency key started: the execution, and a digest of the input it
	 * started with.
	 *
	 * @param executionId the execution
	 * @param inputDigest the input's digest, in a stable text form without spaces
	 */
	record KeyedStart(String executionId, String inputDigest) {

		/**
		 * Checks the parts.
		 * @param executionId the execution
		 * @param inputDigest the input's digest
		 */
		public KeyedStart {
			Objects.requireNonNull(executionId, "executionId");
			Objects.requireNonNull(inputDigest, "inputDigest");
		}

	}

}
