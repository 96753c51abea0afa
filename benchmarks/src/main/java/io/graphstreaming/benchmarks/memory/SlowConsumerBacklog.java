package io.graphstreaming.benchmarks.memory;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

import io.graphstreaming.benchmarks.sse.RawSseEndpoints;
import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.journal.ConsumerSpec;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.core.options.StreamingExecutionOptions;

/**
 * Benchmark (e): heap held by a backlog of {@value #EVENTS} events in memory, behind a
 * consumer that reads nothing while a run produces them (the block policy's allowance is
 * raised above the backlog so that the run is not paused). Measured as heap after full
 * GCs with the backlog held minus before, divided by the events; then the consumer reads
 * everything, so nothing was lost. Two payloads: one shared chunk string (the journal's
 * own cost per event) and a distinct 17-character string per event.
 *
 * <p>Spill to disk (memory-mapped segments) is measured by {@link SpilledBacklog}.
 *
 * <p>Run: {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar io.graphstreaming.benchmarks.memory.SlowConsumerBacklog}.
 */
public final class SlowConsumerBacklog {

	/** Chunk events in the backlog. */
	public static final int EVENTS = 200_000;

	private SlowConsumerBacklog() {
	}

	public static void main(String[] args) {
		int events = Arrays.asList(args).contains("--smoke") ? 20_000 : EVENTS;
		System.out.printf(Locale.ROOT, "# Slow consumer: %,d chunk events held for a consumer that reads nothing%n",
				events);
		System.out.println();
		System.out.println("| payload | heap held | per event |");
		System.out.println("|---|---:|---:|");
		measure(events, false, false);
		measure(events, true, false);
		measure(events, false, true);
		measure(events, true, true);
		System.out.println();
		System.out.println("Spill to disk: see SpilledBacklog (memory-mapped segments).");
	}

	private static void measure(int events, boolean distinct, boolean print) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("backlog", "Emits a backlog");
		executor.addNode(GraphNode.of("producer", (state, context) -> {
			for (int i = 0; i < events; i++) {
				context.emitChunk(distinct ? String.format(Locale.ROOT, "lorem ipsum %5d", i % 100_000) : "lorem ipsum dolor");
			}
			return Map.of();
		}).nonBlocking()).setStartNode("producer");
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withMaxBufferSize(events + 1_000)
			.withJournalMaxEvents(events + 1_000)
			.build();
		long before = RawSseEndpoints.heapAfterGc();
		GraphExecution execution = executor.createExecution(Map.of(), options);
		Idle consumer = new Idle();
		execution.entries(ConsumerSpec.of(options, 0, EventFilter.all())).subscribe(consumer);
		if (execution.status() != ExecutionStatus.COMPLETED || consumer.received != 0
				|| execution.journal().head() != events + 6 || execution.journal().firstRetained() != 1) {
			throw new IllegalStateException("Expected a completed run with its whole backlog held, got "
					+ execution.status() + ", head " + execution.journal().head());
		}
		long with = RawSseEndpoints.heapAfterGc();
		consumer.readAll();
		if (consumer.received != events + 6 || !consumer.completed) {
			throw new IllegalStateException("The consumer received " + consumer.received + " events");
		}
		if (print) {
			System.out.printf(Locale.ROOT, "| %s | %.1f MB | %.0f bytes |%n",
					distinct ? "a distinct 17-character string per event" : "one shared chunk string",
					(with - before) / 1024.0 / 1024.0, (with - before) / (double) (events + 6));
		}
		execution.cancel("done");
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

		void readAll() {
			request(Long.MAX_VALUE);
		}

	}

}
