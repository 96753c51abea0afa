package io.graphstreaming.core.event;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Parallel branches wrote different values to one state key; tells how the merge policy resolved it.
 *
 * @param executionId the execution this event belongs to
 * @param graphId the id of the graph (executor) that runs
 * @param sequence the position of this event in its execution, starting at 1
 * @param timestamp when the event happened
 * @param nodeId the node where the branches joined
 * @param key the state key written by more than one branch
 * @param values the values the branches wrote, in branch order
 * @param policy the merge policy that resolved the conflict
 * @param resolvedValue the value the state holds after the merge
 */
public record StateMergeConflictDetectedEvent(String executionId, String graphId, long sequence, Instant timestamp,
		String nodeId, String key, List<@Nullable Object> values, String policy, @Nullable Object resolvedValue) implements GraphExecutionEvent {

	public StateMergeConflictDetectedEvent {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(nodeId, "nodeId");
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(policy, "policy");
		values = Collections.unmodifiableList(new ArrayList<>(values));
	}

	@Override
	public GraphExecutionEventType eventType() {
		return GraphExecutionEventType.STATE_MERGE_CONFLICT_DETECTED;
	}

}
