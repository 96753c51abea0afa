package io.graphstreaming.benchmarks.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.benchmarks.sse.RawSseEndpoints;
import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.journal.ConsumerSpec;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.spring.json.GraphEventJsonReader;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.json.JsonEventSerializer;

/**
 * Heap held by a backlog of 200,000 chunk events with distinct 1 KiB payloads behind a
 * consumer that reads nothing, with memory-mapped spill off (the block allowance raised
 * above the backlog) and on (1,000 events in memory, 64 MiB segments of event JSON, the
 * starter's serializer). Heap after full GCs with the backlog held minus before; then
 * the consumer drains everything.
 *
 * <p>Run: {@code java -Xmx1g -cp ... io.graphstreaming.benchmarks.memory.SpilledBacklog}.
 */
public final class SpilledBacklog {

	private static final int EVENTS = 200_000;

	private SpilledBacklog() {
	}

	public static void main(String[] args) throws IOException {
		Path directory = Files.createTempDirectory("spill-bench");
		System.out.printf(Locale.ROOT, "# Slow consumer, %,d chunk events of 1 KiB held%n%n", EVENTS);
		System.out.println("| spill | heap held | per event | segment files | run time |");
		System.out.println("|---|---:|---:|---:|---:|");
		measure(false, directory, false);
		measure(true, directory, false);
		measure(false, directory, true);
		measure(true, directory, true);
	}

	private static void measure(boolean spill, Path directory, boolean print) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("backlog", "Emits a backlog");
		executor.addNode(GraphNode.of("producer", (state, context) -> {
			StringBuilder text = new StringBuilder(1024);
			for (int i = 0; i < EVENTS; i++) {
				text.setLength(0);
				text.append("chunk ").append(i).append(' ');
				while (text.length() < 1024) {
					text.append("lorem ipsum dolor sit amet ");
				}
				text.setLength(1024);
				context.emitChunk(text.toString());
			}
			return Map.of();
		}).nonBlocking()).setStartNode("producer");
		JsonMapper mapper = new JsonMapper();
		StreamingExecutionOptions.Builder builder = StreamingExecutionOptions.builder()
			.withJournalMaxEvents(EVENTS + 1_000);
		if (spill) {
			builder.withMemoryMappedBuffers(true, 64L * 1024 * 1024, directory)
				.withMemoryMappedLimits(1_000, 4L << 30, 8L << 30)
				.withEventSerializer(new JsonEventSerializer(new GraphEventJsonWriter(mapper),
						new GraphEventJsonReader(mapper)));
		}
		else {
			builder.withMaxBufferSize(EVENTS + 1_000);
		}
		StreamingExecutionOptions options = builder.build();
		long before = RawSseEndpoints.heapAfterGc();
		long start = System.nanoTime();
		GraphExecution execution = executor.createExecution(Map.of(), options);
		Idle consumer = new Idle();
		execution.entries(ConsumerSpec.of(options, 0, EventFilter.all())).subscribe(consumer);
		long elapsed = System.nanoTime() - start;
		if (execution.status() != ExecutionStatus.COMPLETED || consumer.received != 0) {
			throw new IllegalStateException("Expected a completed run with its backlog held, got "
					+ execution.status());
		}
		long with = RawSseEndpoints.heapAfterGc();
		int segments = execution.journal().spilledSegments();
		consumer.request(Long.MAX_VALUE);
		if (consumer.received != execution.journal().head() || !consumer.completed) {
			throw new IllegalStateException("The consumer received " + consumer.received + " events");
		}
		execution.journal().close();
		if (print) {
			System.out.printf(Locale.ROOT, "| %s | %.1f MB | %.0f bytes | %d | %.2f s |%n", spill ? "on" : "off",
					(with - before) / 1024.0 / 1024.0, (with - before) / (double) EVENTS, segments, elapsed / 1e9);
		}
	}

	/**
	 * Reads nothing until told to.
	 */
	private static final class Idle extends BaseSubscriber<JournalEntry> {

		long received;

		boolean completed;

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			// no demand: the backlog builds up
		}

		@Override
		protected void hookOnNext(JournalEntry value) {
			this.received++;
		}

		@Override
		protected void hookOnComplete() {
			this.completed = true;
		}

	}

}
