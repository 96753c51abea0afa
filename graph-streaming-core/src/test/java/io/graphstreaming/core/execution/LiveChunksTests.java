package io.graphstreaming.core.execution;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeOutputChunkEvent;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.graphstreaming.core.TestEvents.range;
import static io.graphstreaming.core.TestEvents.sequences;
import static io.graphstreaming.core.TestEvents.wireNames;
import static io.graphstreaming.core.execution.RunEvents.TIMEOUT_SECONDS;
import static io.graphstreaming.core.execution.RunEvents.timeout;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Partial output reaches consumers while its node still runs: chunks of parallel branches
 * are delivered as they are emitted, interleaved, long before either branch completes.
 * The nodes wait for the consumer to have received the other branch's chunk, so a stream
 * that held chunks back until a node completed would time out.
 */
class LiveChunksTests {

	private final Map<String, CountDownLatch> delivered = new ConcurrentHashMap<>();

	private final List<GraphExecutionEvent> received = new CopyOnWriteArrayList<>();

	private final CountDownLatch release = new CountDownLatch(1);

	@Test
	void chunksOfTwoParallelBranchesReachTheConsumerInterleavedWhileBothStillRun() throws Exception {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("chunks", "two streaming branches");
		executor.addNode(GraphNode.of("fork", (state, context) -> Map.of()).nonBlocking());
		executor.addNode(GraphNode.of("a", (state, context) -> {
			context.emitChunk("a0");
			awaitDelivery("b0");
			context.emitChunk("a1");
			awaitRelease();
			return Map.of("a", "done");
		}));
		executor.addNode(GraphNode.of("b", (state, context) -> {
			awaitDelivery("a0");
			context.emitChunk("b0");
			awaitDelivery("a1");
			context.emitChunk("b1");
			awaitRelease();
			return Map.of("b", "done");
		}));
		executor.connect("fork", "a").connect("fork", "b").setStartNode("fork");
		GraphExecution execution = executor.createExecution(Map.of(), StreamingExecutionOptions.defaults());
		Disposable consumer = execution.stream().flux().subscribe(this::receive);

		try {
			assertThat(latch("b1").await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("every chunk delivered").isTrue();
			List<GraphExecutionEvent> whileRunning = List.copyOf(this.received);
			assertThat(whileRunning).as("no branch has completed")
				.noneMatch((event) -> "NodeCompleted".equals(event.eventType().wireName())
						&& List.of("a", "b").contains(event.nodeId()));
			assertThat(chunks(whileRunning)).extracting(NodeOutputChunkEvent::chunk)
				.containsExactly("a0", "b0", "a1", "b1");
			assertThat(chunks(whileRunning)).extracting(NodeOutputChunkEvent::nodeId).containsExactly("a", "b", "a", "b");
			assertThat(chunks(whileRunning)).extracting(NodeOutputChunkEvent::chunkIndex).containsExactly(0L, 0L, 1L, 1L);
		}
		finally {
			this.release.countDown();
		}

		ExecutionResult result = execution.result().block(timeout());
		assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
		List<GraphExecutionEvent> all = execution.stream().flux().collectList().block(timeout());
		assertThat(sequences(all)).containsExactlyElementsOf(range(1, all.size()));
		assertThat(wireNames(all)).last().isEqualTo("ExecutionCompleted");
		consumer.dispose();
	}

	@Test
	void aChunkOfABlockingNodeReachesTheConsumerBeforeTheNodeReturns() throws Exception {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("chunks", "one streaming node");
		executor.addNode(GraphNode.of("llm", (state, context) -> {
			context.emitChunk("token");
			awaitRelease();
			return Map.of("text", "token");
		})).setStartNode("llm");
		GraphExecution execution = executor.createExecution(Map.of(), StreamingExecutionOptions.defaults());
		Disposable consumer = execution.stream().flux().subscribe(this::receive);

		try {
			assertThat(latch("token").await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
			assertThat(wireNames(List.copyOf(this.received))).containsExactly("ExecutionStarted", "NodeEntered",
					"NodeStarted", "NodeOutputChunk");
		}
		finally {
			this.release.countDown();
		}
		assertThat(execution.result().block(timeout()).status()).isEqualTo(ExecutionStatus.COMPLETED);
		consumer.dispose();
	}

	@Test
	void chunksOfASubgraphChildCarryTheChildsPath() {
		GraphExecutor child = new GraphExecutor("child", "streams");
		child.addNode(GraphNode.of("gen", (state, context) -> {
			context.emitChunk("t0");
			context.emitChunk("t1");
			return Map.of();
		})).setStartNode("gen");
		StreamingGraphExecutor parent = new StreamingGraphExecutor("chunks", "streaming subgraph");
		parent.addNode(GraphNode.subgraph("sub", child.graph())).setStartNode("sub");

		List<GraphExecutionEvent> events = RunEvents.run(parent);

		assertThat(chunks(events)).extracting(NodeOutputChunkEvent::nodeId).containsExactly("sub/gen", "sub/gen");
		assertThat(chunks(events)).extracting(NodeOutputChunkEvent::chunkIndex).containsExactly(0L, 1L);
		assertThat(chunks(events)).extracting(NodeOutputChunkEvent::chunk).containsExactly("t0", "t1");
	}

	private void receive(GraphExecutionEvent event) {
		this.received.add(event);
		if (event instanceof NodeOutputChunkEvent chunk) {
			latch(String.valueOf(chunk.chunk())).countDown();
		}
	}

	private CountDownLatch latch(String chunk) {
		return this.delivered.computeIfAbsent(chunk, (key) -> new CountDownLatch(1));
	}

	private void awaitDelivery(String chunk) throws InterruptedException {
		if (!latch(chunk).await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
			throw new IllegalStateException("chunk " + chunk + " was not delivered in time");
		}
	}

	private void awaitRelease() throws InterruptedException {
		this.release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
	}

	private static List<NodeOutputChunkEvent> chunks(List<GraphExecutionEvent> events) {
		return events.stream()
			.filter(NodeOutputChunkEvent.class::isInstance)
			.map(NodeOutputChunkEvent.class::cast)
			.toList();
	}

}
