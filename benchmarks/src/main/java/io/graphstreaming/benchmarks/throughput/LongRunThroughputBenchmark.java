package io.graphstreaming.benchmarks.throughput;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import io.graphstreaming.benchmarks.support.DrainSubscriber;
import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.journal.ConsumerSpec;
import io.graphstreaming.core.options.StreamingExecutionOptions;

/**
 * Benchmark (b): event throughput of one long run, in process, on the calling thread (the
 * default immediate execution scheduler). One non-blocking node emits {@value #CHUNKS}
 * {@code NodeOutputChunk} events (one pre-made string, so the payload costs nothing);
 * the score is events per second delivered to the consumer:
 *
 * <ul>
 * <li>{@code plain}: {@code executeStream(...).flux()}, every event consumed;
 * <li>{@code typeFilter}: {@code .filter(NODE_OUTPUT_CHUNK, EXECUTION_COMPLETED)}, applied at
 * the journal cursor;
 * <li>{@code buffer64}: {@code .buffer(64)}, lists of 64 events;
 * <li>{@code journalTwoConsumers}: {@code createExecution} and two cursors over its
 * journal, both consuming every event (the score counts each event once per consumer).
 * </ul>
 *
 * The journal keeps its default 10,000 events: both consumers keep up, so it trims as it
 * goes and memory stays flat.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class LongRunThroughputBenchmark {

	/** Chunks the node emits per run. */
	public static final int CHUNKS = 1_000_000;

	/** Events per run: ExecutionStarted, NodeEntered, NodeStarted, the chunks, NodeCompleted, NodeExited, ExecutionCompleted. */
	public static final int EVENTS = CHUNKS + 6;

	private static final String CHUNK = "lorem ipsum dolor";

	private final Map<String, Object> input = Map.of("topic", "benchmark");

	private final StreamingExecutionOptions options = StreamingExecutionOptions.defaults();

	private StreamingGraphExecutor executor;

	@Setup(Level.Trial)
	public void setUp() {
		this.executor = new StreamingGraphExecutor("long-run", "One node streaming " + CHUNKS + " chunks");
		this.executor.addNode(GraphNode.of("producer", (state, context) -> {
			for (int i = 0; i < CHUNKS; i++) {
				context.emitChunk(CHUNK);
			}
			return Map.of("chunks", CHUNKS);
		}).nonBlocking()).setStartNode("producer");
		Blackhole blackhole = new Blackhole(
				"Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
		try {
			expect("plain", plain(blackhole), EVENTS);
			expect("typeFilter", typeFilter(blackhole), CHUNKS + 1);
			expect("buffer64 (batches)", buffer64(blackhole), (EVENTS + 63) / 64);
			expect("journalTwoConsumers", journalTwoConsumers(blackhole), 2L * EVENTS);
		}
		finally {
			blackhole.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
		}
	}

	private static void expect(String variant, long events, long expected) {
		if (events != expected) {
			throw new IllegalStateException(variant + " delivered " + events + " events, expected " + expected);
		}
	}

	/** Every event of the cold stream. */
	@Benchmark
	@OperationsPerInvocation(EVENTS)
	public long plain(Blackhole blackhole) {
		return DrainSubscriber.drain(this.executor.executeStream(this.input).flux(), blackhole);
	}

	/** Only the chunks (and the terminal event), filtered at the cursor. */
	@Benchmark
	@OperationsPerInvocation(EVENTS)
	public long typeFilter(Blackhole blackhole) {
		return DrainSubscriber.drain(this.executor.executeStream(this.input)
			.filter(GraphExecutionEventType.NODE_OUTPUT_CHUNK, GraphExecutionEventType.EXECUTION_COMPLETED)
			.flux(), blackhole);
	}

	/** Lists of 64 events; returns the number of lists. */
	@Benchmark
	@OperationsPerInvocation(EVENTS)
	public long buffer64(Blackhole blackhole) {
		return DrainSubscriber.drain(this.executor.executeStream(this.input).buffer(64), blackhole);
	}

	/**
	 * Two consumers of one execution's journal. The first attaches without starting the
	 * run, the second subscribes through {@code entries} and starts it; both are cursors
	 * fed as each event is appended. Counts events per consumer (2 per event).
	 */
	@Benchmark
	@OperationsPerInvocation(2 * EVENTS)
	public long journalTwoConsumers(Blackhole blackhole) {
		GraphExecution execution = this.executor.createExecution(this.input, this.options);
		ConsumerSpec spec = ConsumerSpec.of(this.options, 0, EventFilter.all());
		CountingSubscriber first = new CountingSubscriber(blackhole);
		execution.journal().consume(spec).subscribe(first);
		long second = DrainSubscriber.drain(execution.entries(spec), blackhole);
		return first.count() + second;
	}

}
