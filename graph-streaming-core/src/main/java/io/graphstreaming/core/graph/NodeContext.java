package io.graphstreaming.core.graph;

import reactor.core.publisher.Mono;

/**
 * What a running node knows about its execution, and how it streams partial output.
 */
public interface NodeContext {

	/**
	 * The execution the node runs in.
	 * @return the execution id
	 */
	String executionId();

	/**
	 * The graph that runs.
	 * @return the graph id
	 */
	String graphId();

	/**
	 * The node.
	 * @return the node id
	 */
	String nodeId();

	/**
	 * Whether the node should stop because its execution is over: cancelled, out of
	 * budget, or failed elsewhere (a sibling branch). Long-running blocking nodes should
	 * check it and stop.
	 * @return {@code true} once the execution no longer needs this node
	 */
	boolean isCancelled();

	/**
	 * Completes when the node should stop (see {@link #isCancelled()}); reactive nodes can
	 * {@code takeUntilOther} it.
	 * @return a mono completing on cancellation
	 */
	Mono<Void> cancellation();

	/**
	 * Emits a piece of partial output at once, as a {@code NodeOutputChunk} event (for
	 * example an LLM token). Callable from any thread while the node runs.
	 * @param chunk the partial output; serialized as JSON by transports
	 */
	void emitChunk(Object chunk);

	/**
	 * Emits a chunk, then waits (without a thread) while a lossless consumer is too far
	 * behind: a node that streams many chunks uses this to honour backpressure.
	 * @param chunk the partial output
	 * @return a mono completing when the node may go on
	 */
	Mono<Void> emitChunkAndAwaitCapacity(Object chunk);

	/**
	 * Which attempt this is: 1 for the first call, 2 for the first retry, and so on.
	 * @return the attempt number
	 */
	int attempt();

	/**
	 * Draws on a user budget of the execution (for example the tokens an LLM call used).
	 * When the total goes over the budget's limit, the execution emits
	 * {@code ResourceBudgetExhausted} and ends as its budget says, and this call throws
	 * so the node stops at once.
	 * @param budget the budget's name, as configured in the executor's budget
	 * @param amount what was used, not negative
	 * @return what is left of the budget
	 * @throws IllegalArgumentException for an unknown budget or a negative amount
	 * @throws io.graphstreaming.core.execution.ResourceBudgetExhaustedException when the
	 * budget is used up
	 */
	double consume(String budget, double amount);

}
