package io.graphstreaming.benchmarks.sse;

import java.time.Duration;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.GraphState;
import io.graphstreaming.core.graph.NodeContext;

/**
 * The load graph of the SSE benchmarks: one reactive node, {@code emit}, that streams
 * {@code events} pre-made {@code NodeOutputChunk}s, either as fast as backpressure allows
 * ({@code perTick} 0) or {@code perTick} of them every {@code tickMicros}. A third shape,
 * {@code idle}, emits nothing and waits until the execution is cancelled.
 *
 * <p>Input: {@code events}, {@code perTick}, {@code tickMicros}, {@code phaseMicros} (delay
 * of the first tick, so that many paced streams do not tick in step), {@code probe} (a
 * {@link LatencyProbes} id; emission times are recorded just before each emit).
 */
public final class ChunkStreamer {

	/** The chunk every event carries: a short piece of text, as an LLM token batch would be. */
	public static final String CHUNK = "lorem ipsum dolor";

	/** Frames of our stream before the first chunk: ExecutionStarted, NodeEntered, NodeStarted. */
	public static final int FRAMES_BEFORE_CHUNKS = 3;

	private ChunkStreamer() {
	}

	/**
	 * A graph streaming chunks.
	 * @param id the graph id
	 * @return the executor
	 */
	public static StreamingGraphExecutor chunks(String id) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(id, "Streams pre-made chunks for load tests");
		executor.addNode(GraphNode.async("emit", ChunkStreamer::emit)).setStartNode("emit");
		return executor;
	}

	/**
	 * A graph whose single node waits until the execution is cancelled: an open stream
	 * with nothing to say but heartbeats.
	 * @param id the graph id
	 * @return the executor
	 */
	public static StreamingGraphExecutor idle(String id) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(id, "Waits until cancelled");
		executor.addNode(GraphNode.async("wait", (state, context) -> Mono.never())).setStartNode("wait");
		return executor;
	}

	private static Mono<Map<String, Object>> emit(GraphState state, NodeContext context) {
		int events = state.getInt("events", 1000);
		int perTick = state.getInt("perTick", 0);
		long tickMicros = state.getInt("tickMicros", 1000);
		long phaseMicros = state.getInt("phaseMicros", (int) tickMicros);
		long[] probe = LatencyProbes.find(state.get("probe", String.class));
		Mono<Void> run;
		if (perTick <= 0) {
			run = Mono.defer(() -> emitFrom(context, 0, events, probe));
		}
		else {
			int ticks = (events + perTick - 1) / perTick;
			run = Flux.interval(Duration.ofNanos(phaseMicros * 1000), Duration.ofNanos(tickMicros * 1000),
					Schedulers.parallel())
				.take(ticks)
				.doOnNext((tick) -> {
					int from = (int) (tick * perTick);
					int to = Math.min(events, from + perTick);
					for (int i = from; i < to; i++) {
						if (probe != null) {
							probe[i] = System.nanoTime();
						}
						context.emitChunk(CHUNK);
					}
				})
				.then();
		}
		return run.thenReturn(Map.of("events", events));
	}

	/**
	 * Emits until done or until a lossless consumer is too far behind; then continues
	 * when it has caught up. {@code emitChunkAndAwaitCapacity} answers the shared
	 * {@code Mono.empty()} when the node may go on at once, so the loop allocates nothing
	 * per event on the fast path.
	 */
	private static Mono<Void> emitFrom(NodeContext context, int from, int events, long[] probe) {
		for (int i = from; i < events; i++) {
			if (probe != null) {
				probe[i] = System.nanoTime();
			}
			Mono<Void> gate = context.emitChunkAndAwaitCapacity(CHUNK);
			if (gate != Mono.<Void>empty()) {
				int next = i + 1;
				return gate.then(Mono.defer(() -> emitFrom(context, next, events, probe)));
			}
		}
		return Mono.empty();
	}

}
