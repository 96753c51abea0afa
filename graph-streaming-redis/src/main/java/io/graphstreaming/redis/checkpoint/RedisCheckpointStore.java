package io.graphstreaming.redis.checkpoint;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.async.RedisAsyncCommands;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.checkpoint.CheckpointCodec;
import io.graphstreaming.core.checkpoint.CheckpointStore;
import io.graphstreaming.redis.RedisKeys;

/**
 * Checkpoints in Redis, where every instance finds them: what an instance taking over a
 * lost owner's execution continues from. Each checkpoint is one key holding its encoded
 * form; each execution has a sorted set of its checkpoint ids, ordered by the sequence
 * the checkpoint was taken at. Both expire after the retention (refreshed by each save),
 * and an execution keeps at most {@code maxPerExecution} checkpoints, the newest. A save
 * that fails on a Redis error (Redis unreachable) is retried with backoff until it
 * succeeds, so the run pauses at its checkpoint rather than failing.
 */
public final class RedisCheckpointStore implements CheckpointStore {

	private final RedisAsyncCommands<String, String> strings;

	private final RedisAsyncCommands<String, byte[]> binary;

	private final RedisKeys keys;

	private final CheckpointCodec codec;

	private final int maxPerExecution;

	private final Duration retention;

	private final Duration minRetryDelay;

	private final Duration maxRetryDelay;

	/**
	 * Where callers continue: not on the Redis client's I/O thread, where whatever they
	 * do next (a web handler that looks an execution up in Redis, a run's next node)
	 * would hold up every command on that connection, or wait for itself.
	 */
	private final Scheduler continuations = Schedulers.boundedElastic();

	/**
	 * Creates the store.
	 * @param strings string-valued commands (the indexes)
	 * @param binary binary-valued commands (the checkpoints)
	 * @param keys key names
	 * @param codec how checkpoints are encoded
	 * @param maxPerExecution checkpoints kept per execution, strictly positive
	 * @param retention how long checkpoints are kept after the newest save
	 * @param minRetryDelay first delay before retrying a save that failed on a Redis error
	 * @param maxRetryDelay longest delay between retries
	 */
	public RedisCheckpointStore(RedisAsyncCommands<String, String> strings, RedisAsyncCommands<String, byte[]> binary,
			RedisKeys keys, CheckpointCodec codec, int maxPerExecution, Duration retention, Duration minRetryDelay,
			Duration maxRetryDelay) {
		this.minRetryDelay = Objects.requireNonNull(minRetryDelay, "minRetryDelay");
		this.maxRetryDelay = Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
		if (maxPerExecution <= 0) {
			throw new IllegalArgumentException("maxPerExecution must be strictly positive but was " + maxPerExecution);
		}
		this.strings = Objects.requireNonNull(strings, "strings");
		this.binary = Objects.requireNonNull(binary, "binary");
		this.keys = Objects.requireNonNull(keys, "keys");
		this.codec = Objects.requireNonNull(codec, "codec");
		this.maxPerExecution = maxPerExecution;
		this.retention = Objects.requireNonNull(retention, "retention");
	}

	@Override
	public Mono<Void> save(Checkpoint checkpoint) {
		Objects.requireNonNull(checkpoint, "checkpoint");
		String index = this.keys.checkpoints(checkpoint.executionId());
		long ttl = this.retention.toMillis();
		return Mono.fromCallable(() -> this.codec.encode(checkpoint))
			.flatMap((bytes) -> Mono.fromCompletionStage(() -> this.binary.psetex(
					this.keys.checkpoint(checkpoint.checkpointId()), ttl, bytes)))
			.then(Mono.fromCompletionStage(
					() -> this.strings.zadd(index, (double) checkpoint.sequence(), checkpoint.checkpointId())))
			.then(Mono.fromCompletionStage(() -> this.strings.pexpire(index, ttl)))
			.then(trim(index))
			// a run waits at its checkpoint while Redis is unreachable, as its events wait
			// for the journal: the checkpoint is what a takeover needs, so it is not skipped
			.retryWhen(Retry.backoff(Long.MAX_VALUE, this.minRetryDelay)
				.maxBackoff(this.maxRetryDelay)
				.filter(RedisCheckpointStore::isRedisUnreachable))
			.publishOn(this.continuations);
	}

	/**
	 * A Redis error, or the connection's own (a command in flight when the connection is
	 * reset fails with the socket's {@code IOException}); not a codec error.
	 */
	static boolean isRedisUnreachable(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof RedisException || cause instanceof IOException) {
				return true;
			}
		}
		return false;
	}

	/** Drops the oldest checkpoints beyond the limit. */
	private Mono<Void> trim(String index) {
		long keepFrom = -(long) this.maxPerExecution - 1;
		return Mono.fromCompletionStage(() -> this.strings.zrange(index, 0, keepFrom))
			.flatMap((dropped) -> dropped.isEmpty() ? Mono.empty()
					: Mono.fromCompletionStage(() -> this.binary.del(dropped.stream()
						.map(this.keys::checkpoint)
						.toArray(String[]::new)))
						.then(Mono.fromCompletionStage(() -> this.strings.zrem(index, dropped.toArray(String[]::new)))))
			.then();
	}

	@Override
	public Mono<Checkpoint> load(String checkpointId) {
		Objects.requireNonNull(checkpointId, "checkpointId");
		return Mono.fromCompletionStage(() -> this.binary.get(this.keys.checkpoint(checkpointId)))
			.map(this.codec::decode)
			.publishOn(this.continuations);
	}

	@Override
	public Flux<Checkpoint> list(String executionId) {
		Objects.requireNonNull(executionId, "executionId");
		return Mono.fromCompletionStage(() -> this.strings.zrange(this.keys.checkpoints(executionId), 0, -1))
			.flatMapMany(this::loadAll)
			.publishOn(this.continuations);
	}

	@Override
	public Mono<Checkpoint> latest(String executionId) {
		Objects.requireNonNull(executionId, "executionId");
		// the newest few, in case the newest one's key is gone while its index entry is not
		return Mono.fromCompletionStage(() -> this.strings.zrange(this.keys.checkpoints(executionId), -5, -1))
			.flatMapMany(this::loadAll)
			.last()
			.onErrorResume(NoSuchElementException.class, (ex) -> Mono.empty())
			.publishOn(this.continuations);
	}

	private Flux<Checkpoint> loadAll(List<String> ids) {
		if (ids.isEmpty()) {
			return Flux.empty();
		}
		return Mono
			.fromCompletionStage(() -> this.binary.mget(ids.stream().map(this.keys::checkpoint).toArray(String[]::new)))
			.flatMapIterable((values) -> values)
			.filter(KeyValue::hasValue)
			.map((value) -> this.codec.decode(value.getValue()));
	}

	@Override
	public Mono<Void> delete(String executionId) {
		Objects.requireNonNull(executionId, "executionId");
		String index = this.keys.checkpoints(executionId);
		return Mono.fromCompletionStage(() -> this.strings.zrange(index, 0, -1))
			.flatMap((ids) -> ids.isEmpty() ? Mono.empty()
					: Mono.fromCompletionStage(
							() -> this.binary.del(ids.stream().map(this.keys::checkpoint).toArray(String[]::new))))
			.then(Mono.fromCompletionStage(() -> this.strings.del(index)))
			.then()
			.publishOn(this.continuations);
	}

}
