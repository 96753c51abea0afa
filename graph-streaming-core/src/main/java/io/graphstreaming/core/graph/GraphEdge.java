package io.graphstreaming.core.graph;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A directed edge. Edges leaving a node are considered in the order they were added:
 * conditional ones are evaluated in turn and the first that holds is taken; an
 * unconditional edge is taken when no conditional edge holds.
 *
 * @param from the source node id
 * @param to the target node id
 * @param condition the condition, or {@code null} for an unconditional edge
 */
public record GraphEdge(String from, String to, @Nullable EdgeCondition condition) {

	public GraphEdge {
		Objects.requireNonNull(from, "from");
		Objects.requireNonNull(to, "to");
	}

	/**
	 * Whether the edge has a condition.
	 * @return {@code true} for a conditional edge
	 */
	public boolean isConditional() {
		return this.condition != null;
	}

}
