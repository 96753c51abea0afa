package io.graphstreaming.core.checkpoint;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The state of a run after a node of its top-level graph, with what it needs to go on:
 * the nodes to run next (several when the node forks into parallel branches) and what
 * the run has used of its budgets and iteration limits, so that a resumed run keeps
 * counting where the first one stopped.
 *
 * <p>The state map is copied when the checkpoint is created; its values are not (they
 * are expected to be immutable, as the values nodes write should be).
 *
 * @param checkpointId unique in its store: {@code <executionId>-<number>}
 * @param executionId the execution that created it
 * @param graphId the graph
 * @param nodeId the node after which it was taken
 * @param nextNodes the nodes that run next, empty when the run was about to complete
 * @param state the whole state after the node
 * @param sequence the sequence of the node's last event before the checkpoint
 * @param nodeExecutions node executions so far
 * @param budgetUsage what user budgets have used so far, by name
 * @param iterations runs so far of nodes that have an iteration limit, by node id
 * @param createdAt when it was taken
 */
public record Checkpoint(String checkpointId, String executionId, String graphId, String nodeId,
		List<String> nextNodes, Map<String, @Nullable Object> state, long sequence, int nodeExecutions,
		Map<String, Double> budgetUsage, Map<String, Integer> iterations, Instant createdAt) {

	public Checkpoint {
		Objects.requireNonNull(checkpointId, "checkpointId");
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(nodeId, "nodeId");
		Objects.requireNonNull(createdAt, "createdAt");
		nextNodes = List.copyOf(nextNodes);
		state = Collections.unmodifiableMap(new LinkedHashMap<>(state));
		budgetUsage = Map.copyOf(budgetUsage);
		iterations = Map.copyOf(iterations);
	}

}
