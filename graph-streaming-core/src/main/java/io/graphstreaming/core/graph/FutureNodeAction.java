package io.graphstreaming.core.graph;

import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;

/**
 * A node function returning a {@link CompletionStage}. Cancelling the execution cancels
 * the stage when it is a {@link java.util.concurrent.CompletableFuture}.
 */
@FunctionalInterface
public interface FutureNodeAction {

	/**
	 * Runs the node.
	 * @param state the current state, read-only
	 * @param context the node's execution context
	 * @return the state values the node writes (null or empty for none)
	 */
	CompletionStage<@Nullable Map<String, @Nullable Object>> execute(GraphState state, NodeContext context);

}
