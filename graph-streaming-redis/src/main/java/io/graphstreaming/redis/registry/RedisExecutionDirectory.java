package io.graphstreaming.redis.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.jspecify.annotations.Nullable;

import io.graphstreaming.redis.RedisKeys;

/**
 * The execution registry and the owners' leases in Redis. A lease is a key holding the
 * owner's token (its instance id and a part unique to the claim) with the lease duration
 * as its expiry: the owner renews it, and
 * when it expires any instance may claim it ({@code SET NX}), which makes the claim
 * atomic (exactly one instance takes an execution over). Renewal and release check the
 * holder in a script, so an instance that lost a lease never extends or deletes another
 * instance's.
 */
public final class RedisExecutionDirectory {

	/**
	 * Renews a lease its holder still holds, or takes back one that expired (while Redis
	 * was unreachable, say) and that nobody claimed meanwhile, as long as the execution is
	 * still running (a taker may have ended it and dropped the lease); 0 otherwise.
	 */
	private static final String RENEW = "local holder = redis.call('get', KEYS[1]) "
			+ "if holder == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) "
			+ "elseif holder == false and redis.call('sismember', KEYS[2], ARGV[3]) == 1 then "
			+ "redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 "
			+ "else return 0 end";

	private static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then "
			+ "return redis.call('del', KEYS[1]) else return 0 end";

	/**
	 * Records a value unless the key holds another one than ARGV[3] (a stale record to
	 * replace, or empty for none); answers the value the key holds afterwards.
	 */
	private static final String RECORD_START = "local held = redis.call('get', KEYS[1]) "
			+ "if held == false or held == ARGV[3] then "
			+ "redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return ARGV[1] end "
			+ "return held";

	private final RedisAsyncCommands<String, String> commands;

	private final RedisKeys keys;

	/**
	 * Creates the directory.
	 * @param commands string-valued commands
	 * @param keys key names
	 */
	public RedisExecutionDirectory(RedisAsyncCommands<String, String> commands, RedisKeys keys) {
		this.commands = Objects.requireNonNull(commands, "commands");
		this.keys = Objects.requireNonNull(keys, "keys");
	}

	/**
	 * Records a new execution owned by an instance, with its lease.
	 * @param record the execution
	 * @param token the owner's lease token
	 * @param lease the lease duration
	 * @return completes when recorded
	 */
	public CompletionStage<Void> register(ExecutionRecord record, String token, Duration lease) {
		String id = record.executionId();
		return CompletableFuture.allOf(
				this.commands.hset(this.keys.execution(id), record.toHash()).toCompletableFuture(),
				this.commands.sadd(this.keys.running(), id).toCompletableFuture(),
				this.commands.set(this.keys.lease(id), token, SetArgs.Builder.px(lease.toMillis()))
					.toCompletableFuture());
	}

	/**
	 * Removes an execution that was registered but never created here after all (this
	 * instance refused it): its record, its place in the running set and its lease.
	 * @param executionId the id
	 * @return completes when removed
	 */
	public CompletionStage<Void> forget(String executionId) {
		return CompletableFuture.allOf(this.commands.del(this.keys.execution(executionId)).toCompletableFuture(),
				this.commands.srem(this.keys.running(), executionId).toCompletableFuture(),
				this.commands.del(this.keys.lease(executionId)).toCompletableFuture());
	}

	/**
	 * What the registry knows of an execution.
	 * @param executionId the id
	 * @return the record, or {@code null}
	 */
	public CompletionStage<@Nullable ExecutionRecord> find(String executionId) {
		return this.commands.hgetall(this.keys.execution(executionId))
			.thenApply((hash) -> ExecutionRecord.fromHash(executionId, hash));
	}

	/**
	 * Executions not yet ended.
	 * @return their ids
	 */
	public CompletionStage<Set<String>> running() {
		return this.commands.smembers(this.keys.running());
	}

	/**
	 * Records how an execution ended; its record then expires after the retention.
	 * @param executionId the id
	 * @param status the final status
	 * @param finishedAt when
	 * @param retention how long the record stays
	 * @return completes when recorded
	 */
	public CompletionStage<Void> finished(String executionId, String status, Instant finishedAt,
			Duration retention) {
		String key = this.keys.execution(executionId);
		return CompletableFuture.allOf(
				this.commands.hset(key, Map.of(ExecutionRecord.STATUS, status, ExecutionRecord.FINISHED_AT,
						Long.toString(finishedAt.toEpochMilli())))
					.toCompletableFuture(),
				this.commands.pexpire(key, retention.toMillis()).toCompletableFuture(),
				this.commands.srem(this.keys.running(), executionId).toCompletableFuture());
	}

	/**
	 * Records that an execution's run has started (on its owner).
	 * @param executionId the id
	 * @param startedAt when
	 * @return completes when recorded
	 */
	public CompletionStage<Long> started(String executionId, Instant startedAt) {
		return this.commands.hset(this.keys.execution(executionId), Map.of(ExecutionRecord.STATUS, "running",
				ExecutionRecord.STARTED_AT, Long.toString(startedAt.toEpochMilli())));
	}

	/**
	 * Records the instance that now runs an execution (after a takeover).
	 * @param executionId the id
	 * @param instance the instance
	 * @return completes when recorded
	 */
	public CompletionStage<Boolean> owner(String executionId, String instance) {
		return this.commands.hset(this.keys.execution(executionId), ExecutionRecord.INSTANCE, instance);
	}

	/**
	 * Records that someone asked to cancel an execution, so that an instance taking it
	 * over honours the request even if the owner died before acting on it.
	 * @param executionId the id
	 * @param reason the reason
	 * @return completes when recorded
	 */
	public CompletionStage<Boolean> cancelRequested(String executionId, String reason) {
		return this.commands.hset(this.keys.execution(executionId), ExecutionRecord.CANCEL, reason);
	}

	/**
	 * The reason of a cancel asked for an execution, if any.
	 * @param executionId the id
	 * @return the reason, or {@code null}
	 */
	public CompletionStage<@Nullable String> cancelRequest(String executionId) {
		return this.commands.hget(this.keys.execution(executionId), ExecutionRecord.CANCEL);
	}

	/**
	 * Claims an execution whose lease has expired (or never existed).
	 * @param executionId the id
	 * @param token the claimer's lease token
	 * @param lease the lease duration
	 * @return {@code true} if the claimer now holds the lease
	 */
	public CompletionStage<Boolean> claim(String executionId, String token, Duration lease) {
		return this.commands
			.set(this.keys.lease(executionId), token, SetArgs.Builder.nx().px(lease.toMillis()))
			.thenApply("OK"::equals);
	}

	/**
	 * Whether an execution's lease is held by anyone.
	 * @param executionId the id
	 * @return {@code true} while held
	 */
	public CompletionStage<Boolean> leased(String executionId) {
		return this.commands.exists(this.keys.lease(executionId)).thenApply((count) -> count > 0);
	}

	/**
	 * Renews leases, taking back those that expired unclaimed.
	 * @param tokens the token of each execution's lease
	 * @param lease the lease duration
	 * @return per execution (in the order of {@code tokens}), whether its lease is still
	 * held with its token
	 */
	public CompletionStage<List<Boolean>> renew(Map<String, String> tokens, Duration lease) {
		List<CompletableFuture<Boolean>> renewals = tokens.entrySet()
			.stream()
			.map((held) -> this.commands
				.<Long>eval(RENEW, ScriptOutputType.INTEGER,
						new String[] { this.keys.lease(held.getKey()), this.keys.running() }, held.getValue(),
						Long.toString(lease.toMillis()), held.getKey())
				.toCompletableFuture()
				.thenApply((renewed) -> renewed != null && renewed > 0))
			.toList();
		return CompletableFuture.allOf(renewals.toArray(CompletableFuture[]::new))
			.thenApply((ignored) -> renewals.stream().map(CompletableFuture::join).toList());
	}

	/**
	 * Gives up a lease if it is held with a token.
	 * @param executionId the id
	 * @param token the holder's token
	 * @return completes when done
	 */
	public CompletionStage<Void> release(String executionId, String token) {
		return this.commands
			.<Long>eval(RELEASE, ScriptOutputType.INTEGER, new String[] { this.keys.lease(executionId) }, token)
			.thenAccept((ignored) -> {
			});
	}

	/**
	 * Asks every instance to cancel an execution (its owner acts).
	 * @param executionId the id
	 * @param reason the reason
	 * @return completes when published
	 */
	public CompletionStage<Long> publishCancel(String executionId, String reason) {
		return this.commands.publish(this.keys.control(), ControlMessage.cancel(executionId, reason).encode());
	}

	/**
	 * What an idempotency key started, as {@link #recordStart} recorded it.
	 * @param scopedKey the key with its client, graph and kind of start
	 * @return the record, or {@code null}
	 */
	public CompletionStage<@Nullable String> recordedStart(String scopedKey) {
		return this.commands.get(this.keys.idempotencyKey(scopedKey));
	}

	/**
	 * Records what an idempotency key started, unless the key holds another record;
	 * atomic, so that of two instances racing with one key exactly one records its start.
	 * @param scopedKey the key with its client, graph and kind of start
	 * @param record what it started, not empty
	 * @param replacing a record to overwrite, or {@code null} to record only when there is
	 * none
	 * @param ttl how long the record lasts, at least a millisecond
	 * @return the record the key holds afterwards: {@code record}, or the other
	 */
	public CompletionStage<String> recordStart(String scopedKey, String record, @Nullable String replacing,
			Duration ttl) {
		return this.commands.<String>eval(RECORD_START, ScriptOutputType.VALUE,
				new String[] { this.keys.idempotencyKey(scopedKey) }, record,
				Long.toString(Math.max(1, ttl.toMillis())), (replacing != null) ? replacing : "");
	}

}
