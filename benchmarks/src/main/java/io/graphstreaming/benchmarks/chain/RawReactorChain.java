package io.graphstreaming.benchmarks.chain;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import reactor.core.publisher.Flux;
import reactor.core.publisher.SynchronousSink;

/**
 * The floor: a hand-written Reactor pipeline that walks the same chain and emits the
 * same number of small event records as our executor (execution started, four per node,
 * execution completed), each stamped with a sequence and {@code Instant.now()}. No
 * journal, no options, no cancellation, no backpressure beyond {@code Flux.generate}'s:
 * what streaming a chain costs when nothing else is offered.
 */
final class RawReactorChain {

	/** Event kinds of the baseline. */
	static final int STARTED = 0;

	static final int NODE_ENTERED = 1;

	static final int NODE_STARTED = 2;

	static final int NODE_COMPLETED = 3;

	static final int NODE_EXITED = 4;

	static final int COMPLETED = 5;

	private final String[] nodeIds;

	private final Function<Map<String, Object>, Map<String, Object>>[] functions;

	RawReactorChain(Map<String, Object>[] outputs) {
		int nodes = outputs.length;
		this.nodeIds = new String[nodes];
		@SuppressWarnings("unchecked")
		Function<Map<String, Object>, Map<String, Object>>[] fns = new Function[nodes];
		for (int i = 0; i < nodes; i++) {
			this.nodeIds[i] = "n" + i;
			Map<String, Object> output = outputs[i];
			fns[i] = (state) -> output;
		}
		this.functions = fns;
	}

	/**
	 * One run.
	 * @param input the initial state
	 * @return the events, cold
	 */
	Flux<RawEvent> run(Map<String, Object> input) {
		return Flux.generate(() -> new Walk(input), this::next);
	}

	private Walk next(Walk walk, SynchronousSink<RawEvent> sink) {
		int step = walk.step++;
		if (step == 0) {
			sink.next(new RawEvent(++walk.sequence, Instant.now(), STARTED, null));
			return walk;
		}
		int node = (step - 1) >> 2;
		if (node == this.nodeIds.length) {
			sink.next(new RawEvent(++walk.sequence, Instant.now(), COMPLETED, null));
			sink.complete();
			return walk;
		}
		String nodeId = this.nodeIds[node];
		switch ((step - 1) & 3) {
			case 0 -> sink.next(new RawEvent(++walk.sequence, Instant.now(), NODE_ENTERED, nodeId));
			case 1 -> sink.next(new RawEvent(++walk.sequence, Instant.now(), NODE_STARTED, nodeId));
			case 2 -> {
				walk.state.putAll(this.functions[node].apply(walk.state));
				sink.next(new RawEvent(++walk.sequence, Instant.now(), NODE_COMPLETED, nodeId));
			}
			default -> sink.next(new RawEvent(++walk.sequence, Instant.now(), NODE_EXITED, nodeId));
		}
		return walk;
	}

	/** One small event. */
	record RawEvent(long sequence, Instant timestamp, int kind, String nodeId) {
	}

	/** The walk's position and state. */
	private static final class Walk {

		final Map<String, Object> state;

		int step;

		long sequence;

		Walk(Map<String, Object> input) {
			this.state = new HashMap<>(input);
		}

	}

}
