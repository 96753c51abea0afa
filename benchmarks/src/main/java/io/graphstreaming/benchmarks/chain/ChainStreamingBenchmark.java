package io.graphstreaming.benchmarks.chain;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.bsc.langgraph4j.NodeOutput;
import org.bsc.langgraph4j.state.AgentState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import io.graphstreaming.benchmarks.support.DrainSubscriber;
import io.graphstreaming.core.execution.ExecutionResult;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.StreamingGraphExecutor;

/**
 * Benchmark (a): what one streamed run of a chain of trivial nodes costs, every item
 * consumed, side by side in one run: our {@code executeStream(...).flux()} and
 * {@code executeAsync}, LangGraph4j's and Spring AI Alibaba Graph's {@code stream(...)}
 * (the latter as compiled by default, with an in-memory checkpoint saver, and without
 * one), and a hand-written Reactor pipeline as the floor. Graphs are built once per trial; each
 * invocation is one complete run from the call that starts it to its last item.
 *
 * <p>What each contender emits per run of {@code n} nodes: ours {@code 4n + 2} events
 * (ExecutionStarted; NodeEntered, NodeStarted, NodeCompleted, NodeExited per node;
 * ExecutionCompleted), the raw pipeline the same number of small records, LangGraph4j
 * and Spring AI Alibaba Graph {@code n + 2} node outputs (start, each node, end), each
 * with a snapshot of the state.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class ChainStreamingBenchmark {

	@Param({ "3", "50" })
	int nodes;

	private final Map<String, Object> input = Map.of("topic", "benchmark");

	private StreamingGraphExecutor graphStreaming;

	private org.bsc.langgraph4j.CompiledGraph<AgentState> langGraph4j;

	private com.alibaba.cloud.ai.graph.CompiledGraph springAiAlibaba;

	private com.alibaba.cloud.ai.graph.CompiledGraph springAiAlibabaWithoutSaver;

	private RawReactorChain raw;

	@Setup(Level.Trial)
	public void setUp() {
		this.graphStreaming = ChainGraphs.graphStreaming(this.nodes);
		this.langGraph4j = ChainGraphs.langGraph4j(this.nodes);
		this.springAiAlibaba = ChainGraphs.springAiAlibaba(this.nodes);
		this.springAiAlibabaWithoutSaver = ChainGraphs.springAiAlibabaWithoutSaver(this.nodes);
		this.raw = new RawReactorChain(ChainGraphs.outputs(this.nodes));
		check();
	}

	/**
	 * Each contender runs the whole chain and emits what it should, before anything is
	 * measured.
	 */
	private void check() {
		Blackhole blackhole = new Blackhole(
				"Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
		try {
			expect("executeStream", DrainSubscriber.drain(this.graphStreaming.executeStream(this.input).flux(),
					blackhole), 4L * this.nodes + 2);
			ExecutionResult result = this.graphStreaming.executeAsync(this.input).block();
			if (result == null || result.status() != ExecutionStatus.COMPLETED
					|| !Integer.valueOf(this.nodes - 1).equals(result.output().get("step"))) {
				throw new IllegalStateException("executeAsync did not complete the chain: " + result);
			}
			expect("raw", DrainSubscriber.drain(this.raw.run(this.input), blackhole), 4L * this.nodes + 2);
			long lg4j = 0;
			for (NodeOutput<AgentState> output : this.langGraph4j.stream(this.input)) {
				lg4j++;
				if (output.isEND() && !Integer.valueOf(this.nodes - 1).equals(output.state().data().get("step"))) {
					throw new IllegalStateException("LangGraph4j ended with " + output);
				}
			}
			expect("LangGraph4j", lg4j, this.nodes + 2);
			expect("Spring AI Alibaba Graph", DrainSubscriber.drain(this.springAiAlibaba.stream(this.input), blackhole),
					this.nodes + 2);
			expect("Spring AI Alibaba Graph without saver",
					DrainSubscriber.drain(this.springAiAlibabaWithoutSaver.stream(this.input), blackhole), this.nodes + 2);
		}
		finally {
			blackhole.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
		}
	}

	private static void expect(String contender, long items, long expected) {
		if (items != expected) {
			throw new IllegalStateException(contender + " emitted " + items + " items, expected " + expected);
		}
	}

	/** Ours: the cold event stream, every event consumed. */
	@Benchmark
	public long graphStreamingExecuteStream(Blackhole blackhole) {
		return DrainSubscriber.drain(this.graphStreaming.executeStream(this.input).flux(), blackhole);
	}

	/** Ours: run to the result, only the terminal event journaled. */
	@Benchmark
	public ExecutionResult graphStreamingExecuteAsync() {
		return this.graphStreaming.executeAsync(this.input).block();
	}

	/** LangGraph4j 1.8.17: {@code CompiledGraph.stream(inputs)} iterated to the end. */
	@Benchmark
	public void langGraph4jStream(Blackhole blackhole) {
		for (NodeOutput<AgentState> output : this.langGraph4j.stream(this.input)) {
			blackhole.consume(output);
		}
	}

	/** Spring AI Alibaba Graph 1.1.2.2: {@code CompiledGraph.stream(inputs)} consumed to the end. */
	@Benchmark
	public long springAiAlibabaGraphStream(Blackhole blackhole) {
		return DrainSubscriber.drain(this.springAiAlibaba.stream(this.input), blackhole);
	}

	/**
	 * Spring AI Alibaba Graph 1.1.2.2 compiled without its default in-memory checkpoint
	 * saver.
	 */
	@Benchmark
	public long springAiAlibabaGraphStreamWithoutSaver(Blackhole blackhole) {
		return DrainSubscriber.drain(this.springAiAlibabaWithoutSaver.stream(this.input), blackhole);
	}

	/** The floor: a hand-written {@code Flux.generate} emitting as many small records as ours. */
	@Benchmark
	public long rawReactorBaseline(Blackhole blackhole) {
		return DrainSubscriber.drain(this.raw.run(this.input), blackhole);
	}

}
