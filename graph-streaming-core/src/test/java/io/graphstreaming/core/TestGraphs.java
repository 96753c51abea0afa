package io.graphstreaming.core;

import java.util.Map;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;

/**
 * Graphs and test-driven nodes shared by the core tests. The driven nodes ({@link Gate},
 * {@link ChunkFeed}) are reactive, so the events they cause are emitted on the test's own
 * thread: tests stay deterministic without sleeps.
 */
public final class TestGraphs {

	private TestGraphs() {
	}

	/**
	 * A chain of non-blocking nodes; node {@code i} (from 1) writes {@code {id: i}}.
	 * @param graphId the graph id
	 * @param nodeIds the nodes, in order; the first is the start node
	 * @return the executor
	 */
	public static StreamingGraphExecutor chain(String graphId, String... nodeIds) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(graphId, "test chain");
		for (int i = 0; i < nodeIds.length; i++) {
			int value = i + 1;
			String id = nodeIds[i];
			executor.addNode(GraphNode.of(id, (state, context) -> Map.of(id, value)).nonBlocking());
			if (i > 0) {
				executor.connect(nodeIds[i - 1], id);
			}
		}
		executor.setStartNode(nodeIds[0]);
		return executor;
	}

	/**
	 * A node that waits until the test opens it.
	 */
	public static final class Gate {

		private final Sinks.One<Map<String, Object>> sink = Sinks.one();

		/**
		 * The node.
		 * @param id its id
		 * @return a reactive node completing when the gate opens
		 */
		public GraphNode node(String id) {
			return GraphNode.async(id, (state, context) -> this.sink.asMono());
		}

		/**
		 * Lets the node complete, writing nothing; the run goes on on this thread.
		 */
		public void open() {
			this.sink.tryEmitValue(Map.of()).orThrow();
		}

	}

	/**
	 * A node whose output chunks the test pushes: each pushed value becomes one
	 * {@code NodeOutputChunk} event, emitted on the pushing thread.
	 */
	public static final class ChunkFeed {

		private final Sinks.Many<Object> sink = Sinks.many().unicast().onBackpressureBuffer();

		private int next;

		/**
		 * The node.
		 * @param id its id
		 * @return a reactive node that emits each pushed chunk and completes on {@link #finish()}
		 */
		public GraphNode node(String id) {
			return GraphNode.async(id, (state, context) -> this.sink.asFlux()
				.doOnNext(context::emitChunk)
				.then(Mono.just(Map.of(id, "done"))));
		}

		/**
		 * Pushes {@code count} chunks, numbered on from the last one pushed.
		 * @param count how many
		 */
		public void push(int count) {
			for (int i = 0; i < count; i++) {
				this.sink.tryEmitNext(this.next++).orThrow();
			}
		}

		/**
		 * Completes the node.
		 */
		public void finish() {
			this.sink.tryEmitComplete().orThrow();
		}

	}

}
