package io.graphstreaming.spring.registry;

/**
 * No graph with that id is registered. Transports answer 404.
 */
public class GraphNotFoundException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param graphId the id asked for
	 */
	public GraphNotFoundException(String graphId) {
		super("No graph '" + graphId + "'");
	}

}
