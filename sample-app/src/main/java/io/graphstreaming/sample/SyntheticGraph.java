package io.graphstreaming.sample;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.GraphState;
import io.graphstreaming.core.graph.MergePolicy;
import io.graphstreaming.core.graph.NodeContext;
import io.graphstreaming.core.graph.RetryPolicy;

/**
 * The {@code synthetic} graph: a load and test graph whose shape and cost come from its
 * input (see {@link SyntheticInput} for keys, defaults and ranges):
 * <ul>
 * <li>{@code nodes}: how many node executions the chain runs, one after the other
 * (default 5);</li>
 * <li>{@code delayMs}: how long each node takes, waited without holding a thread (default
 * 0);</li>
 * <li>{@code payloadBytes}: the length of the ASCII {@code payload} string each writes
 * (default 0: no payload);</li>
 * <li>{@code failAt}: the 0-based index of the chain's node execution that fails with a
 * {@link SyntheticFailureException} after its delay and chunks (absent: none);</li>
 * <li>{@code chunks}: how many {@code NodeOutputChunk} events each emits, spread over its
 * delay (default 0);</li>
 * <li>{@code parallel}: how many branches run at once after the chain (default 0:
 * none);</li>
 * <li>{@code retries}: how many times each node of the chain, the branches and the loop
 * fails with a {@link SyntheticRetryableException} before it succeeds (default 0);</li>
 * <li>{@code loop}: how many iterations the cycle at the end runs (default 0: none).</li>
 * </ul>
 *
 * <p>A graph's nodes are fixed when it is defined, so the shape is:
 *
 * <pre>
 * step --"more steps"--&gt; step
 * step --"parallel &gt; 0"--&gt; fan-out ==&gt; branch-1 .. branch-32 (each "parallel &gt;= i") --&gt; join
 * step --"loop &gt; 0"--&gt; loop --"more iterations"--&gt; loop
 * join --"loop &gt; 0"--&gt; loop
 * </pre>
 *
 * <p>The chain is one node, {@code step}, with a conditional edge to itself
 * ({@value #MORE_STEPS}) that holds while fewer than {@code nodes} steps have run. Each
 * step writes {@code step} (the number of steps done, 1 for the first) and, when asked,
 * {@code payload}. Once the chain is done, {@code step} takes the first exit whose
 * condition holds: {@code fan-out} when {@code parallel > 0}, else {@code loop} when
 * {@code loop > 0}, else the run ends. With neither input the run is the chain alone:
 * exactly {@code nodes} {@code NodeCompleted} events, or {@code failAt} of them followed
 * by {@code NodeFailed} and {@code ExecutionFailed}.
 *
 * <p>{@code fan-out} is a fan-out node: it takes every edge to {@code branch-i} with
 * {@code i <= parallel} at once, and the branches (each a step's work: delay, chunks,
 * payload) run concurrently and join at {@code join}. Each branch writes its index in a
 * list under {@value #BRANCHES}, merged with {@code MergePolicy.listAppend()}, so the
 * final state lists every branch in order. {@code loop} counts {@value #ITERATION} up to
 * {@code loop}, doing a step's work each time.
 *
 * <p>With {@code retries}, every step, branch and loop node fails that many times before
 * it succeeds; their retry policy allows {@value SyntheticInput#MAX_RETRIES} retries
 * after a fixed {@value #RETRY_DELAY_MS} ms, of that exception only (a {@code failAt}
 * failure is never retried). An invalid input fails the first step with an
 * {@link IllegalArgumentException} naming the key; the transports answer it with a 400
 * before any run starts (see {@link ValidatingGraphExecutor}).
 */
public final class SyntheticGraph {

	/** The graph id. */
	public static final String ID = "synthetic";

	/** The node id of the chain, and the state key counting the steps done. */
	static final String STEP = "step";

	/** The node id of the fan-out after the chain. */
	static final String FAN_OUT = "fan-out";

	/** The prefix of the branch nodes' ids ({@code branch-1} to {@code branch-32}). */
	static final String BRANCH = "branch-";

	/** The node id where the branches join. */
	static final String JOIN = "join";

	/** The node id of the cycle. */
	static final String LOOP = "loop";

	/** The state key of the payload string. */
	static final String PAYLOAD = "payload";

	/** The state key of the list of branch indexes. */
	static final String BRANCHES = "branches";

	/** The state key counting the cycle's iterations. */
	static final String ITERATION = "iteration";

	/** The label of the self-edge. */
	static final String MORE_STEPS = "more steps";

	/** The label of the exits to the fan-out. */
	static final String TO_FAN_OUT = "parallel > 0";

	/** The label of the exits to the loop. */
	static final String TO_LOOP = "loop > 0";

	/** The label of the loop's self-edge. */
	static final String MORE_ITERATIONS = "more iterations";

	/** The back-off before each retry. */
	static final long RETRY_DELAY_MS = 10;

	/**
	 * The most node executions a run can need (every retry counts): the executor's step
	 * limit.
	 */
	static final int MAX_NODE_EXECUTIONS = (SyntheticInput.MAX_NODES + SyntheticInput.MAX_PARALLEL
			+ SyntheticInput.MAX_LOOP) * (SyntheticInput.MAX_RETRIES + 1) + 2;

	private SyntheticGraph() {
	}

	/**
	 * Builds the graph.
	 * @return a new executor named {@value #ID}, allowing {@link #MAX_NODE_EXECUTIONS}
	 * node executions per run and running all {@value SyntheticInput#MAX_PARALLEL} branches
	 * at once
	 */
	public static StreamingGraphExecutor create() {
		StreamingGraphExecutor executor = new ValidatingGraphExecutor(ID,
				"Load and test graph: input nodes, delayMs, payloadBytes, failAt, chunks, parallel, retries and loop "
						+ "shape the run",
				SyntheticInput::from);
		RetryPolicy retry = RetryPolicy.builder()
			.maxAttempts(SyntheticInput.MAX_RETRIES + 1)
			.initialDelay(Duration.ofMillis(RETRY_DELAY_MS))
			.maxDelay(Duration.ofMillis(RETRY_DELAY_MS))
			.multiplier(1)
			.jitter(0)
			.retryOn(SyntheticRetryableException.class)
			.build();
		executor.addNode(GraphNode.async(STEP, SyntheticGraph::step)
			.withRetry(retry)
			.withDescription("One link of the chain: waits delayMs, streams chunks, writes step and payload"));
		executor.addNode(GraphNode.of(FAN_OUT, (state, context) -> Map.of())
			.nonBlocking()
			.withDescription("Starts 'parallel' branches at once"));
		executor.addNode(GraphNode.of(JOIN, (state, context) -> Map.of())
			.nonBlocking()
			.withDescription("Where the branches meet; their 'branches' lists are appended"));
		executor.addNode(GraphNode.async(LOOP, SyntheticGraph::loop)
			.withRetry(retry)
			.withMaxIterations(SyntheticInput.MAX_LOOP)
			.withDescription("One iteration of the cycle: a step's work, then counts 'iteration'"));
		executor.connect(STEP, STEP, MORE_STEPS, SyntheticGraph::moreSteps)
			.connect(STEP, FAN_OUT, TO_FAN_OUT, (state) -> SyntheticInput.from(state).parallel() > 0)
			.connect(STEP, LOOP, TO_LOOP, (state) -> SyntheticInput.from(state).loop() > 0);
		for (int i = 1; i <= SyntheticInput.MAX_PARALLEL; i++) {
			int index = i;
			executor.addNode(GraphNode.async(BRANCH + i, (state, context) -> branch(index, state, context))
				.withRetry(retry)
				.withDescription("Branch " + i + ": a step's work, then adds " + i + " to 'branches'"));
			executor.connect(FAN_OUT, BRANCH + i, "parallel >= " + i,
					(state) -> SyntheticInput.from(state).parallel() >= index);
			executor.connect(BRANCH + i, JOIN);
		}
		executor.connect(JOIN, LOOP, TO_LOOP, (state) -> SyntheticInput.from(state).loop() > 0)
			.connect(LOOP, LOOP, MORE_ITERATIONS,
					(state) -> state.getInt(ITERATION, 0) < SyntheticInput.from(state).loop());
		executor.fanOut(FAN_OUT);
		executor.mergePolicy(BRANCHES, MergePolicy.listAppend());
		executor.maxParallelism(SyntheticInput.MAX_PARALLEL);
		executor.setStartNode(STEP);
		executor.maxSteps(MAX_NODE_EXECUTIONS);
		return executor;
	}

	private static boolean moreSteps(GraphState state) {
		return state.getInt(STEP, 0) < SyntheticInput.from(state).nodes();
	}

	private static Mono<Map<String, @Nullable Object>> step(GraphState state, NodeContext context) {
		SyntheticInput input = SyntheticInput.from(state);
		int index = state.getInt(STEP, 0);
		if (input.delayMs() == 0 && input.chunks() == 0 && context.attempt() > input.retries()) {
			return finish(input, index);
		}
		return work(input, context, STEP + " " + index).then(Mono.defer(() -> finish(input, index)));
	}

	private static Mono<Map<String, @Nullable Object>> finish(SyntheticInput input, int index) {
		if (input.failsAt(index)) {
			return Mono.error(new SyntheticFailureException(index));
		}
		return Mono.just(written(input, STEP, index + 1));
	}

	private static Mono<Map<String, @Nullable Object>> branch(int index, GraphState state, NodeContext context) {
		SyntheticInput input = SyntheticInput.from(state);
		return work(input, context, "branch " + index)
			.then(Mono.fromSupplier(() -> written(input, BRANCHES, List.of(index))));
	}

	private static Mono<Map<String, @Nullable Object>> loop(GraphState state, NodeContext context) {
		SyntheticInput input = SyntheticInput.from(state);
		int iteration = state.getInt(ITERATION, 0);
		return work(input, context, LOOP + " " + iteration)
			.then(Mono.fromSupplier(() -> written(input, ITERATION, iteration + 1)));
	}

	/**
	 * What every step, branch and loop node does before it writes: fail while the input
	 * asks for retries, then wait {@code delayMs} while streaming {@code chunks}.
	 */
	private static Mono<Void> work(SyntheticInput input, NodeContext context, String label) {
		if (context.attempt() <= input.retries()) {
			return Mono.error(new SyntheticRetryableException(context.nodeId(), context.attempt(), input.retries()));
		}
		if (input.chunks() == 0) {
			return pause(input.delayMs());
		}
		return Flux.range(0, input.chunks())
			.concatMap((chunk) -> pause(slice(input.delayMs(), input.chunks(), chunk))
				.then(Mono.defer(() -> context.emitChunkAndAwaitCapacity(chunk(label, chunk)))))
			.then();
	}

	private static Map<String, @Nullable Object> written(SyntheticInput input, String key, Object value) {
		Map<String, @Nullable Object> written = new LinkedHashMap<>(4);
		written.put(key, value);
		if (input.payloadBytes() > 0) {
			written.put(PAYLOAD, SyntheticPayload.of(input.payloadBytes()));
		}
		return written;
	}

	/**
	 * The content of a chunk: {@code "<label> chunk <n>"}, such as {@code "step 0 chunk 1"}
	 * or {@code "branch 3 chunk 0"}, both numbers 0-based except a branch's.
	 */
	static String chunk(String label, int chunk) {
		return label + " chunk " + chunk;
	}

	/**
	 * The wait before chunk {@code n}, so that chunk {@code n} goes out at
	 * {@code delayMs * (n + 1) / chunks} and the last one at {@code delayMs}.
	 */
	private static long slice(long delayMs, int chunks, int n) {
		return delayMs * (n + 1) / chunks - delayMs * n / chunks;
	}

	private static Mono<Void> pause(long millis) {
		return (millis > 0) ? Mono.delay(Duration.ofMillis(millis)).then() : Mono.empty();
	}

}
