package io.graphstreaming.core.execution;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.event.NodeFailedEvent;
import io.graphstreaming.core.event.StateMergeConflictDetectedEvent;
import io.graphstreaming.core.graph.GraphNode;

import static io.graphstreaming.core.TestEvents.range;
import static io.graphstreaming.core.TestEvents.sequences;
import static io.graphstreaming.core.TestEvents.wireNames;
import static io.graphstreaming.core.execution.RunEvents.TIMEOUT_SECONDS;
import static io.graphstreaming.core.execution.RunEvents.finalState;
import static io.graphstreaming.core.execution.RunEvents.indexOf;
import static io.graphstreaming.core.execution.RunEvents.run;
import static io.graphstreaming.core.execution.RunEvents.stepsOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subgraph node runs another graph inside the execution: its nodes' events appear in
 * the parent's stream under the node's path, it reads the parent's state, and what it
 * writes becomes the node's output and the parent's state.
 */
class SubgraphTests {

	@Test
	void childEventsAreForwardedWithTheirPathBetweenTheSubgraphNodesStartAndCompletion() {
		GraphExecutor child = new GraphExecutor("research", "search then summarize");
		child.addNode(GraphNode.of("search", (state, context) -> Map.of("hits", state.get("topic") + "-hits")));
		child.addNode(GraphNode.of("summarize", (state, context) -> Map.of("summary", "of " + state.get("hits"))));
		child.connect("search", "summarize").setStartNode("search");
		StreamingGraphExecutor parent = new StreamingGraphExecutor("parent", "plan, research, answer");
		parent.addNode(GraphNode.of("plan", (state, context) -> Map.of("topic", "graphs")).nonBlocking());
		parent.addNode(GraphNode.subgraph("sub", child.graph()));
		parent.addNode(GraphNode.of("answer", (state, context) -> Map.of("answer", state.get("summary"))));
		parent.connect("plan", "sub").connect("sub", "answer").setStartNode("plan");

		List<GraphExecutionEvent> events = run(parent);

		assertThat(wireNames(events)).containsExactly("ExecutionStarted",
				"NodeEntered", "NodeStarted", "NodeCompleted", "NodeExited",
				"NodeEntered", "NodeStarted",
				"NodeEntered", "NodeStarted", "NodeCompleted", "NodeExited",
				"NodeEntered", "NodeStarted", "NodeCompleted", "NodeExited",
				"NodeCompleted", "NodeExited",
				"NodeEntered", "NodeStarted", "NodeCompleted", "NodeExited",
				"ExecutionCompleted");
		assertThat(events).extracting(GraphExecutionEvent::nodeId)
			.containsExactly(null, "plan", "plan", "plan", "plan", "sub", "sub",
					"sub/search", "sub/search", "sub/search", "sub/search",
					"sub/summarize", "sub/summarize", "sub/summarize", "sub/summarize",
					"sub", "sub", "answer", "answer", "answer", "answer", null);
		assertThat(events).extracting(GraphExecutionEvent::graphId).containsOnly("parent");
		assertThat(sequences(events)).containsExactlyElementsOf(range(1, 22));
		NodeCompletedEvent sub = (NodeCompletedEvent) events.get(indexOf(events, "NodeCompleted", "sub"));
		assertThat(sub.output()).containsExactly(Map.entry("hits", "graphs-hits"),
				Map.entry("summary", "of graphs-hits"));
		assertThat(finalState(events)).containsEntry("topic", "graphs")
			.containsEntry("hits", "graphs-hits")
			.containsEntry("summary", "of graphs-hits")
			.containsEntry("answer", "of graphs-hits");
	}

	@Test
	void aSubgraphReadsTheParentStateAndItsOutputHoldsOnlyWhatItWrote() {
		AtomicReference<Map<String, Object>> seenByChild = new AtomicReference<>();
		GraphExecutor child = new GraphExecutor("child", "reads and overwrites");
		child.addNode(GraphNode.of("read", (state, context) -> {
			seenByChild.set(new LinkedHashMap<>(state.asMap()));
			return Map.of("count", (Integer) state.get("count") + 1);
		}));
		child.setStartNode("read");
		StreamingGraphExecutor parent = new StreamingGraphExecutor("parent", "one subgraph");
		parent.addNode(GraphNode.of("init", (state, context) -> Map.of("count", 41, "kept", "yes")).nonBlocking());
		parent.addNode(GraphNode.subgraph("sub", child.graph()));
		parent.connect("init", "sub").setStartNode("init");

		List<GraphExecutionEvent> events = run(parent);

		assertThat(seenByChild.get()).containsEntry("count", 41).containsEntry("kept", "yes");
		NodeCompletedEvent sub = (NodeCompletedEvent) events.get(indexOf(events, "NodeCompleted", "sub"));
		assertThat(sub.output()).containsOnly(Map.entry("count", 42));
		assertThat(finalState(events)).containsEntry("count", 42).containsEntry("kept", "yes");
	}

	@Test
	void aFailingChildNodeFailsItsSubgraphNodeAndTheExecutionNamesTheChild() {
		GraphExecutor child = new GraphExecutor("child", "fails");
		child.addNode(GraphNode.of("ok", (state, context) -> Map.of("ok", true)));
		child.addNode(GraphNode.of("boom", (state, context) -> {
			throw new IllegalStateException("tool unavailable");
		}));
		child.connect("ok", "boom").setStartNode("ok");
		StreamingGraphExecutor parent = new StreamingGraphExecutor("parent", "failing subgraph");
		parent.addNode(GraphNode.subgraph("sub", child.graph()));
		parent.addNode(GraphNode.of("after", (state, context) -> Map.of()));
		parent.connect("sub", "after").setStartNode("sub");

		List<GraphExecutionEvent> events = run(parent);

		assertThat(wireNames(events)).endsWith("NodeFailed", "NodeExited", "NodeFailed", "NodeExited",
				"ExecutionFailed");
		assertThat(stepsOf(events, "sub/boom")).containsExactly("NodeEntered", "NodeStarted", "NodeFailed",
				"NodeExited", "ExecutionFailed");
		assertThat(stepsOf(events, "sub")).containsExactly("NodeEntered", "NodeStarted", "NodeFailed", "NodeExited");
		for (String node : List.of("sub/boom", "sub")) {
			NodeFailedEvent failed = (NodeFailedEvent) events.get(indexOf(events, "NodeFailed", node));
			assertThat(failed.errorType()).as(node).isEqualTo("IllegalStateException");
			assertThat(failed.errorMessage()).as(node).isEqualTo("tool unavailable");
		}
		assertThat(indexOf(events, "NodeFailed", "sub/boom")).isLessThan(indexOf(events, "NodeFailed", "sub"));
		ExecutionFailedEvent failed = (ExecutionFailedEvent) events.get(events.size() - 1);
		assertThat(failed.nodeId()).isEqualTo("sub/boom");
		assertThat(failed.errorType()).isEqualTo("IllegalStateException");
		assertThat(failed.errorMessage()).isEqualTo("tool unavailable");
		assertThat(stepsOf(events, "after")).isEmpty();
	}

	@Test
	void nestedSubgraphsJoinTheirPaths() {
		GraphExecutor innermost = new GraphExecutor("c-graph", "leaf");
		innermost.addNode(GraphNode.of("c", (state, context) -> Map.of("leaf", "from c")));
		innermost.setStartNode("c");
		GraphExecutor middle = new GraphExecutor("b-graph", "holds c");
		middle.addNode(GraphNode.subgraph("b", innermost.graph())).setStartNode("b");
		StreamingGraphExecutor parent = new StreamingGraphExecutor("parent", "holds b");
		parent.addNode(GraphNode.subgraph("a", middle.graph())).setStartNode("a");

		List<GraphExecutionEvent> events = run(parent);

		assertThat(events).extracting(GraphExecutionEvent::nodeId)
			.containsExactly(null, "a", "a", "a/b", "a/b", "a/b/c", "a/b/c", "a/b/c", "a/b/c", "a/b", "a/b", "a", "a",
					null);
		assertThat(wireNames(events)).containsExactly("ExecutionStarted", "NodeEntered", "NodeStarted",
				"NodeEntered", "NodeStarted", "NodeEntered", "NodeStarted", "NodeCompleted", "NodeExited",
				"NodeCompleted", "NodeExited", "NodeCompleted", "NodeExited", "ExecutionCompleted");
		NodeCompletedEvent a = (NodeCompletedEvent) events.get(indexOf(events, "NodeCompleted", "a"));
		assertThat(a.output()).containsOnly(Map.entry("leaf", "from c"));
		assertThat(finalState(events)).containsEntry("leaf", "from c");
	}

	@Test
	void aForkInsideASubgraphRunsItsBranchesInParallelAndJoinsInside() {
		CyclicBarrier bothRunning = new CyclicBarrier(2);
		AtomicReference<Map<String, Object>> seenByJoin = new AtomicReference<>();
		GraphExecutor child = new GraphExecutor("child", "fork inside");
		child.addNode(GraphNode.of("fork", (state, context) -> Map.of()).nonBlocking());
		for (String id : List.of("x", "y")) {
			child.addNode(GraphNode.of(id, (state, context) -> {
				bothRunning.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
				return Map.of(id, "met", "shared", id);
			}));
		}
		child.addNode(GraphNode.of("join", (state, context) -> {
			seenByJoin.set(new LinkedHashMap<>(state.asMap()));
			return Map.of("joined", true);
		}));
		child.connect("fork", "x").connect("fork", "y").connect("x", "join").connect("y", "join");
		child.setStartNode("fork");
		StreamingGraphExecutor parent = new StreamingGraphExecutor("parent", "parallel subgraph");
		parent.addNode(GraphNode.subgraph("sub", child.graph())).setStartNode("sub");

		List<GraphExecutionEvent> events = run(parent);

		assertThat(stepsOf(events, "sub/x")).containsExactly("NodeEntered", "NodeStarted", "NodeCompleted",
				"NodeExited");
		assertThat(stepsOf(events, "sub/y")).containsExactly("NodeEntered", "NodeStarted", "NodeCompleted",
				"NodeExited");
		assertThat(seenByJoin.get()).containsEntry("x", "met").containsEntry("y", "met").containsEntry("shared", "y");
		StateMergeConflictDetectedEvent conflict = (StateMergeConflictDetectedEvent) events
			.get(indexOf(events, "StateMergeConflictDetected", "sub/join"));
		assertThat(conflict.key()).isEqualTo("shared");
		assertThat(conflict.values()).containsExactly("x", "y");
		NodeCompletedEvent sub = (NodeCompletedEvent) events.get(indexOf(events, "NodeCompleted", "sub"));
		assertThat(sub.output()).containsOnly(Map.entry("x", "met"), Map.entry("y", "met"), Map.entry("shared", "y"),
				Map.entry("joined", true));
		assertThat(indexOf(events, "NodeExited", "sub/join")).isLessThan(indexOf(events, "NodeCompleted", "sub"));
	}

	@Test
	void aSubgraphNodeRunsTheSameGraphEachTimeItIsReached() {
		GraphExecutor child = new GraphExecutor("child", "increments");
		child.addNode(GraphNode.of("inc", (state, context) -> Map.of("n", state.getInt("n", 0) + 1)));
		child.setStartNode("inc");
		StreamingGraphExecutor parent = new StreamingGraphExecutor("parent", "subgraph in a loop");
		parent.addNode(GraphNode.subgraph("sub", child.graph()));
		parent.addNode(GraphNode.of("done", (state, context) -> Map.of()).nonBlocking());
		parent.connect("sub", "sub", "again", (state) -> state.getInt("n", 0) < 3);
		parent.connect("sub", "done").setStartNode("sub");

		List<GraphExecutionEvent> events = run(parent);

		assertThat(events).filteredOn((event) -> "sub/inc".equals(event.nodeId())
				&& "NodeCompleted".equals(event.eventType().wireName())).hasSize(3);
		assertThat(finalState(events)).containsEntry("n", 3);
	}

}
