package io.graphstreaming.core.graph;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A graph as transports publish it ({@code GET /graphs}): its id, description, start
 * node, nodes and edges.
 *
 * @param id the graph id
 * @param description what the graph does
 * @param startNode the start node id
 * @param nodes the nodes in the order they were added
 * @param edges the edges in the order they were added
 */
public record GraphDescription(String id, String description, @Nullable String startNode, List<Node> nodes,
		List<Edge> edges) {

	public GraphDescription {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(description, "description");
		nodes = List.copyOf(nodes);
		edges = List.copyOf(edges);
	}

	/**
	 * A node of a description.
	 *
	 * @param id the node id
	 * @param description the node's description
	 */
	public record Node(String id, String description) {
	}

	/**
	 * An edge of a description.
	 *
	 * @param from the source node id
	 * @param to the target node id
	 * @param condition the condition's label, or {@code null} when unconditional
	 */
	public record Edge(String from, String to, @Nullable String condition) {
	}

}
