package io.graphstreaming.core.execution;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.graphstreaming.core.event.ConditionEvaluatedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.graph.GraphNode;

import static io.graphstreaming.core.TestEvents.range;
import static io.graphstreaming.core.TestEvents.sequences;
import static io.graphstreaming.core.TestEvents.wireNames;
import static io.graphstreaming.core.execution.RunEvents.finalState;
import static io.graphstreaming.core.execution.RunEvents.run;
import static io.graphstreaming.core.execution.RunEvents.stepsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Cycles: an agent loop routes back on a state counter and runs exactly as often as the
 * counter says; a node's iteration limit and the executor's step limit end loops that
 * would not stop.
 */
class CycleTests {

	@Test
	void aNodeRoutingBackToItselfRunsExactlyUntilItsCounterSaysStop() {
		StreamingGraphExecutor executor = agentLoop(5, 0);

		List<GraphExecutionEvent> events = run(executor);

		assertThat(startsOf(events, "agent")).isEqualTo(5);
		assertThat(startsOf(events, "done")).isEqualTo(1);
		assertThat(finalState(events)).containsEntry("turns", 5);
		assertThat(events).filteredOn(ConditionEvaluatedEvent.class::isInstance)
			.extracting((event) -> ((ConditionEvaluatedEvent) event).result())
			.containsExactly(true, true, true, true, false);
		assertThat(sequences(events)).containsExactlyElementsOf(range(1, events.size()));
	}

	@Test
	void aLoopBackToAnEarlierNodeRunsEveryNodeOfTheCycleEachIteration() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("loop", "plan, act, repeat");
		executor.addNode(GraphNode.of("plan", (state, context) -> Map.of("plans", state.getInt("plans", 0) + 1)));
		executor.addNode(GraphNode.of("act", (state, context) -> Map.of("acts", state.getInt("acts", 0) + 1)));
		executor.addNode(GraphNode.of("finish", (state, context) -> Map.of("finished", true)));
		executor.connect("plan", "act");
		executor.connect("act", "plan", "more work", (state) -> state.getInt("acts", 0) < 3);
		executor.connect("act", "finish");
		executor.setStartNode("plan");

		List<GraphExecutionEvent> events = run(executor);

		assertThat(startsOf(events, "plan")).isEqualTo(3);
		assertThat(startsOf(events, "act")).isEqualTo(3);
		assertThat(finalState(events)).containsEntry("plans", 3).containsEntry("acts", 3).containsEntry("finished", true);
		assertThat(events).filteredOn((event) -> event.eventType() == GraphExecutionEventType.NODE_STARTED)
			.extracting(GraphExecutionEvent::nodeId)
			.containsExactly("plan", "act", "plan", "act", "plan", "act", "finish");
	}

	@Test
	void aLoopThatEndsWithinTheIterationLimitCompletes() {
		StreamingGraphExecutor executor = agentLoop(3, 3);

		List<GraphExecutionEvent> events = run(executor);

		assertThat(wireNames(events)).last().isEqualTo("ExecutionCompleted");
		assertThat(startsOf(events, "agent")).isEqualTo(3);
	}

	@Test
	void theRunAfterTheIterationLimitFailsTheExecutionNamingTheNode() {
		StreamingGraphExecutor executor = agentLoop(10, 3);

		List<GraphExecutionEvent> events = run(executor);

		assertThat(startsOf(events, "agent")).isEqualTo(3);
		assertThat(stepsOf(events, "done")).isEmpty();
		ExecutionFailedEvent failed = (ExecutionFailedEvent) events.get(events.size() - 1);
		assertThat(failed.nodeId()).isEqualTo("agent");
		assertThat(failed.errorType()).isEqualTo("IterationLimitExceededException");
		assertThat(failed.errorMessage()).contains("'agent'", "limit of 3 iterations");
		assertThat(wireNames(events)).endsWith("NodeCompleted", "NodeExited", "ConditionEvaluated", "ExecutionFailed");
	}

	@Test
	void iterationLimitsCountPerNodeInsideASubgraph() {
		GraphExecutor child = new GraphExecutor("child", "endless loop");
		child.addNode(GraphNode.of("spin", (state, context) -> Map.of()).nonBlocking().withMaxIterations(2));
		child.connect("spin", "spin", "always", (state) -> true).setStartNode("spin");
		StreamingGraphExecutor parent = new StreamingGraphExecutor("parent", "loop in a subgraph");
		parent.addNode(GraphNode.subgraph("sub", child.graph())).setStartNode("sub");

		List<GraphExecutionEvent> events = run(parent);

		assertThat(startsOf(events, "sub/spin")).isEqualTo(2);
		ExecutionFailedEvent failed = (ExecutionFailedEvent) events.get(events.size() - 1);
		assertThat(failed.nodeId()).isEqualTo("sub/spin");
		assertThat(failed.errorType()).isEqualTo("IterationLimitExceededException");
		assertThat(failed.errorMessage()).contains("'sub/spin'");
	}

	@Test
	void maxStepsStillBoundsACycleWithoutIterationLimits() {
		StreamingGraphExecutor executor = agentLoop(Integer.MAX_VALUE, 0);
		executor.maxSteps(7);

		List<GraphExecutionEvent> events = run(executor);

		assertThat(startsOf(events, "agent")).isEqualTo(7);
		ExecutionFailedEvent failed = (ExecutionFailedEvent) events.get(events.size() - 1);
		assertThat(failed.errorType()).isEqualTo("IllegalStateException");
		assertThat(failed.errorMessage()).isEqualTo("Graph 'agent' exceeded 7 node executions; a cycle may not terminate");
		assertThat(failed.nodeId()).isEqualTo("agent");
		assertThat(wireNames(events)).as("the refused run is neither entered nor started (as a node-executions budget)")
			.endsWith("NodeExited", "ConditionEvaluated", "ExecutionFailed");
	}

	@Test
	void maxStepsEndsACycleBeforeAHigherIterationLimit() {
		StreamingGraphExecutor executor = agentLoop(Integer.MAX_VALUE, 100);
		executor.maxSteps(4);

		List<GraphExecutionEvent> events = run(executor);

		assertThat(startsOf(events, "agent")).isEqualTo(4);
		assertThat(((ExecutionFailedEvent) events.get(events.size() - 1)).errorType())
			.isEqualTo("IllegalStateException");
	}

	@Test
	void iterationLimitMustBePositive() {
		GraphNode node = GraphNode.of("agent", (state, context) -> Map.of());

		assertThatIllegalArgumentException().isThrownBy(() -> node.withMaxIterations(0))
			.withMessageContaining("'agent'");
	}

	/**
	 * agent -> agent while {@code turns < turnsWanted}, else agent -> done.
	 * @param iterationLimit 0 for none
	 */
	private static StreamingGraphExecutor agentLoop(int turnsWanted, int iterationLimit) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("agent", "agent loop");
		GraphNode agent = GraphNode.of("agent", (state, context) -> Map.of("turns", state.getInt("turns", 0) + 1));
		executor.addNode((iterationLimit > 0) ? agent.withMaxIterations(iterationLimit) : agent);
		executor.addNode(GraphNode.of("done", (state, context) -> Map.of()).nonBlocking());
		executor.connect("agent", "agent", "another turn", (state) -> state.getInt("turns", 0) < turnsWanted);
		executor.connect("agent", "done");
		executor.setStartNode("agent");
		return executor;
	}

	private static long startsOf(List<GraphExecutionEvent> events, String nodeId) {
		return stepsOf(events, nodeId).stream().filter("NodeStarted"::equals).count();
	}

}
