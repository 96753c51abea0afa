package io.graphstreaming.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeStartedEvent;
import io.graphstreaming.core.journal.EventSerializer;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.spring.json.GraphEventJsonReader;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.json.JsonCheckpointCodec;
import io.graphstreaming.spring.json.JsonEventSerializer;

/**
 * What the Redis module's tests share: the event JSON serializer and checkpoint codec
 * built as the auto-configuration builds them, events, unique key prefixes and waiting
 * for Redis.
 */
public final class RedisTesting {

	public static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Instant EPOCH = Instant.parse("2025-01-01T10:00:00.123Z");

	private RedisTesting() {
	}

	/**
	 * The event serializer of {@code GraphStreamingAutoConfiguration}.
	 * @return a JSON serializer
	 */
	public static EventSerializer serializer() {
		JsonMapper mapper = new JsonMapper();
		return new JsonEventSerializer(new GraphEventJsonWriter(mapper), new GraphEventJsonReader(mapper));
	}

	/**
	 * The checkpoint codec of {@code GraphStreamingAutoConfiguration}.
	 * @return a JSON codec
	 */
	public static JsonCheckpointCodec checkpointCodec() {
		return new JsonCheckpointCodec(new JsonMapper());
	}

	/**
	 * Keys under a prefix no other test uses.
	 * @return the keys
	 */
	public static RedisKeys uniqueKeys() {
		return new RedisKeys("test-" + UUID.randomUUID().toString().substring(0, 8));
	}

	/**
	 * A non-terminal event.
	 * @param executionId the execution
	 * @param sequence its sequence
	 * @return {@code NodeStarted} of node {@code n<sequence>}
	 */
	public static GraphExecutionEvent event(String executionId, long sequence) {
		return new NodeStartedEvent(executionId, "g", sequence, EPOCH.plusMillis(sequence), "n" + sequence);
	}

	/**
	 * A terminal event.
	 * @param executionId the execution
	 * @param sequence its sequence
	 * @return {@code ExecutionCompleted}
	 */
	public static GraphExecutionEvent completed(String executionId, long sequence) {
		return new ExecutionCompletedEvent(executionId, "g", sequence, EPOCH.plusMillis(sequence),
				Duration.ofMillis(sequence), Map.of("done", true));
	}

	/**
	 * Journal entries of non-terminal events.
	 * @param executionId the execution
	 * @param from first sequence
	 * @param to last sequence, inclusive
	 * @return the entries
	 */
	public static List<JournalEntry> entries(String executionId, long from, long to) {
		List<JournalEntry> entries = new ArrayList<>();
		for (long sequence = from; sequence <= to; sequence++) {
			entries.add(new JournalEntry(event(executionId, sequence)));
		}
		return entries;
	}

	/**
	 * Waits for a Redis answer.
	 * @param <T> the answer's type
	 * @param stage the command
	 * @return the answer
	 */
	public static <T> T await(CompletionStage<T> stage) {
		try {
			return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (Exception ex) {
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex);
		}
	}

	/**
	 * Retries a command until Redis answers it (after a restart Lettuce needs a moment to
	 * reconnect, and rejects commands meanwhile).
	 * @param <T> the answer's type
	 * @param command makes the command
	 * @return the answer
	 */
	public static <T> T awaitReconnected(Supplier<CompletionStage<T>> command) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (true) {
			try {
				return await(command.get());
			}
			catch (RuntimeException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				sleep(50);
			}
		}
	}

	public static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
