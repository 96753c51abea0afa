package io.graphstreaming.core.graph;

/**
 * A graph definition is not valid: an unknown or duplicate node, no start node, an
 * unreachable node, or an ambiguous route. The message names the graph and the node.
 */
public class GraphValidationException extends IllegalArgumentException {

	/**
	 * Creates the exception.
	 * @param message what is wrong, naming the graph and node
	 */
	public GraphValidationException(String message) {
		super(message);
	}

}
