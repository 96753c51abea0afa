package io.graphstreaming.redis.journal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
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
 * <p>Retention is Redis's: each append trims the stream to about {@code maxLength}
 * entries ({@code XADD MAXLEN ~}) and sets its expiry to the retention, which the
 * owner's lease renewal refreshes while a run is quiet.
 */
public final class RedisEventLog {

	static final String EVENT_FIELD = "e";

	private static final String ALREADY_WRITTEN = "equal or smaller than the target stream top item";

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
	 * Appends consecutive entries of one execution, pipelined, in order. Idempotent: an
	 * entry Redis already holds (a retry after a lost answer) counts as written.
	 * @param executionId the execution
	 * @param entries consecutive entries
	 * @param maxLength about how many entries the stream keeps
	 * @param retention the stream's expiry from now
	 * @return completes when every entry is in Redis
	 */
	public CompletionStage<Void> append(String executionId, List<JournalEntry> entries, int maxLength,
			Duration retention) {
		String key = this.keys.events(executionId);
		List<CompletableFuture<?>> writes = new ArrayList<>(entries.size() + 1);
		for (JournalEntry entry : entries) {
			XAddArgs args = new XAddArgs().id(RedisKeys.entryId(entry.sequence())).maxlen(maxLength)
				.approximateTrimming(true);
			writes.add(this.commands.xadd(key, args, Map.of(EVENT_FIELD, this.serializer.serialize(entry)))
				.toCompletableFuture()
				.exceptionally(RedisEventLog::writtenBefore));
		}
		writes.add(this.commands.pexpire(key, retention.toMillis()).toCompletableFuture());
		return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
	}

	/**
	 * Appends one event (written by an instance that is not the execution's runner: the
	 * failure or cancellation recorded after a lost owner).
	 * @param event the event
	 * @param maxLength about how many entries the stream keeps
	 * @param retention the stream's expiry from now
	 * @return completes when written
	 */
	public CompletionStage<Void> append(GraphExecutionEvent event, int maxLength, Duration retention) {
		return append(event.executionId(), List.of(new JournalEntry(event)), maxLength, retention);
	}

	private static @Nullable String writtenBefore(Throwable error) {
		Throwable cause = (error instanceof java.util.concurrent.CompletionException) ? error.getCause() : error;
		if (cause instanceof RedisCommandExecutionException ex && ex.getMessage() != null
				&& ex.getMessage().contains(ALREADY_WRITTEN)) {
			return null;
		}
		throw (cause instanceof RuntimeException runtime) ? runtime : new IllegalStateException(cause);
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
	 * The sequence of the oldest event an execution's stream still holds.
	 * @param executionId the execution
	 * @return the sequence, or 0 if the stream is empty or gone
	 */
	public CompletionStage<Long> firstSequence(String executionId) {
		return this.commands.xrange(this.keys.events(executionId), Range.unbounded(), Limit.from(1))
			.thenApply((messages) -> messages.isEmpty() ? 0L : RedisKeys.sequenceOf(messages.get(0).getId()));
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
