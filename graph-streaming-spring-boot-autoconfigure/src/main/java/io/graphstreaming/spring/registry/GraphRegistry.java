package io.graphstreaming.spring.registry;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.checkpoint.CheckpointStore;
import io.graphstreaming.core.execution.ExecutionNotFoundException;
import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.GraphExecutor;
import io.graphstreaming.core.graph.GraphDescription;
import io.graphstreaming.core.options.StreamingExecutionOptions;

/**
 * The application's graphs by id, each with the options its executions run with, and the
 * entry point for starting and finding executions. Transports and application code use
 * it alike. Graph ids are unique: two executors with one id fail start-up.
 *
 * <p>A graph served to remote clients must never run on a Netty event loop, where the
 * subscription of a response happens: every executor that kept the core's default
 * execution scheduler ({@code Schedulers.immediate()}) is switched to bounded elastic
 * here. An executor that chose its own scheduler keeps it.
 *
 * <p>Given a default checkpoint store, every executor without a store of its own saves
 * checkpoints to it; an executor with its own store keeps it. Checkpoints outlive their
 * execution's stay in the registry, so they are listed, loaded and resumed from by
 * execution id whether or not the execution is still known here.
 */
public class GraphRegistry {

	/**
	 * The most idempotency keys remembered at once; beyond, the oldest are forgotten
	 * first.
	 */
	public static final int MAX_IDEMPOTENCY_KEYS = 10_000;

	private final Map<String, GraphExecutor> executors;

	private final Map<String, StreamingExecutionOptions> options;

	private final ExecutionRegistry executions;

	private final DisconnectPolicy disconnectPolicy;

	private final @Nullable ExecutionSharing sharing;

	private final IdempotencyKeys idempotencyKeys;

	/**
	 * Registers graphs; each is validated now so that a bad definition fails start-up.
	 * Graphs save checkpoints only to stores of their own.
	 * @param executors the graphs' executors
	 * @param optionsFactory the options of each graph
	 * @param executions the execution registry
	 * @param disconnectPolicy what an execution does when its last streaming consumer
	 * leaves
	 * @throws IllegalStateException if two executors share an id
	 * @throws io.graphstreaming.core.graph.GraphValidationException for an invalid graph
	 */
	public GraphRegistry(Collection<? extends GraphExecutor> executors, StreamingOptionsFactory optionsFactory,
			ExecutionRegistry executions, DisconnectPolicy disconnectPolicy) {
		this(executors, optionsFactory, executions, disconnectPolicy, null, 1);
	}

	/**
	 * Registers graphs; each is validated now so that a bad definition fails start-up.
	 * @param executors the graphs' executors
	 * @param optionsFactory the options of each graph
	 * @param executions the execution registry
	 * @param disconnectPolicy what an execution does when its last streaming consumer
	 * leaves
	 * @param checkpointStore the store of every executor that has none of its own, or
	 * {@code null} to leave executors as they are
	 * @param checkpointEvery top-level nodes between two checkpoints to that store,
	 * strictly positive
	 * @throws IllegalStateException if two executors share an id
	 * @throws IllegalArgumentException if {@code checkpointEvery} is not positive
	 * @throws io.graphstreaming.core.graph.GraphValidationException for an invalid graph
	 */
	public GraphRegistry(Collection<? extends GraphExecutor> executors, StreamingOptionsFactory optionsFactory,
			ExecutionRegistry executions, DisconnectPolicy disconnectPolicy, @Nullable CheckpointStore checkpointStore,
			int checkpointEvery) {
		this(executors, optionsFactory, executions, disconnectPolicy, checkpointStore, checkpointEvery, null);
	}

	/**
	 * Creates a registry whose executions are shared with other instances.
	 * @param executors the graphs
	 * @param optionsFactory the options of each graph
	 * @param executions the execution registry
	 * @param disconnectPolicy what happens when an execution's last consumer leaves
	 * @param checkpointStore the store for graphs that have none, or {@code null}
	 * @param checkpointEvery checkpoint after this many completed top-level nodes
	 * @param sharing how executions are shared between instances, or {@code null} for
	 * none
	 */
	public GraphRegistry(Collection<? extends GraphExecutor> executors, StreamingOptionsFactory optionsFactory,
			ExecutionRegistry executions, DisconnectPolicy disconnectPolicy, @Nullable CheckpointStore checkpointStore,
			int checkpointEvery, @Nullable ExecutionSharing sharing) {
		this.sharing = sharing;
		if (checkpointEvery <= 0) {
			throw new IllegalArgumentException("checkpointEvery must be strictly positive but was " + checkpointEvery);
		}
		Map<String, GraphExecutor> byId = new LinkedHashMap<>();
		Map<String, StreamingExecutionOptions> optionsById = new LinkedHashMap<>();
		for (GraphExecutor executor : executors) {
			GraphExecutor previous = byId.putIfAbsent(executor.name(), executor);
			if (previous != null) {
				throw new IllegalStateException("Two graphs have the id '" + executor.name() + "': '"
						+ previous.description() + "' and '" + executor.description() + "'; graph ids must be unique");
			}
			executor.validate();
			if (executor.executionScheduler() == Schedulers.immediate()) {
				executor.executionScheduler(Schedulers.boundedElastic());
			}
			if (checkpointStore != null && executor.checkpointStore() == null) {
				executor.checkpoints(checkpointStore, checkpointEvery);
			}
			optionsById.put(executor.name(), Objects.requireNonNull(optionsFactory.optionsFor(executor.name())));
		}
		this.executors = Collections.unmodifiableMap(byId);
		this.options = Collections.unmodifiableMap(optionsById);
		this.executions = Objects.requireNonNull(executions, "executions");
		this.disconnectPolicy = Objects.requireNonNull(disconnectPolicy, "disconnectPolicy");
		this.idempotencyKeys = new IdempotencyKeys(MAX_IDEMPOTENCY_KEYS, this.executions::lookup, sharing,
				(graphId) -> this.options.get(graphId).journalRetention());
	}

	/**
	 * The registered graph ids, in registration order.
	 * @return the ids
	 */
	public Collection<String> graphIds() {
		return this.executors.keySet();
	}

	/**
	 * Descriptions of every graph.
	 * @return the descriptions, in registration order
	 */
	public List<GraphDescription> describeAll() {
		return this.executors.values().stream().map(GraphExecutor::describe).toList();
	}

	/**
	 * A graph's description.
	 * @param graphId the graph
	 * @return the description
	 * @throws GraphNotFoundException if unknown
	 */
	public GraphDescription describe(String graphId) {
		return executor(graphId).describe();
	}

	/**
	 * A graph's executor.
	 * @param graphId the graph
	 * @return the executor
	 * @throws GraphNotFoundException if unknown
	 */
	public GraphExecutor executor(String graphId) {
		GraphExecutor executor = this.executors.get(graphId);
		if (executor == null) {
			throw new GraphNotFoundException(graphId);
		}
		return executor;
	}

	/**
	 * The options a graph's executions run with.
	 * @param graphId the graph
	 * @return the options
	 * @throws GraphNotFoundException if unknown
	 */
	public StreamingExecutionOptions options(String graphId) {
		executor(graphId);
		return this.options.get(graphId);
	}

	/**
	 * Creates an execution; it starts when its first consumer subscribes or on
	 * {@link GraphExecution#start()}.
	 * @param graphId the graph
	 * @param input the initial state
	 * @return the idle execution
	 * @throws GraphNotFoundException if unknown
	 * @throws io.graphstreaming.core.execution.ExecutionLimitExceededException at the
	 * concurrency limit
	 */
	public GraphExecution create(String graphId, Map<String, ? extends @Nullable Object> input) {
		return create(graphId, input, null);
	}

	/**
	 * Creates an execution owned by someone; it starts when its first consumer subscribes
	 * or on {@link GraphExecution#start()}.
	 * @param graphId the graph
	 * @param input the initial state
	 * @param owner who starts it (the authenticated principal's name), or {@code null}
	 * @return the idle execution
	 * @throws GraphNotFoundException if unknown
	 * @throws io.graphstreaming.core.execution.ExecutionLimitExceededException at the
	 * concurrency limit
	 */
	public GraphExecution create(String graphId, Map<String, ? extends @Nullable Object> input,
			@Nullable String owner) {
		GraphExecutor executor = executor(graphId);
		StreamingExecutionOptions graphOptions = this.options.get(graphId);
		GraphExecution execution = (this.sharing != null)
				? this.sharing.create(executor, input, graphOptions, owner)
				: this.executions.create(executor, input, graphOptions, owner);
		return execution.cancelWhenUnobserved(this.disconnectPolicy == DisconnectPolicy.CANCEL);
	}

	/**
	 * Creates and starts an execution at once (polling, non-streaming execution).
	 * @param graphId the graph
	 * @param input the initial state
	 * @return the running execution
	 */
	public GraphExecution start(String graphId, Map<String, ? extends @Nullable Object> input) {
		return start(graphId, input, null);
	}

	/**
	 * Creates and starts an execution owned by someone at once (polling, non-streaming
	 * execution).
	 * @param graphId the graph
	 * @param input the initial state
	 * @param owner who starts it (the authenticated principal's name), or {@code null}
	 * @return the running execution
	 */
	public GraphExecution start(String graphId, Map<String, ? extends @Nullable Object> input,
			@Nullable String owner) {
		return create(graphId, input, owner).cancelWhenUnobserved(false).start();
	}

	/**
	 * Creates an execution for a start request with an {@code Idempotency-Key}, or returns
	 * the one an earlier request with the same key, client and graph created (a client
	 * repeating a start whose answer it lost). A key is remembered as long as its
	 * execution is (running, then for the journal retention), at most
	 * {@link #MAX_IDEMPOTENCY_KEYS} keys. With shared executions it is also recorded in the
	 * shared store for the journal retention, so that a repetition reaching another
	 * instance gets the same execution; of two instances racing with one key, one keeps
	 * its execution and the other cancels its own.
	 * @param graphId the graph
	 * @param input the initial state; a repetition must send the same
	 * @param owner who starts it (the authenticated principal's name), or {@code null}
	 * @param key the request's key
	 * @return the idle execution (new, or created earlier and maybe running), and whether
	 * it was created earlier
	 * @throws GraphNotFoundException if unknown
	 * @throws IdempotencyKeyReusedException if the key created an execution with another
	 * input
	 * @throws io.graphstreaming.core.execution.ExecutionLimitExceededException at the
	 * concurrency limit
	 * @throws SharedStoreUnavailableException if executions are shared and the shared store
	 * does not answer
	 */
	public IdempotentStart create(String graphId, Map<String, ? extends @Nullable Object> input,
			@Nullable String owner, IdempotencyKey key) {
		executor(graphId);
		return this.idempotencyKeys.start(graphId, owner, key, input, () -> create(graphId, input, owner));
	}

	/**
	 * Creates and starts an execution at once for a start request with an
	 * {@code Idempotency-Key}, or returns the one an earlier request with the same key,
	 * client and graph started, as {@link #create(String, Map, String, IdempotencyKey)}.
	 * @param graphId the graph
	 * @param input the initial state; a repetition must send the same
	 * @param owner who starts it (the authenticated principal's name), or {@code null}
	 * @param key the request's key
	 * @return the running (or ended) execution, and whether an earlier request started it
	 * @throws GraphNotFoundException if unknown
	 * @throws IdempotencyKeyReusedException if the key started an execution with another
	 * input
	 * @throws SharedStoreUnavailableException if executions are shared and the shared store
	 * does not answer
	 */
	public IdempotentStart start(String graphId, Map<String, ? extends @Nullable Object> input,
			@Nullable String owner, IdempotencyKey key) {
		executor(graphId);
		// started once its key is recorded: an execution that loses a race for its key to
		// another instance's is cancelled before it runs anything
		IdempotentStart started = this.idempotencyKeys.start(graphId, owner, key, input,
				() -> create(graphId, input, owner).cancelWhenUnobserved(false));
		if (!started.replayed()) {
			started.execution().start();
		}
		return started;
	}

	/**
	 * Idempotency keys remembered now.
	 * @return the count
	 */
	public int idempotencyKeys() {
		return this.idempotencyKeys.size();
	}

	/**
	 * Finds an execution of a graph.
	 * @param graphId the graph
	 * @param executionId the execution
	 * @return the execution
	 * @throws GraphNotFoundException if the graph is unknown
	 * @throws ExecutionNotFoundException if no such execution of that graph exists
	 * @throws io.graphstreaming.core.execution.ExecutionExpiredException if it existed
	 * but its retention has passed
	 */
	public GraphExecution execution(String graphId, String executionId) {
		executor(graphId);
		String expiredGraph = this.executions.expiredGraph(executionId).orElse(null);
		if (expiredGraph != null && !expiredGraph.equals(graphId)) {
			throw new ExecutionNotFoundException(executionId);
		}
		GraphExecution execution = lookup(executionId).orElseGet(() -> this.executions.find(executionId));
		if (!execution.graphId().equals(graphId)) {
			throw new ExecutionNotFoundException(executionId);
		}
		return execution;
	}

	/**
	 * The checkpoints of an execution of a graph, oldest first. The execution need not be
	 * known to the registry any more: checkpoints outlive it.
	 * @param graphId the graph
	 * @param executionId the execution
	 * @return its checkpoints in the graph's store, empty if none
	 * @throws GraphNotFoundException if the graph is unknown
	 * @throws CheckpointNotFoundException if the graph keeps no checkpoints
	 */
	public Flux<Checkpoint> checkpoints(String graphId, String executionId) {
		return checkpointStore(graphId).list(executionId).filter((checkpoint) -> checkpoint.graphId().equals(graphId));
	}

	/**
	 * A checkpoint of a graph.
	 * @param graphId the graph
	 * @param checkpointId the checkpoint
	 * @return the checkpoint; a {@link CheckpointNotFoundException} if the graph's store
	 * has none with that id
	 * @throws GraphNotFoundException if the graph is unknown
	 * @throws CheckpointNotFoundException if the graph keeps no checkpoints
	 */
	public Mono<Checkpoint> checkpoint(String graphId, String checkpointId) {
		return checkpointStore(graphId).load(checkpointId)
			.filter((checkpoint) -> checkpoint.graphId().equals(graphId))
			.switchIfEmpty(Mono.error(() -> new CheckpointNotFoundException(
					"Graph '" + graphId + "' has no checkpoint '" + checkpointId + "'")));
	}

	/**
	 * The checkpoint to resume an execution from: the one named, or the execution's
	 * newest. The execution must not be running (cancel it and let it end first); it
	 * need not be known to the registry any more.
	 * @param graphId the graph
	 * @param executionId the execution to resume
	 * @param checkpointId one of its checkpoints, or {@code null} for the newest
	 * @return the checkpoint; a {@link CheckpointNotFoundException} if there is none
	 * (or none with that id), an {@link IllegalArgumentException} if the checkpoint named
	 * belongs to another execution
	 * @throws GraphNotFoundException if the graph is unknown
	 * @throws CheckpointNotFoundException if the graph keeps no checkpoints
	 * @throws ExecutionStillRunningException if the execution has not ended
	 */
	public Mono<Checkpoint> checkpointToResume(String graphId, String executionId, @Nullable String checkpointId) {
		CheckpointStore store = checkpointStore(graphId);
		GraphExecution original = lookup(executionId).orElse(null);
		if (original != null && original.graphId().equals(graphId) && !original.status().isFinished()) {
			throw new ExecutionStillRunningException(graphId, executionId);
		}
		if (checkpointId == null) {
			return store.latest(executionId)
				.filter((checkpoint) -> checkpoint.graphId().equals(graphId))
				.switchIfEmpty(Mono.error(() -> new CheckpointNotFoundException(
						"Execution '" + executionId + "' of graph '" + graphId + "' has no checkpoint")));
		}
		return checkpoint(graphId, checkpointId).map((checkpoint) -> {
			if (!checkpoint.executionId().equals(executionId)) {
				throw new IllegalArgumentException("Checkpoint '" + checkpointId + "' belongs to execution '"
						+ checkpoint.executionId() + "', not '" + executionId + "'");
			}
			return checkpoint;
		});
	}

	/**
	 * Creates an execution that resumes from a checkpoint, with the graph's options and
	 * a new id; it starts when its first consumer subscribes or on
	 * {@link GraphExecution#start()}.
	 * @param graphId the graph
	 * @param checkpoint a checkpoint of that graph
	 * @return the idle execution
	 * @throws GraphNotFoundException if the graph is unknown
	 * @throws IllegalArgumentException if the checkpoint does not fit the graph
	 * @throws io.graphstreaming.core.execution.ExecutionLimitExceededException at the
	 * concurrency limit
	 */
	public GraphExecution resume(String graphId, Checkpoint checkpoint) {
		return resume(graphId, checkpoint, null);
	}

	/**
	 * Creates an execution owned by someone that resumes from a checkpoint, as
	 * {@link #resume(String, Checkpoint)}.
	 * @param graphId the graph
	 * @param checkpoint a checkpoint of that graph
	 * @param owner who resumes it (the authenticated principal's name), or {@code null}
	 * @return the idle execution
	 * @throws GraphNotFoundException if the graph is unknown
	 * @throws IllegalArgumentException if the checkpoint does not fit the graph
	 * @throws io.graphstreaming.core.execution.ExecutionLimitExceededException at the
	 * concurrency limit
	 */
	public GraphExecution resume(String graphId, Checkpoint checkpoint, @Nullable String owner) {
		GraphExecutor executor = executor(graphId);
		StreamingExecutionOptions graphOptions = this.options.get(graphId);
		GraphExecution execution = (this.sharing != null)
				? this.sharing.resume(executor, checkpoint, graphOptions, owner)
				: this.executions.resume(executor, checkpoint, graphOptions, owner);
		return execution.cancelWhenUnobserved(this.disconnectPolicy == DisconnectPolicy.CANCEL);
	}

	/**
	 * An execution known here or, when executions are shared, to another instance (a
	 * replica of it is then registered here; finding one the first time asks the shared
	 * store and may block briefly).
	 * @param executionId the id
	 * @return the execution, or empty when no instance knows it
	 */
	public Optional<GraphExecution> lookup(String executionId) {
		Optional<GraphExecution> local = this.executions.lookup(executionId);
		if (local.isPresent() || this.sharing == null) {
			return local;
		}
		return this.sharing.find(executionId);
	}

	/**
	 * Every execution this instance can serve: its own and, when executions are shared,
	 * the ones running on other instances. Blocks briefly when shared (it asks the shared
	 * store); call it off event loops.
	 * @return the executions
	 */
	public Collection<GraphExecution> allExecutions() {
		if (this.sharing != null) {
			this.sharing.includeRunningExecutions();
		}
		return this.executions.executions();
	}

	/**
	 * Whether executions are shared between instances.
	 * @return {@code true} with an {@link ExecutionSharing}
	 */
	public boolean isShared() {
		return this.sharing != null;
	}

	private CheckpointStore checkpointStore(String graphId) {
		CheckpointStore store = executor(graphId).checkpointStore();
		if (store == null) {
			throw new CheckpointNotFoundException("Graph '" + graphId
					+ "' keeps no checkpoints; give its executor a store (checkpoints(store)) or set "
					+ "graph.streaming.checkpoints.enabled=true");
		}
		return store;
	}

	/**
	 * The execution registry.
	 * @return the registry
	 */
	public ExecutionRegistry executions() {
		return this.executions;
	}

}
