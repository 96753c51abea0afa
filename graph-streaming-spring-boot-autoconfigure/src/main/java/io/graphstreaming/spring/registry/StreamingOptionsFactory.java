package io.graphstreaming.spring.registry;

import io.graphstreaming.core.options.StreamingExecutionOptions;

/**
 * Decides the execution options of each graph; the auto-configuration derives them from
 * {@code graph.streaming.*}. Replace the bean to compute them otherwise.
 */
@FunctionalInterface
public interface StreamingOptionsFactory {

	/**
	 * The options executions of a graph run with.
	 * @param graphId the graph
	 * @return the options
	 */
	StreamingExecutionOptions optionsFor(String graphId);

}
