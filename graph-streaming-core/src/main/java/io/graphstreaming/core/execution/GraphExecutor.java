package io.graphstreaming.core.execution;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.checkpoint.CheckpointStore;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.graph.EdgeCondition;
import io.graphstreaming.core.graph.Graph;
import io.graphstreaming.core.graph.GraphDescription;
import io.graphstreaming.core.graph.GraphEdge;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.GraphState;
import io.graphstreaming.core.graph.MergePolicy;
import io.graphstreaming.core.graph.RetryPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;

/**
 * Defines a graph and runs it to a final result: the guide's {@code GraphExecutor}. Add
 * nodes, connect them (optionally with conditions), set the start node, then call
 * {@link #executeAsync(Map)}; or turn it into a {@link StreamingGraphExecutor} with
 * {@link #asStreamingExecutor()} to watch every step.
 *
 * <p>Define the graph before running it. The definition is validated on first use and
 * after each change; an invalid graph fails fast with a {@code GraphValidationException}
 * naming the problem.
 */
public class GraphExecutor {

	private final Graph graph;

	private volatile Scheduler nodeScheduler = Schedulers.boundedElastic();

	private volatile Scheduler executionScheduler = Schedulers.immediate();

	private volatile int maxSteps = 1000;

	private volatile int maxParallelism = DEFAULT_MAX_PARALLELISM;

	private volatile Scheduler timerScheduler = Schedulers.parallel();

	private volatile ExecutionBudget budget = ExecutionBudget.unlimited();

	private volatile @Nullable CheckpointStore checkpointStore;

	private volatile int checkpointEvery = 1;

	/** How many parallel branches of one fork run at once unless set otherwise. */
	public static final int DEFAULT_MAX_PARALLELISM = 16;

	/**
	 * Creates an executor with an empty graph.
	 * @param name the graph id: letters, digits, '-', '_' or '.'
	 * @param description what the graph does
	 * @throws IllegalArgumentException if the name is not a valid id
	 */
	public GraphExecutor(String name, String description) {
		this(new Graph(name, description));
	}

	GraphExecutor(Graph graph) {
		this.graph = Objects.requireNonNull(graph, "graph");
	}

	/**
	 * The graph id (the executor's name).
	 * @return the id
	 */
	public String name() {
		return this.graph.id();
	}

	/**
	 * The description.
	 * @return the description
	 */
	public String description() {
		return this.graph.description();
	}

	/**
	 * The graph definition.
	 * @return the graph
	 */
	public Graph graph() {
		return this.graph;
	}

	/**
	 * Adds a node.
	 * @param node the node
	 * @return this executor
	 * @throws io.graphstreaming.core.graph.GraphValidationException for a duplicate id
	 */
	public GraphExecutor addNode(GraphNode node) {
		this.graph.addNode(node);
		return this;
	}

	/**
	 * Adds an unconditional edge.
	 * @param from the source node
	 * @param to the target node
	 * @return this executor
	 * @throws io.graphstreaming.core.graph.GraphValidationException for an unknown node or
	 * a duplicate edge
	 */
	public GraphExecutor connect(String from, String to) {
		this.graph.connect(new GraphEdge(from, to, null));
		return this;
	}

	/**
	 * Adds a conditional edge, taken when the condition holds after {@code from} ran.
	 * @param from the source node
	 * @param to the target node
	 * @param condition the condition
	 * @return this executor
	 * @throws io.graphstreaming.core.graph.GraphValidationException for an unknown node or
	 * a duplicate edge
	 */
	public GraphExecutor connect(String from, String to, EdgeCondition condition) {
		this.graph.connect(new GraphEdge(from, to, Objects.requireNonNull(condition, "condition")));
		return this;
	}

	/**
	 * Adds a conditional edge with a label.
	 * @param from the source node
	 * @param to the target node
	 * @param label the condition's label
	 * @param condition the test
	 * @return this executor
	 */
	public GraphExecutor connect(String from, String to, String label, Predicate<GraphState> condition) {
		return connect(from, to, EdgeCondition.of(label, condition));
	}

	/**
	 * Sets the start node.
	 * @param nodeId an existing node
	 * @return this executor
	 * @throws io.graphstreaming.core.graph.GraphValidationException for an unknown node
	 */
	public GraphExecutor setStartNode(String nodeId) {
		this.graph.setStartNode(nodeId);
		return this;
	}

	/**
	 * Sets where blocking node functions run (default: bounded elastic).
	 * @param scheduler the scheduler
	 * @return this executor
	 */
	public GraphExecutor nodeScheduler(Scheduler scheduler) {
		this.nodeScheduler = Objects.requireNonNull(scheduler, "scheduler");
		return this;
	}

	/**
	 * Where blocking node functions run.
	 * @return the scheduler
	 */
	public Scheduler nodeScheduler() {
		return this.nodeScheduler;
	}

	/**
	 * Sets where runs start, where they continue after waiting for a slow consumer, and
	 * where a long run of non-blocking nodes yields every 256 steps. The default,
	 * {@code Schedulers.immediate()}, follows Reactor's convention: a run starts on the
	 * thread that subscribes and resumes on the thread of the consumer that made room;
	 * it is the fastest choice in process and deterministic in tests. Servers should
	 * use a scheduler that may run long work, so that no run occupies a Netty event loop:
	 * the Spring Boot starter sets bounded elastic on every graph it registers unless
	 * the graph chose a scheduler itself.
	 * @param scheduler the scheduler
	 * @return this executor
	 */
	public GraphExecutor executionScheduler(Scheduler scheduler) {
		this.executionScheduler = Objects.requireNonNull(scheduler, "scheduler");
		return this;
	}

	/**
	 * Where runs start and resume.
	 * @return the scheduler
	 */
	public Scheduler executionScheduler() {
		return this.executionScheduler;
	}

	/**
	 * Sets the most node executions one run may perform (default 1000), so that a cycle
	 * whose exit condition never holds ends with {@code ExecutionFailed}.
	 * @param steps strictly positive
	 * @return this executor
	 * @throws IllegalArgumentException if not strictly positive
	 */
	public GraphExecutor maxSteps(int steps) {
		if (steps <= 0) {
			throw new IllegalArgumentException("maxSteps must be strictly positive but was " + steps);
		}
		this.maxSteps = steps;
		return this;
	}

	/**
	 * The most node executions one run may perform.
	 * @return the limit
	 */
	public int maxSteps() {
		return this.maxSteps;
	}

	/**
	 * Makes a node fan out: after it runs, every outgoing edge whose condition holds is
	 * taken at once (with every unconditional edge), as parallel branches that join where
	 * they meet. Without it, a node takes the first conditional edge that holds, and only
	 * several unconditional edges fork.
	 * @param nodeId an existing node
	 * @return this executor
	 * @throws io.graphstreaming.core.graph.GraphValidationException for an unknown node
	 */
	public GraphExecutor fanOut(String nodeId) {
		this.graph.fanOut(nodeId);
		return this;
	}

	/**
	 * Sets how many parallel branches of one fork run at once (default 16); the others
	 * wait for a free slot, in branch order.
	 * @param parallelism strictly positive
	 * @return this executor
	 * @throws IllegalArgumentException if not strictly positive
	 */
	public GraphExecutor maxParallelism(int parallelism) {
		if (parallelism <= 0) {
			throw new IllegalArgumentException("maxParallelism must be strictly positive but was " + parallelism);
		}
		this.maxParallelism = parallelism;
		return this;
	}

	/**
	 * How many parallel branches of one fork run at once.
	 * @return the limit
	 */
	public int maxParallelism() {
		return this.maxParallelism;
	}

	/**
	 * Sets the scheduler of retry back-offs and duration budgets (default
	 * {@code Schedulers.parallel()}); tests pass a {@code VirtualTimeScheduler}.
	 * @param scheduler the scheduler
	 * @return this executor
	 */
	public GraphExecutor timerScheduler(Scheduler scheduler) {
		this.timerScheduler = Objects.requireNonNull(scheduler, "scheduler");
		return this;
	}

	/**
	 * The scheduler of back-offs and duration budgets.
	 * @return the scheduler
	 */
	public Scheduler timerScheduler() {
		return this.timerScheduler;
	}

	/**
	 * Sets the resources each execution may use.
	 * @param budget the budget; {@link ExecutionBudget#unlimited()} for none
	 * @return this executor
	 */
	public GraphExecutor budget(ExecutionBudget budget) {
		this.budget = Objects.requireNonNull(budget, "budget");
		return this;
	}

	/**
	 * The resources each execution may use.
	 * @return the budget
	 */
	public ExecutionBudget budget() {
		return this.budget;
	}

	/**
	 * Sets the retry policy of every node that has none of its own.
	 * @param policy the policy, or {@code null} for no retries
	 * @return this executor
	 */
	public GraphExecutor retryPolicy(@Nullable RetryPolicy policy) {
		this.graph.retryPolicy(policy);
		return this;
	}

	/**
	 * Sets how joins resolve one state key that parallel branches wrote differently.
	 * @param key the key
	 * @param policy the policy
	 * @return this executor
	 */
	public GraphExecutor mergePolicy(String key, MergePolicy policy) {
		this.graph.mergePolicy(key, policy);
		return this;
	}

	/**
	 * Sets how joins resolve keys without a policy of their own (default: overwrite).
	 * @param policy the policy
	 * @return this executor
	 */
	public GraphExecutor defaultMergePolicy(MergePolicy policy) {
		this.graph.defaultMergePolicy(policy);
		return this;
	}

	/**
	 * Saves a checkpoint after every top-level node (see
	 * {@link #checkpoints(CheckpointStore, int)}).
	 * @param store where checkpoints go
	 * @return this executor
	 */
	public GraphExecutor checkpoints(CheckpointStore store) {
		return checkpoints(store, 1);
	}

	/**
	 * Saves a checkpoint after every {@code everyNodes} nodes of the top-level graph
	 * (nodes inside parallel branches and subgraphs are part of the fork or subgraph node
	 * that contains them: a checkpoint is taken where the run has one well-defined next
	 * step). Each emits {@code CheckpointCreated} once it is stored.
	 * @param store where checkpoints go
	 * @param everyNodes strictly positive
	 * @return this executor
	 */
	public GraphExecutor checkpoints(CheckpointStore store, int everyNodes) {
		Objects.requireNonNull(store, "store");
		if (everyNodes <= 0) {
			throw new IllegalArgumentException("everyNodes must be strictly positive but was " + everyNodes);
		}
		this.checkpointStore = store;
		this.checkpointEvery = everyNodes;
		return this;
	}

	/**
	 * Where checkpoints go.
	 * @return the store, or {@code null} when checkpoints are off
	 */
	public @Nullable CheckpointStore checkpointStore() {
		return this.checkpointStore;
	}

	/**
	 * Nodes between checkpoints.
	 * @return the interval
	 */
	public int checkpointEvery() {
		return this.checkpointEvery;
	}

	/**
	 * Creates an idle execution that continues from a checkpoint with its state: it
	 * starts with {@code ExecutionStarted} and {@code CheckpointRestored}, then runs the
	 * nodes that were next, counting budgets and iteration limits from where the
	 * checkpoint left them. It has a new execution id.
	 * @param checkpoint a checkpoint of this graph
	 * @param options the options
	 * @return the idle execution
	 * @throws IllegalArgumentException if the checkpoint belongs to another graph or names
	 * nodes this graph does not have
	 */
	public GraphExecution resumeExecution(Checkpoint checkpoint, StreamingExecutionOptions options) {
		checkResumable(checkpoint, options);
		return new GraphExecution(UUID.randomUUID().toString(), this.graph, checkpoint.state(), options, this,
				checkpoint);
	}

	private void checkResumable(Checkpoint checkpoint, StreamingExecutionOptions options) {
		validate();
		Objects.requireNonNull(checkpoint, "checkpoint");
		Objects.requireNonNull(options, "options");
		if (!checkpoint.graphId().equals(name())) {
			throw new IllegalArgumentException("Checkpoint '" + checkpoint.checkpointId() + "' belongs to graph '"
					+ checkpoint.graphId() + "', not '" + name() + "'");
		}
		for (String node : checkpoint.nextNodes()) {
			if (this.graph.node(node) == null) {
				throw new IllegalArgumentException("Checkpoint '" + checkpoint.checkpointId() + "' continues at node '"
						+ node + "', which graph '" + name() + "' does not have");
			}
		}
	}

	/**
	 * Creates an idle execution that continues, under its own id, an execution whose
	 * first {@code afterSequence} events were recorded elsewhere, from one of its
	 * checkpoints: how an instance takes over the run of an instance it lost. Its first
	 * event is {@code CheckpointRestored} with sequence {@code afterSequence + 1}; it keeps
	 * taking checkpoints under the same execution id.
	 * @param executionId the execution's id
	 * @param checkpoint its newest checkpoint
	 * @param options the options
	 * @param afterSequence the sequence of the last event recorded before the takeover,
	 * strictly positive
	 * @return the idle execution, registered nowhere
	 * @throws IllegalArgumentException if the checkpoint belongs to another execution or
	 * graph, or names nodes this graph does not have
	 */
	public GraphExecution continueExecution(String executionId, Checkpoint checkpoint,
			StreamingExecutionOptions options, long afterSequence) {
		Objects.requireNonNull(executionId, "executionId");
		if (afterSequence <= 0) {
			throw new IllegalArgumentException("afterSequence must be strictly positive but was " + afterSequence);
		}
		if (!checkpoint.executionId().equals(executionId)) {
			throw new IllegalArgumentException("Checkpoint '" + checkpoint.checkpointId() + "' belongs to execution '"
					+ checkpoint.executionId() + "', not '" + executionId + "'");
		}
		checkResumable(checkpoint, options);
		return new GraphExecution(executionId, this.graph, checkpoint.state(), options, this, checkpoint,
				afterSequence);
	}

	/**
	 * Loads a checkpoint from this executor's store.
	 * @param checkpointId the checkpoint's id
	 * @return the checkpoint; an {@code IllegalArgumentException} if checkpoints are off
	 * or the store has no such checkpoint
	 */
	public Mono<Checkpoint> loadCheckpoint(String checkpointId) {
		Objects.requireNonNull(checkpointId, "checkpointId");
		CheckpointStore store = this.checkpointStore;
		if (store == null) {
			return Mono.error(new IllegalArgumentException(
					"Graph '" + name() + "' keeps no checkpoints; configure a store with checkpoints(store)"));
		}
		return store.load(checkpointId)
			.switchIfEmpty(Mono.error(() -> new IllegalArgumentException(
					"Graph '" + name() + "' has no checkpoint '" + checkpointId + "' in its store")));
	}

	/**
	 * Resumes from a stored checkpoint and runs to the end.
	 * @param checkpointId the checkpoint's id
	 * @return the result of the new execution
	 */
	public Mono<ExecutionResult> resumeAsync(String checkpointId) {
		return loadCheckpoint(checkpointId).flatMap((checkpoint) -> {
			GraphExecution execution = resumeExecution(checkpoint, resultOnlyOptions());
			return execution.start().result().doOnCancel(() -> execution.cancel("the caller cancelled"));
		});
	}

	/**
	 * Validates the graph.
	 * @throws io.graphstreaming.core.graph.GraphValidationException naming the problem
	 */
	public void validate() {
		this.graph.validate();
	}

	/**
	 * Describes the graph.
	 * @return the description
	 */
	public GraphDescription describe() {
		return this.graph.describe();
	}

	/**
	 * Runs the graph to its end. Subscribing starts the run; cancelling cancels it.
	 * @param input the initial state
	 * @return the result: completed with the final state, failed or cancelled
	 * @throws io.graphstreaming.core.graph.GraphValidationException if the graph is invalid
	 */
	public Mono<ExecutionResult> executeAsync(Map<String, ? extends @Nullable Object> input) {
		validate();
		Map<String, @Nullable Object> copy = copyInput(input);
		return Mono.defer(() -> {
			validate();
			GraphExecution execution = newExecution(copy, resultOnlyOptions());
			return execution.start().result().doOnCancel(() -> execution.cancel("the caller cancelled"));
		});
	}

	/**
	 * Creates an execution that starts when its first consumer subscribes, or on
	 * {@link GraphExecution#start()}. Nothing needs closing: once it has ended and its last
	 * consumer has detached, it releases its journal (with memory-mapped buffers: deletes
	 * its segment files and returns their bytes to the spill budget). Hold it in an
	 * {@link ExecutionRegistry} to keep its events for late consumers after that.
	 * @param input the initial state
	 * @param options the options
	 * @return the idle execution
	 * @throws io.graphstreaming.core.graph.GraphValidationException if the graph is invalid
	 */
	public GraphExecution createExecution(Map<String, ? extends @Nullable Object> input,
			StreamingExecutionOptions options) {
		validate();
		Objects.requireNonNull(options, "options");
		return newExecution(copyInput(input), options);
	}

	/**
	 * Creates an execution of a validated graph from an input already copied by
	 * {@link #copyInput(Map)}. Executions only read their input (the run copies it into its
	 * own state), so executions of one cold stream may share that copy.
	 */
	GraphExecution newExecution(Map<String, @Nullable Object> copiedInput, StreamingExecutionOptions options) {
		return new GraphExecution(UUID.randomUUID().toString(), this.graph, copiedInput, options, this);
	}

	/**
	 * A streaming executor over the same graph.
	 * @return a streaming executor sharing this definition and settings
	 */
	public StreamingGraphExecutor asStreamingExecutor() {
		StreamingGraphExecutor streaming = new StreamingGraphExecutor(this.graph);
		streaming.nodeScheduler(this.nodeScheduler);
		streaming.executionScheduler(this.executionScheduler);
		streaming.maxSteps(this.maxSteps);
		streaming.maxParallelism(this.maxParallelism);
		streaming.timerScheduler(this.timerScheduler);
		streaming.budget(this.budget);
		CheckpointStore store = this.checkpointStore;
		if (store != null) {
			streaming.checkpoints(store, this.checkpointEvery);
		}
		return streaming;
	}

	private static StreamingExecutionOptions resultOnlyOptions() {
		return ResultOnly.OPTIONS;
	}

	static Map<String, @Nullable Object> copyInput(Map<String, ? extends @Nullable Object> input) {
		Objects.requireNonNull(input, "input");
		Map<String, @Nullable Object> copy = new LinkedHashMap<>(input);
		copy.keySet().forEach((key) -> Objects.requireNonNull(key, "input keys must not be null"));
		return copy;
	}

	/**
	 * Options for a run whose events nobody reads: only the terminal event is journaled.
	 */
	private static final class ResultOnly {

		static final StreamingExecutionOptions OPTIONS = StreamingExecutionOptions.builder()
			.withEventTypes(GraphExecutionEventType.EXECUTION_COMPLETED)
			.withJournalMaxEvents(1)
			.build();

	}

}
