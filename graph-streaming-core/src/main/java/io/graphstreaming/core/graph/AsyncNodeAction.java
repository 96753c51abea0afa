package io.graphstreaming.core.graph;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A reactive node function: the returned mono is subscribed once; cancelling the
 * execution cancels it.
 */
@FunctionalInterface
public interface AsyncNodeAction {

	/**
	 * Runs the node.
	 * @param state the current state, read-only
	 * @param context the node's execution context
	 * @return the state values the node writes (empty for none)
	 */
	Mono<Map<String, @Nullable Object>> execute(GraphState state, NodeContext context);

}
