package io.graphstreaming.spring.registry;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Schedulers;

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
 */
public class GraphRegistry {

	private final Map<String, GraphExecutor> executors;

	private final Map<String, StreamingExecutionOptions> options;

	private final ExecutionRegistry executions;

	private final DisconnectPolicy disconnectPolicy;

	/**
	 * Registers graphs; each is validated now so that a bad definition fails start-up.
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
			optionsById.put(executor.name(), Objects.requireNonNull(optionsFactory.optionsFor(executor.name())));
		}
		this.executors = Collections.unmodifiableMap(byId);
		this.options = Collections.unmodifiableMap(optionsById);
		this.executions = Objects.requireNonNull(executions, "executions");
		this.disconnectPolicy = Objects.requireNonNull(disconnectPolicy, "disconnectPolicy");
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
		GraphExecutor executor = executor(graphId);
		GraphExecution execution = this.executions.create(executor, input, this.options.get(graphId));
		return execution.cancelWhenUnobserved(this.disconnectPolicy == DisconnectPolicy.CANCEL);
	}

	/**
	 * Creates and starts an execution at once (polling, non-streaming execution).
	 * @param graphId the graph
	 * @param input the initial state
	 * @return the running execution
	 */
	public GraphExecution start(String graphId, Map<String, ? extends @Nullable Object> input) {
		return create(graphId, input).cancelWhenUnobserved(false).start();
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
		GraphExecution execution = this.executions.find(executionId);
		if (!execution.graphId().equals(graphId)) {
			throw new ExecutionNotFoundException(executionId);
		}
		return execution;
	}

	/**
	 * The execution registry.
	 * @return the registry
	 */
	public ExecutionRegistry executions() {
		return this.executions;
	}

}
