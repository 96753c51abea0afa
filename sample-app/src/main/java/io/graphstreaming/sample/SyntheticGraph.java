package io.graphstreaming.sample;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.GraphState;
import io.graphstreaming.core.graph.NodeContext;

/**
 * The {@code synthetic} graph: a load and test graph whose shape and cost come from its
 * input (see {@link SyntheticInput} for keys, defaults and ranges):
 * <ul>
 * <li>{@code nodes}: how many node executions run, one after the other (default 5);</li>
 * <li>{@code delayMs}: how long each takes, waited without holding a thread (default
 * 0);</li>
 * <li>{@code payloadBytes}: the length of the ASCII {@code payload} string each writes
 * (default 0: no payload);</li>
 * <li>{@code failAt}: the 0-based index of the node execution that fails with a
 * {@link SyntheticFailureException} after its delay and chunks (absent: none);</li>
 * <li>{@code chunks}: how many {@code NodeOutputChunk} events each emits, spread over its
 * delay (default 0).</li>
 * </ul>
 *
 * <p>A graph's nodes are fixed when it is defined, so the chain is one node, {@code step},
 * with a conditional edge to itself ({@value #MORE_STEPS}) that holds while fewer than
 * {@code nodes} steps have run. Each step writes {@code step} (the number of steps done,
 * 1 for the first) and, when asked, {@code payload}; the run ends when the condition
 * fails. A run therefore has exactly {@code nodes} {@code NodeCompleted} events, or
 * {@code failAt} of them followed by {@code NodeFailed} and {@code ExecutionFailed}. An
 * invalid input fails the first step with an {@link IllegalArgumentException} naming the
 * key.
 */
public final class SyntheticGraph {

	/** The graph id. */
	public static final String ID = "synthetic";

	/** The node id, and the state key counting the steps done. */
	static final String STEP = "step";

	/** The state key of the payload string. */
	static final String PAYLOAD = "payload";

	/** The label of the self-edge. */
	static final String MORE_STEPS = "more steps";

	private SyntheticGraph() {
	}

	/**
	 * Builds the graph.
	 * @return a new executor named {@value #ID}, allowing {@link SyntheticInput#MAX_NODES}
	 * steps per run
	 */
	public static StreamingGraphExecutor create() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(ID,
				"Load and test graph: input nodes, delayMs, payloadBytes, failAt and chunks shape the run");
		executor.addNode(GraphNode.async(STEP, SyntheticGraph::step)
			.withDescription("One link of the chain: waits delayMs, streams chunks, writes step and payload"));
		executor.connect(STEP, STEP, MORE_STEPS, SyntheticGraph::moreSteps);
		executor.setStartNode(STEP);
		executor.maxSteps(SyntheticInput.MAX_NODES);
		return executor;
	}

	private static boolean moreSteps(GraphState state) {
		return state.getInt(STEP, 0) < SyntheticInput.from(state).nodes();
	}

	private static Mono<Map<String, @Nullable Object>> step(GraphState state, NodeContext context) {
		SyntheticInput input = SyntheticInput.from(state);
		int index = state.getInt(STEP, 0);
		if (input.delayMs() == 0 && input.chunks() == 0) {
			return finish(input, index);
		}
		Mono<Void> work;
		if (input.chunks() == 0) {
			work = pause(input.delayMs());
		}
		else {
			work = Flux.range(0, input.chunks())
				.concatMap((chunk) -> pause(slice(input.delayMs(), input.chunks(), chunk))
					.then(Mono.defer(() -> context.emitChunkAndAwaitCapacity(chunk(index, chunk)))))
				.then();
		}
		return work.then(Mono.defer(() -> finish(input, index)));
	}

	private static Mono<Map<String, @Nullable Object>> finish(SyntheticInput input, int index) {
		if (input.failsAt(index)) {
			return Mono.error(new SyntheticFailureException(index));
		}
		Map<String, @Nullable Object> written = new LinkedHashMap<>(4);
		written.put(STEP, index + 1);
		if (input.payloadBytes() > 0) {
			written.put(PAYLOAD, SyntheticPayload.of(input.payloadBytes()));
		}
		return Mono.just(written);
	}

	/**
	 * The content of a chunk: {@code "step <index> chunk <n>"}, both 0-based.
	 */
	static String chunk(int index, int chunk) {
		return "step " + index + " chunk " + chunk;
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
