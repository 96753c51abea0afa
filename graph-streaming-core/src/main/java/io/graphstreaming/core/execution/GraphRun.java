package io.graphstreaming.core.execution;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

import io.graphstreaming.core.graph.EdgeCondition;
import io.graphstreaming.core.graph.Graph;
import io.graphstreaming.core.graph.GraphEdge;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.GraphState;
import io.graphstreaming.core.graph.NodeAction;
import io.graphstreaming.core.graph.NodeContext;
import io.graphstreaming.core.journal.ExecutionJournal;

/**
 * Walks a graph for one execution: calls each node as a {@link Mono}, applies the values
 * it writes, routes along the first edge that holds, and reports every step through the
 * sequencer. Before each node it yields to backpressure: if a lossless consumer is too
 * far behind, the run waits on the journal without holding a thread.
 */
final class GraphRun {

	private final Graph graph;

	private final ExecutionSequencer sequencer;

	private final ExecutionJournal journal;

	private static final int STEPS_BETWEEN_YIELDS = 256;

	private static final int EXPAND_QUEUE_LINK = 8;

	private final Scheduler nodeScheduler;

	private final Scheduler executionScheduler;

	private final int maxSteps;

	private final boolean includeFinalState;

	private final Map<String, @Nullable Object> state;

	private final GraphState view;

	private final Sinks.Empty<Void> cancellation = Sinks.empty();

	private final String executionId;

	private volatile @Nullable String currentNode;

	private volatile boolean cancelled;

	private long startNanos;

	private int steps;

	GraphRun(String executionId, Graph graph, ExecutionSequencer sequencer, ExecutionJournal journal,
			Scheduler nodeScheduler, Scheduler executionScheduler, int maxSteps, boolean includeFinalState,
			Map<String, @Nullable Object> input) {
		this.executionId = executionId;
		this.graph = graph;
		this.sequencer = sequencer;
		this.journal = journal;
		this.nodeScheduler = nodeScheduler;
		this.executionScheduler = executionScheduler;
		this.maxSteps = maxSteps;
		this.includeFinalState = includeFinalState;
		this.state = new LinkedHashMap<>(input);
		this.view = new GraphState(this.state);
	}

	@Nullable String currentNode() {
		return this.currentNode;
	}

	/**
	 * The whole run; subscribing starts it, cancelling the subscription cancels it. It
	 * never errors: every outcome ends in a terminal event.
	 */
	Mono<Void> run(Map<String, @Nullable Object> input) {
		return Mono.defer(() -> {
			this.startNanos = System.nanoTime();
			String start = this.graph.startNode();
			this.sequencer.executionStarted(start, Collections.unmodifiableMap(input));
			// One next node at a time: a small queue link (8) instead of Reactor's default 256,
			// which would allocate a 1 KB array for every run.
			return Mono.just(start).expand(this::step, EXPAND_QUEUE_LINK).then();
		})
			.doOnSuccess((ignored) -> this.sequencer.executionCompleted(elapsed(),
					this.includeFinalState ? Collections.unmodifiableMap(this.state) : null))
			.onErrorResume((error) -> {
				String nodeId = (error instanceof NodeExecutionException failure) ? failure.nodeId() : this.currentNode;
				Throwable cause = (error instanceof NodeExecutionException) ? error.getCause() : error;
				this.sequencer.executionFailed(elapsed(), nodeId, cause);
				return Mono.empty();
			});
	}

	/**
	 * Stops the run: the node in flight is cancelled by the caller disposing the run's
	 * subscription; this signals cooperative nodes and writes the terminal event.
	 */
	void cancelled(String reason) {
		this.cancelled = true;
		this.cancellation.tryEmitEmpty();
		this.sequencer.executionCancelled(elapsed(), this.currentNode, reason);
	}

	Duration elapsed() {
		return (this.startNanos != 0) ? Duration.ofNanos(System.nanoTime() - this.startNanos) : Duration.ZERO;
	}

	/**
	 * One node. A run that waited for a slow consumer resumes on the execution scheduler,
	 * not on the consumer's thread (often a Netty event loop); a long run of non-blocking
	 * nodes hops there every few hundred steps too, so it never monopolises a thread that
	 * other executions share.
	 */
	private Mono<String> step(String nodeId) {
		Mono<Void> gate = this.journal.awaitCapacity();
		Mono<String> body = Mono.defer(() -> executeNode(nodeId));
		if (gate != null) {
			return gate.publishOn(this.executionScheduler).then(body);
		}
		if (this.steps > 0 && this.steps % STEPS_BETWEEN_YIELDS == 0) {
			return body.subscribeOn(this.executionScheduler);
		}
		return body;
	}

	private Mono<String> executeNode(String nodeId) {
		if (++this.steps > this.maxSteps) {
			return Mono.error(new IllegalStateException("Graph '" + this.graph.id() + "' exceeded " + this.maxSteps
					+ " node executions; a cycle may not terminate"));
		}
		GraphNode node = this.graph.node(nodeId);
		this.currentNode = nodeId;
		this.sequencer.nodeEntered(nodeId);
		this.sequencer.nodeStarted(nodeId);
		long started = System.nanoTime();
		NodeAction direct = node.nonBlockingAction();
		if (direct != null) {
			// A non-blocking function runs here and now: the same call, events and outcome as
			// through invoke(), without assembling a Mono pipeline for every node.
			Map<String, @Nullable Object> written;
			try {
				written = direct.execute(this.view, new RunningNode(nodeId));
			}
			catch (Throwable error) {
				Exceptions.throwIfJvmFatal(error);
				return failed(nodeId, started, error);
			}
			return completed(nodeId, started, (written != null) ? written : Map.of());
		}
		return node.invoke(this.view, new RunningNode(nodeId), this.nodeScheduler)
			.onErrorResume((error) -> failed(nodeId, started, error))
			.flatMap((written) -> completed(nodeId, started, written));
	}

	private <T> Mono<T> failed(String nodeId, long started, Throwable error) {
		this.sequencer.nodeFailed(nodeId, Duration.ofNanos(System.nanoTime() - started), error);
		this.sequencer.nodeExited(nodeId);
		return Mono.error(new NodeExecutionException(nodeId, error));
	}

	private Mono<String> completed(String nodeId, long started, Map<String, @Nullable Object> written) {
		Duration duration = Duration.ofNanos(System.nanoTime() - started);
		this.state.putAll(written);
		this.sequencer.nodeCompleted(nodeId, duration, written);
		this.sequencer.nodeExited(nodeId);
		String next = route(nodeId);
		return (next != null) ? Mono.just(next) : Mono.empty();
	}

	private @Nullable String route(String nodeId) {
		String fallback = null;
		for (GraphEdge edge : this.graph.outgoing(nodeId)) {
			EdgeCondition condition = edge.condition();
			if (condition == null) {
				fallback = edge.to();
				continue;
			}
			boolean holds = condition.test(this.view);
			this.sequencer.conditionEvaluated(nodeId, edge.to(), condition.label(), holds);
			if (holds) {
				return edge.to();
			}
		}
		return fallback;
	}

	/**
	 * The context of one node invocation.
	 */
	private final class RunningNode implements NodeContext {

		private final String nodeId;

		private final AtomicLong chunks = new AtomicLong();

		RunningNode(String nodeId) {
			this.nodeId = nodeId;
		}

		@Override
		public String executionId() {
			return GraphRun.this.executionId;
		}

		@Override
		public String graphId() {
			return GraphRun.this.graph.id();
		}

		@Override
		public String nodeId() {
			return this.nodeId;
		}

		@Override
		public boolean isCancelled() {
			return GraphRun.this.cancelled;
		}

		@Override
		public Mono<Void> cancellation() {
			return GraphRun.this.cancellation.asMono();
		}

		@Override
		public void emitChunk(Object chunk) {
			GraphRun.this.sequencer.nodeOutputChunk(this.nodeId, this.chunks.getAndIncrement(), chunk);
		}

		@Override
		public Mono<Void> emitChunkAndAwaitCapacity(Object chunk) {
			emitChunk(chunk);
			Mono<Void> gate = GraphRun.this.journal.awaitCapacity();
			return (gate != null) ? gate.publishOn(GraphRun.this.executionScheduler) : Mono.empty();
		}

	}

}
