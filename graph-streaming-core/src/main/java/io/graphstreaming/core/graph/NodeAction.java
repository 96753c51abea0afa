package io.graphstreaming.core.graph;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A synchronous node function. It may block (call a service, an LLM): unless its node is
 * marked non-blocking, the executor runs it on a bounded elastic scheduler, never on an
 * event-loop thread.
 */
@FunctionalInterface
public interface NodeAction {

	/**
	 * Runs the node.
	 * @param state the current state, read-only
	 * @param context the node's execution context
	 * @return the state values the node writes (null or empty for none)
	 * @throws Exception any failure, reported as {@code NodeFailed}
	 */
	@Nullable Map<String, @Nullable Object> execute(GraphState state, NodeContext context) throws Exception;

}
