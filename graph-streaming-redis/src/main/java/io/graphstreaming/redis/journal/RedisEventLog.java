package io.graphstreaming.redis.journal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.journal.EventSerializer;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.redis.RedisKeys;

/**
 * One Redis stream per execution, holding its events in sequence order: the entry id of
 * sequence {@code n} is {@code 0-n}, so Redis itself refuses an entry out of order and a
 * reader asks for "everything after {@code n}" with the id {@code 0-n}. Each entry has
 * one field, {@code e}, the event's JSON (the same bytes the transports send).
 *
 * <p>Appends are one Lua script per batch (atomic, one round trip) that checks the
 * writer still holds the execution's lease before writing anything.
 *
 * <p>Retention is Redis's: each append trims the stream to about {@code maxLength}
 * entries ({@code XADD MAXLEN ~}) and sets its expiry to the retention, which the
 * owner's lease renewal refreshes while a run is quiet.
 */
public final class RedisEventLog {

	static final String EVENT_FIELD = "e";

	static final String LEASE_LOST = "LEASE_LOST";

	static final String BROKEN = "BROKEN";

	/**
	 * KEYS: the stream, the lease, the running set. ARGV: token, lease ms, max length,
	 * retention ms, execution id, then a
	 * sequence and its JSON per entry. Returns how many entries it added.
	 */
	private static final String APPEND = """
			local holder = redis.call('get', KEYS[2])
			if holder == false then
			  if redis.call('sismember', KEYS[3], ARGV[5]) == 0 and redis.call('exists', KEYS[1]) == 1 then
			    return redis.error_reply('LEASE_LOST: the execution has ended')
			  end
			  redis.call('set', KEYS[2], ARGV[1], 'PX', ARGV[2])
			elseif holder ~= ARGV[1] then
			  return redis.error_reply('LEASE_LOST: the lease is held by ' .. holder)
			end
			local last = 0
			local newest = redis.call('xrevrange', KEYS[1], '+', '-', 'COUNT', 1)
			if #newest > 0 then
			  last = tonumber(string.match(newest[1][1], '%-(%d+)$'))
			end
			local added = 0
			for i = 6, #ARGV, 2 do
			  local sequence = tonumber(ARGV[i])
			  local id = '0-' .. ARGV[i]
			  if sequence <= last then
			    if #redis.call('xrange', KEYS[1], id, id) == 0 then
			      -- not held: fine only if trimmed away after an earlier attempt wrote it
			      local oldest = redis.call('xrange', KEYS[1], '-', '+', 'COUNT', 1)
			      if #oldest == 0 or sequence >= tonumber(string.match(oldest[1][1], '%-(%d+)$')) then
			        return redis.error_reply('BROKEN OUT_OF_ORDER: ' .. id .. ' is not after the newest entry 0-' .. last)
			      end
			    end
			  elseif last > 0 and sequence ~= last + 1 then
			    return redis.error_reply('BROKEN GAP: ' .. id .. ' would follow 0-' .. last)
			  else
			    redis.call('xadd', KEYS[1], 'MAXLEN', '~', ARGV[3], id, 'e', ARGV[i + 1])
			    last = sequence
			    added = added + 1
			  end
			end
			redis.call('pexpire', KEYS[1], ARGV[4])
			return added
			""";

	private final RedisAsyncCommands<String, byte[]> commands;

	private final RedisKeys keys;

	private final EventSerializer serializer;

	/**
	 * Creates the log.
	 * @param commands binary-valued commands
	 * @param keys key names
	 * @param serializer the event JSON codec
	 */
	public RedisEventLog(RedisAsyncCommands<String, byte[]> commands, RedisKeys keys, EventSerializer serializer) {
		this.commands = Objects.requireNonNull(commands, "commands");
		this.keys = Objects.requireNonNull(keys, "keys");
		this.serializer = Objects.requireNonNull(serializer, "serializer");
	}

	public RedisKeys keys() {
		return this.keys;
	}

	/**
	 * Appends consecutive entries of one execution in one script call, fenced by the
	 * execution's lease: the script writes only while the lease holds the writer's token
	 * (or nobody's, which it then takes: a lease that expired while Redis was unreachable
	 * goes back to its owner unless another instance claimed it meanwhile), so an owner
	 * that lost its execution to another instance can never write into its stream again.
	 * Idempotent: an entry the stream already holds, or has trimmed since (a retry after
	 * a lost answer), is skipped; an entry at or below the newest that the stream does not hold, or one that
	 * would leave a gap, fails the call with {@link LeaseLostException} too: the stream is
	 * no longer what this writer wrote (Redis lost writes), and the run must give way to a
	 * takeover from the stream as it is.
	 * @param executionId the execution
	 * @param entries consecutive entries
	 * @param fence the lease and the writer's token
	 * @param maxLength about how many entries the stream keeps
	 * @param retention the stream's expiry from now
	 * @return completes when every entry is in Redis; fails with {@link LeaseLostException}
	 * when another instance holds the lease
	 */
	public CompletionStage<Void> append(String executionId, List<JournalEntry> entries, LeaseFence fence,
			int maxLength, Duration retention) {
		for (int i = 1; i < entries.size(); i++) {
			long previous = entries.get(i - 1).sequence();
			if (entries.get(i).sequence() != previous + 1) {
				throw new IllegalArgumentException("Entries of execution " + executionId
						+ " must be consecutive but sequence " + entries.get(i).sequence() + " follows " + previous);
			}
		}
		byte[][] arguments = new byte[5 + 2 * entries.size()][];
		arguments[0] = bytes(fence.token());
		arguments[1] = bytes(Long.toString(fence.lease().toMillis()));
		arguments[2] = bytes(Integer.toString(maxLength));
		arguments[3] = bytes(Long.toString(retention.toMillis()));
		arguments[4] = bytes(executionId);
		int next = 5;
		for (JournalEntry entry : entries) {
			arguments[next++] = bytes(Long.toString(entry.sequence()));
			arguments[next++] = this.serializer.serialize(entry);
		}
		String[] scriptKeys = { this.keys.events(executionId), this.keys.lease(executionId), this.keys.running() };
		return this.commands.<Long>eval(APPEND, ScriptOutputType.INTEGER, scriptKeys, arguments)
			.toCompletableFuture()
			.handle((written, error) -> {
				if (error == null) {
					return null;
				}
				Throwable cause = (error instanceof CompletionException) ? error.getCause() : error;
				String message = (cause != null) ? cause.getMessage() : null;
				if (message != null && message.contains(LEASE_LOST)) {
					throw new LeaseLostException(executionId, message.substring(message.indexOf(LEASE_LOST)));
				}
				if (message != null && message.contains(BROKEN)) {
					// the stream is not what this writer wrote (Redis lost writes in a crash or a
					// failover): no retry can mend it
					throw new LeaseLostException(executionId, message.substring(message.indexOf(BROKEN)));
				}
				throw (cause instanceof RuntimeException runtime) ? runtime : new CompletionException(cause);
			});
	}

	/**
	 * Appends one event as the holder of the execution's lease: the end an instance
	 * records for an execution it claimed after its owner was lost.
	 * @param event the event
	 * @param fence the lease and the claimer's token
	 * @param maxLength about how many entries the stream keeps
	 * @param retention the stream's expiry from now
	 * @return completes when written
	 */
	public CompletionStage<Void> append(GraphExecutionEvent event, LeaseFence fence, int maxLength,
			Duration retention) {
		return append(event.executionId(), List.of(new JournalEntry(event)), fence, maxLength, retention);
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Keeps an execution's stream from expiring while its run is quiet.
	 * @param executionId the execution
	 * @param retention the expiry from now
	 * @return completes when done
	 */
	public CompletionStage<Boolean> touch(String executionId, Duration retention) {
		return this.commands.pexpire(this.keys.events(executionId), retention.toMillis());
	}

	/**
	 * The newest event of an execution.
	 * @param executionId the execution
	 * @return the event, or {@code null} if the stream is empty or gone
	 */
	public CompletionStage<@Nullable GraphExecutionEvent> last(String executionId) {
		return this.commands.xrevrange(this.keys.events(executionId), Range.unbounded(), Limit.from(1))
			.thenApply((messages) -> messages.isEmpty() ? null : decode(messages.get(0)));
	}

	/**
	 * Every event an execution's stream still holds, oldest first (at most about the
	 * journal's max events, which trimming keeps it to).
	 * @param executionId the execution
	 * @return the events, empty if the stream is empty or gone
	 */
	public CompletionStage<List<GraphExecutionEvent>> all(String executionId) {
		return this.commands.xrange(this.keys.events(executionId), Range.unbounded())
			.thenApply((messages) -> messages.stream().map(this::decode).toList());
	}

	/**
	 * Decodes an entry written by this log.
	 * @param message the stream entry
	 * @return the event
	 */
	public GraphExecutionEvent decode(StreamMessage<String, byte[]> message) {
		byte[] json = message.getBody().get(EVENT_FIELD);
		if (json == null) {
			throw new IllegalStateException("Stream entry " + message.getId() + " of " + message.getStream()
					+ " has no '" + EVENT_FIELD + "' field; it was not written by graph-streaming");
		}
		return this.serializer.deserialize(json);
	}

}
