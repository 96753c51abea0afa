package io.graphstreaming.core.execution;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.event.StateMergeConflictDetectedEvent;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.MergePolicy;
import io.graphstreaming.core.graph.StateMergeConflictException;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.graphstreaming.core.TestEvents.wireNames;
import static io.graphstreaming.core.execution.RunEvents.TIMEOUT_SECONDS;
import static io.graphstreaming.core.execution.RunEvents.finalState;
import static io.graphstreaming.core.execution.RunEvents.indexOf;
import static io.graphstreaming.core.execution.RunEvents.stepsOf;
import static io.graphstreaming.core.execution.RunEvents.timeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * How a join merges what parallel branches wrote: disagreements go to the key's merge
 * policy in branch order (the order of the fork's edges, not the order in which branches
 * finished) and are reported as {@code StateMergeConflictDetected}; agreements and keys
 * written by one branch are taken as written, silently.
 */
class MergePolicyTests {

	@Test
	void overwriteKeepsTheLastBranchInBranchOrderEvenWhenItFinishesFirst() {
		List<GraphExecutionEvent> events = runWhereTheFirstBranchFinishesLast("first", "second",
				MergePolicy.overwrite());

		assertThat(indexOf(events, "NodeCompleted", "b")).as("b finished first")
			.isLessThan(indexOf(events, "NodeCompleted", "a"));
		assertThat(finalState(events)).containsEntry("k", "second");
		StateMergeConflictDetectedEvent conflict = onlyConflict(events);
		assertThat(conflict.nodeId()).isEqualTo("join");
		assertThat(conflict.key()).isEqualTo("k");
		assertThat(conflict.values()).containsExactly("first", "second");
		assertThat(conflict.policy()).isEqualTo("overwrite");
		assertThat(conflict.resolvedValue()).isEqualTo("second");
		assertThat(conflict.executionId()).isEqualTo(events.get(0).executionId());
		assertThat(conflict.graphId()).isEqualTo("merge");
		assertThat(conflict.sequence()).isEqualTo(events.indexOf(conflict) + 1);
		assertThat(events.indexOf(conflict)).isLessThan(indexOf(events, "NodeStarted", "join"))
			.isGreaterThan(indexOf(events, "NodeExited", "a"));
	}

	@Test
	void overwriteIsTheDefaultPolicy() {
		StreamingGraphExecutor executor = forkOf(Map.of("k", "first"), Map.of("k", "second"));

		List<GraphExecutionEvent> events = RunEvents.run(executor);

		assertThat(finalState(events)).containsEntry("k", "second");
		assertThat(onlyConflict(events).policy()).isEqualTo("overwrite");
	}

	@Test
	void keepFirstKeepsTheFirstBranchInBranchOrderEvenWhenItFinishesLast() {
		List<GraphExecutionEvent> events = runWhereTheFirstBranchFinishesLast("first", "second",
				MergePolicy.keepFirst());

		assertThat(indexOf(events, "NodeCompleted", "b")).isLessThan(indexOf(events, "NodeCompleted", "a"));
		assertThat(finalState(events)).containsEntry("k", "first");
		StateMergeConflictDetectedEvent conflict = onlyConflict(events);
		assertThat(conflict.values()).containsExactly("first", "second");
		assertThat(conflict.policy()).isEqualTo("keep-first");
		assertThat(conflict.resolvedValue()).isEqualTo("first");
	}

	@Test
	void failReportsTheConflictThenFailsTheExecutionAtTheJoin() {
		StreamingGraphExecutor executor = forkOf(Map.of("k", "first"), Map.of("k", "second"));
		executor.mergePolicy("k", MergePolicy.fail());

		List<GraphExecutionEvent> events = RunEvents.run(executor);

		assertThat(wireNames(events)).endsWith("StateMergeConflictDetected", "ExecutionFailed");
		StateMergeConflictDetectedEvent conflict = onlyConflict(events);
		assertThat(conflict.nodeId()).isEqualTo("join");
		assertThat(conflict.key()).isEqualTo("k");
		assertThat(conflict.values()).containsExactly("first", "second");
		assertThat(conflict.policy()).isEqualTo("fail");
		assertThat(conflict.resolvedValue()).isNull();
		ExecutionFailedEvent failed = (ExecutionFailedEvent) events.get(events.size() - 1);
		assertThat(failed.nodeId()).isEqualTo("join");
		assertThat(failed.errorType()).isEqualTo("StateMergeConflictException");
		assertThat(failed.errorMessage()).contains("'k'", "[first, second]");
		assertThat(stepsOf(events, "join")).as("the join never ran")
			.containsExactly("StateMergeConflictDetected", "ExecutionFailed");
	}

	@Test
	void listAppendConcatenatesInBranchOrderEvenWhenTheFirstBranchFinishesLast() {
		List<GraphExecutionEvent> events = runWhereTheFirstBranchFinishesLast(List.of(1, 2), 3,
				MergePolicy.listAppend());

		assertThat(finalState(events)).containsEntry("k", List.of(1, 2, 3));
		StateMergeConflictDetectedEvent conflict = onlyConflict(events);
		assertThat(conflict.values()).containsExactly(List.of(1, 2), 3);
		assertThat(conflict.policy()).isEqualTo("list-append");
		assertThat(conflict.resolvedValue()).isEqualTo(List.of(1, 2, 3));
	}

	@Test
	void aReducerFoldsEveryBranchValueAndItsNameIsReported() {
		StreamingGraphExecutor executor = forkOf(Map.of("total", 1), Map.of("total", 2), Map.of("total", 4));
		executor.mergePolicy("total", MergePolicy.reducer("sum", (x, y) -> (Integer) x + (Integer) y));

		List<GraphExecutionEvent> events = RunEvents.run(executor);

		assertThat(finalState(events)).containsEntry("total", 7);
		StateMergeConflictDetectedEvent conflict = onlyConflict(events);
		assertThat(conflict.values()).containsExactly(1, 2, 4);
		assertThat(conflict.policy()).isEqualTo("sum");
		assertThat(conflict.resolvedValue()).isEqualTo(7);
	}

	@Test
	void aKeyPolicyOverridesTheDefaultPolicy() {
		StreamingGraphExecutor executor = forkOf(Map.of("k", "first", "other", "x"),
				Map.of("k", "second", "other", "y"));
		executor.defaultMergePolicy(MergePolicy.keepFirst());
		executor.mergePolicy("k", MergePolicy.overwrite());

		List<GraphExecutionEvent> events = RunEvents.run(executor);

		assertThat(finalState(events)).containsEntry("k", "second").containsEntry("other", "x");
	}

	@Test
	void equalValuesFromSeveralBranchesAreNoConflict() {
		StreamingGraphExecutor executor = forkOf(Map.of("k", List.of("same")), Map.of("k", List.of("same")));
		executor.mergePolicy("k", MergePolicy.fail());

		List<GraphExecutionEvent> events = RunEvents.run(executor);

		assertThat(wireNames(events)).doesNotContain("StateMergeConflictDetected").last().isEqualTo("ExecutionCompleted");
		assertThat(finalState(events)).containsEntry("k", List.of("same"));
	}

	@Test
	void aKeyWrittenByOneBranchOnlyIsTakenAsWritten() {
		StreamingGraphExecutor executor = forkOf(Map.of("k", "only"), Map.of("other", "b"));
		executor.defaultMergePolicy(MergePolicy.fail());

		List<GraphExecutionEvent> events = RunEvents.run(executor);

		assertThat(wireNames(events)).doesNotContain("StateMergeConflictDetected").last().isEqualTo("ExecutionCompleted");
		assertThat(finalState(events)).containsEntry("k", "only").containsEntry("other", "b");
	}

	@Test
	void joinReadsTheMergedValue() {
		StreamingGraphExecutor executor = forkOf(Map.of("k", "first"), Map.of("k", "second"));
		executor.mergePolicy("k", MergePolicy.keepFirst());

		List<GraphExecutionEvent> events = RunEvents.run(executor);

		NodeCompletedEvent join = (NodeCompletedEvent) events.get(indexOf(events, "NodeCompleted", "join"));
		assertThat(join.output()).containsEntry("joinSaw", "first");
	}

	@Test
	void branchesThatNeverMeetMergeAtTheForkNodeWhenTheRunEnds() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("merge", "no join");
		executor.addNode(GraphNode.of("fork", (state, context) -> Map.of()).nonBlocking());
		executor.addNode(GraphNode.of("a", (state, context) -> Map.of("k", "first")));
		executor.addNode(GraphNode.of("b", (state, context) -> Map.of("k", "second")));
		executor.connect("fork", "a").connect("fork", "b").setStartNode("fork");
		executor.mergePolicy("k", MergePolicy.keepFirst());

		List<GraphExecutionEvent> events = RunEvents.run(executor);

		StateMergeConflictDetectedEvent conflict = onlyConflict(events);
		assertThat(conflict.nodeId()).isEqualTo("fork");
		assertThat(conflict.resolvedValue()).isEqualTo("first");
		assertThat(events.indexOf(conflict)).isEqualTo(events.size() - 2);
		assertThat(finalState(events)).containsEntry("k", "first");
	}

	@Test
	void aNullWrittenByOneBranchConflictsWithAValueAndCanWin() {
		Map<String, Object> writesNull = new HashMap<>();
		writesNull.put("k", null);
		StreamingGraphExecutor executor = forkOf(writesNull, Map.of("k", "value"));
		executor.mergePolicy("k", MergePolicy.keepFirst());

		List<GraphExecutionEvent> events = RunEvents.run(executor);

		StateMergeConflictDetectedEvent conflict = onlyConflict(events);
		assertThat(conflict.values()).containsExactly(null, "value");
		assertThat(conflict.resolvedValue()).isNull();
		assertThat(finalState(events)).containsEntry("k", null);
	}

	@Test
	void builtInPoliciesHaveStableNames() {
		assertThat(MergePolicy.overwrite().name()).isEqualTo("overwrite");
		assertThat(MergePolicy.keepFirst().name()).isEqualTo("keep-first");
		assertThat(MergePolicy.fail().name()).isEqualTo("fail");
		assertThat(MergePolicy.listAppend().name()).isEqualTo("list-append");
		assertThat(MergePolicy.reducer("sum", (x, y) -> x).name()).isEqualTo("sum");
	}

	@Test
	void listAppendFlattensCollectionsOneLevelAndKeepsNulls() {
		List<Object> values = Arrays.asList(List.of(1, 2), null, new LinkedHashSet<>(List.of(3, 4)), "five",
				List.of(List.of(6)));

		Object merged = MergePolicy.listAppend().resolve("k", values);

		assertThat(merged).asInstanceOf(InstanceOfAssertFactories.LIST)
			.containsExactly(1, 2, null, 3, 4, "five", List.of(6));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> ((List<?>) merged).clear());
	}

	@Test
	void overwriteAndKeepFirstPickByPositionIncludingNulls() {
		List<Object> values = Arrays.asList(null, "middle", null);

		assertThat(MergePolicy.overwrite().resolve("k", values)).isNull();
		assertThat(MergePolicy.keepFirst().resolve("k", Arrays.asList("first", null))).isEqualTo("first");
	}

	@Test
	void failThrowsAConflictNamingTheKeyAndValues() {
		assertThatExceptionOfType(StateMergeConflictException.class)
			.isThrownBy(() -> MergePolicy.fail().resolve("k", List.of("x", "y")))
			.satisfies((ex) -> {
				assertThat(ex.key()).isEqualTo("k");
				assertThat(ex.values()).containsExactly("x", "y");
			});
	}

	@Test
	void reducerFoldsLeftToRight() {
		MergePolicy concat = MergePolicy.reducer("concat", (x, y) -> x + "," + y);

		assertThat(concat.resolve("k", List.of("a", "b", "c"))).isEqualTo("a,b,c");
	}

	@Test
	void reducerNeedsANonBlankName() {
		assertThatIllegalArgumentException().isThrownBy(() -> MergePolicy.reducer(" ", (x, y) -> x));
	}

	/**
	 * fork -> a, b -> join where a writes {@code k: first} only after b has completed.
	 */
	private static List<GraphExecutionEvent> runWhereTheFirstBranchFinishesLast(Object first, Object second,
			MergePolicy policy) {
		CountDownLatch bCompleted = new CountDownLatch(1);
		StreamingGraphExecutor executor = new StreamingGraphExecutor("merge", "a finishes after b");
		executor.addNode(GraphNode.of("fork", (state, context) -> Map.of()).nonBlocking());
		executor.addNode(GraphNode.of("a", (state, context) -> {
			bCompleted.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			return Map.of("k", first);
		}));
		executor.addNode(GraphNode.of("b", (state, context) -> Map.of("k", second)));
		executor.addNode(GraphNode.of("join", (state, context) -> Map.of()));
		executor.connect("fork", "a").connect("fork", "b").connect("a", "join").connect("b", "join");
		executor.setStartNode("fork");
		executor.mergePolicy("k", policy);
		StreamingExecutionOptions options = StreamingExecutionOptions.builder().withEventHandler((event) -> {
			if ("b".equals(event.nodeId()) && "NodeExited".equals(event.eventType().wireName())) {
				bCompleted.countDown();
			}
		}).build();
		return executor.executeStream(Map.of(), options).flux().collectList().block(timeout());
	}

	/**
	 * fork -> one branch per map of writes -> join; the join writes what it read as
	 * {@code joinSaw}.
	 */
	@SafeVarargs
	private static StreamingGraphExecutor forkOf(Map<String, Object>... branchWrites) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("merge", "fork and join");
		executor.addNode(GraphNode.of("fork", (state, context) -> Map.of()).nonBlocking());
		executor.addNode(GraphNode.of("join", (state, context) -> {
			Object seen = state.get("k");
			return (seen != null) ? Map.of("joinSaw", seen) : Map.of();
		}));
		for (int i = 0; i < branchWrites.length; i++) {
			String id = "b" + i;
			Map<String, Object> writes = branchWrites[i];
			executor.addNode(GraphNode.of(id, (state, context) -> writes));
			executor.connect("fork", id).connect(id, "join");
		}
		executor.setStartNode("fork");
		return executor;
	}

	private static StateMergeConflictDetectedEvent onlyConflict(List<GraphExecutionEvent> events) {
		List<GraphExecutionEvent> conflicts = events.stream()
			.filter(StateMergeConflictDetectedEvent.class::isInstance)
			.toList();
		assertThat(conflicts).hasSize(1);
		return (StateMergeConflictDetectedEvent) conflicts.get(0);
	}

}
