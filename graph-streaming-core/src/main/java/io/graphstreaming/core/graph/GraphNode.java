package io.graphstreaming.core.graph;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A node of a graph: an id, a description and a function of the state. Create one with
 * {@link #of}, {@link #async} or {@link #future}. Node ids are short names made of
 * letters, digits, {@code -}, {@code _} and {@code .}, because they travel in URLs, JSON
 * and filter parameters.
 */
public final class GraphNode {

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

	private final String id;

	private final String description;

	private final @Nullable NodeAction blockingAction;

	private final @Nullable AsyncNodeAction reactiveAction;

	private final boolean nonBlocking;

	private GraphNode(String id, String description, @Nullable NodeAction blockingAction,
			@Nullable AsyncNodeAction reactiveAction, boolean nonBlocking) {
		this.id = checkId(id);
		this.description = Objects.requireNonNull(description, "description");
		this.blockingAction = blockingAction;
		this.reactiveAction = reactiveAction;
		this.nonBlocking = nonBlocking;
	}

	/**
	 * A node with a synchronous function, run on the executor's node scheduler (bounded
	 * elastic by default) so that it may block.
	 * @param id the node id
	 * @param action the function
	 * @return the node
	 * @throws IllegalArgumentException if the id is not a valid node id
	 */
	public static GraphNode of(String id, NodeAction action) {
		return new GraphNode(id, "", Objects.requireNonNull(action, "action"), null, false);
	}

	/**
	 * A node with a reactive function, subscribed where the execution runs.
	 * @param id the node id
	 * @param action the function
	 * @return the node
	 * @throws IllegalArgumentException if the id is not a valid node id
	 */
	public static GraphNode async(String id, AsyncNodeAction action) {
		return new GraphNode(id, "", null, Objects.requireNonNull(action, "action"), true);
	}

	/**
	 * A node with a function returning a {@link CompletionStage}.
	 * @param id the node id
	 * @param action the function
	 * @return the node
	 * @throws IllegalArgumentException if the id is not a valid node id
	 */
	public static GraphNode future(String id, FutureNodeAction action) {
		Objects.requireNonNull(action, "action");
		AsyncNodeAction adapted = (state, context) -> Mono.defer(() -> {
			CompletionStage<@Nullable Map<String, @Nullable Object>> stage = action.execute(state, context);
			Mono<@Nullable Map<String, @Nullable Object>> result = Mono.fromCompletionStage(stage);
			return result.map((values) -> values).doOnCancel(() -> {
				if (stage instanceof CompletableFuture<?> future) {
					future.cancel(true);
				}
			});
		});
		return new GraphNode(id, "", null, adapted, true);
	}

	/**
	 * A copy with a description, shown by graph descriptions.
	 * @param text the description
	 * @return the new node
	 */
	public GraphNode withDescription(String text) {
		return new GraphNode(this.id, text, this.blockingAction, this.reactiveAction, this.nonBlocking);
	}

	/**
	 * A copy whose synchronous function is declared non-blocking: it runs on the calling
	 * thread, saving a thread hop per node. Only for functions that never block.
	 * @return the new node
	 */
	public GraphNode nonBlocking() {
		return new GraphNode(this.id, this.description, this.blockingAction, this.reactiveAction, true);
	}

	/**
	 * The node id.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * The description.
	 * @return the description, empty when none was given
	 */
	public String description() {
		return this.description;
	}

	/**
	 * Whether the function runs on the calling thread.
	 * @return {@code true} for reactive, future and non-blocking nodes
	 */
	public boolean isNonBlocking() {
		return this.nonBlocking;
	}

	/**
	 * The synchronous function of a node declared {@link #nonBlocking()}, which an
	 * executor may call directly on its own thread instead of through {@link #invoke}:
	 * the same call, without assembling a {@code Mono} per node.
	 * @return the function, or {@code null} for reactive, future and blocking nodes
	 */
	public @Nullable NodeAction nonBlockingAction() {
		return this.nonBlocking ? this.blockingAction : null;
	}

	/**
	 * Invokes the function once.
	 * @param state the state
	 * @param context the context
	 * @param blockingScheduler where blocking functions run
	 * @return the values written, empty for none
	 */
	public Mono<Map<String, @Nullable Object>> invoke(GraphState state, NodeContext context,
			Scheduler blockingScheduler) {
		AsyncNodeAction reactive = this.reactiveAction;
		if (reactive != null) {
			return Mono.defer(() -> reactive.execute(state, context)).defaultIfEmpty(Map.of());
		}
		NodeAction blocking = Objects.requireNonNull(this.blockingAction);
		Mono<Map<String, @Nullable Object>> call = Mono.fromCallable(() -> {
			Map<String, @Nullable Object> values = blocking.execute(state, context);
			return (values != null) ? values : Map.<String, @Nullable Object>of();
		});
		return this.nonBlocking ? call : call.subscribeOn(blockingScheduler);
	}

	private static String checkId(String id) {
		Objects.requireNonNull(id, "id");
		if (!ID.matcher(id).matches()) {
			throw new IllegalArgumentException("Invalid node id '" + id
					+ "': use 1 to 128 letters, digits, '-', '_' or '.', starting with a letter or digit");
		}
		return id;
	}

	@Override
	public String toString() {
		return "GraphNode[" + this.id + "]";
	}

}
