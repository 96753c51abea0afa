package io.graphstreaming.core.graph;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
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

	private final @Nullable Graph subgraph;

	private final @Nullable RetryPolicy retryPolicy;

	private final @Nullable CircuitBreaker circuitBreaker;

	private final int maxIterations;

	private GraphNode(String id, String description, @Nullable NodeAction blockingAction,
			@Nullable AsyncNodeAction reactiveAction, boolean nonBlocking) {
		this(id, description, blockingAction, reactiveAction, nonBlocking, null, null, null, 0);
	}

	private GraphNode(String id, String description, @Nullable NodeAction blockingAction,
			@Nullable AsyncNodeAction reactiveAction, boolean nonBlocking, @Nullable Graph subgraph,
			@Nullable RetryPolicy retryPolicy, @Nullable CircuitBreaker circuitBreaker, int maxIterations) {
		this.id = checkId(id);
		this.description = Objects.requireNonNull(description, "description");
		this.blockingAction = blockingAction;
		this.reactiveAction = reactiveAction;
		this.nonBlocking = nonBlocking;
		this.subgraph = subgraph;
		this.retryPolicy = retryPolicy;
		this.circuitBreaker = circuitBreaker;
		this.maxIterations = maxIterations;
	}

	/**
	 * A node that runs another graph inside this execution: the subgraph reads the parent's
	 * state, its events appear in the parent's stream with node ids prefixed by this node's
	 * path ({@code research/search}), it shares the parent's cancellation, budgets and
	 * backpressure, and the values it wrote become this node's output. Its own merge and
	 * retry policies apply inside it.
	 * @param id the node id
	 * @param graph the graph to run; validated with the parent
	 * @return the node
	 * @throws IllegalArgumentException if the id is not a valid node id
	 */
	public static GraphNode subgraph(String id, Graph graph) {
		Objects.requireNonNull(graph, "graph");
		return new GraphNode(id, graph.description(), null, null, true, graph, null, null, 0);
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
		return new GraphNode(this.id, text, this.blockingAction, this.reactiveAction, this.nonBlocking, this.subgraph,
				this.retryPolicy, this.circuitBreaker, this.maxIterations);
	}

	/**
	 * A copy that retries failures by a policy (overriding the graph's policy, if any).
	 * @param policy the policy
	 * @return the new node
	 */
	public GraphNode withRetry(RetryPolicy policy) {
		Objects.requireNonNull(policy, "policy");
		return new GraphNode(this.id, this.description, this.blockingAction, this.reactiveAction, this.nonBlocking,
				this.subgraph, policy, this.circuitBreaker, this.maxIterations);
	}

	/**
	 * A copy guarded by a new circuit breaker with this configuration (resilience4j),
	 * named after the node. The breaker belongs to the node definition, so it counts the
	 * calls of every execution: when the service behind the node fails, later executions
	 * fail fast instead of waiting on it. Calls rejected while it is open fail with a
	 * {@code CircuitBreakerOpenException}; transitions are reported as
	 * {@code CircuitBreakerStateChanged} events by the execution whose call caused them.
	 * @param config the breaker's configuration
	 * @return the new node
	 */
	public GraphNode withCircuitBreaker(CircuitBreakerConfig config) {
		Objects.requireNonNull(config, "config");
		return withCircuitBreaker(CircuitBreaker.of(this.id, config));
	}

	/**
	 * A copy guarded by an existing circuit breaker (for example one shared by several
	 * nodes that call the same service, or one from an application's registry).
	 * @param breaker the breaker
	 * @return the new node
	 */
	public GraphNode withCircuitBreaker(CircuitBreaker breaker) {
		Objects.requireNonNull(breaker, "breaker");
		return new GraphNode(this.id, this.description, this.blockingAction, this.reactiveAction, this.nonBlocking,
				this.subgraph, this.retryPolicy, breaker, this.maxIterations);
	}

	/**
	 * A copy that may run at most {@code iterations} times in one execution: a cycle
	 * through it (an agent loop) that would run it once more fails the execution with an
	 * {@code IterationLimitExceededException} naming the node. Loops that should end
	 * gracefully route out on a state counter; this limit is the safety net.
	 * @param iterations strictly positive
	 * @return the new node
	 */
	public GraphNode withMaxIterations(int iterations) {
		if (iterations <= 0) {
			throw new IllegalArgumentException(
					"maxIterations of node '" + this.id + "' must be strictly positive but was " + iterations);
		}
		return new GraphNode(this.id, this.description, this.blockingAction, this.reactiveAction, this.nonBlocking,
				this.subgraph, this.retryPolicy, this.circuitBreaker, iterations);
	}

	/**
	 * The graph this node runs, for a subgraph node.
	 * @return the subgraph, or {@code null}
	 */
	public @Nullable Graph subgraph() {
		return this.subgraph;
	}

	/**
	 * The node's own retry policy.
	 * @return the policy, or {@code null} to use the graph's
	 */
	public @Nullable RetryPolicy retryPolicy() {
		return this.retryPolicy;
	}

	/**
	 * The breaker guarding the node.
	 * @return the breaker, or {@code null}
	 */
	public @Nullable CircuitBreaker circuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * The most times the node may run in one execution.
	 * @return the limit, 0 for none
	 */
	public int maxIterations() {
		return this.maxIterations;
	}

	/**
	 * A copy whose synchronous function is declared non-blocking: it runs on the calling
	 * thread, saving a thread hop per node. Only for functions that never block.
	 * @return the new node
	 */
	public GraphNode nonBlocking() {
		return new GraphNode(this.id, this.description, this.blockingAction, this.reactiveAction, true, this.subgraph,
				this.retryPolicy, this.circuitBreaker, this.maxIterations);
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
		return (this.nonBlocking && this.retryPolicy == null && this.circuitBreaker == null) ? this.blockingAction
				: null;
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
		if (this.subgraph != null) {
			throw new IllegalStateException("Node '" + this.id + "' runs a subgraph; the executor runs it");
		}
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
