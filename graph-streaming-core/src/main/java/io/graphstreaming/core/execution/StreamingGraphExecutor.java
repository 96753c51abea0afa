package io.graphstreaming.core.execution;

import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import io.graphstreaming.core.graph.Graph;
import io.graphstreaming.core.journal.ConsumerSpec;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.core.stream.GraphExecutionEventStream;

/**
 * A {@link GraphExecutor} whose runs can be watched as they happen: the guide's
 * {@code StreamingGraphExecutor}. {@link #executeStream(Map)} returns a cold stream:
 * subscribing runs the graph once and delivers every event in sequence order, with
 * backpressure; cancelling the subscription cancels the run, which ends with
 * {@code ExecutionCancelled}. However the subscription ends (its terminal event delivered,
 * an error, or a cancel), the run's journal is closed: with memory-mapped buffers its
 * segment files are deleted and their bytes returned to the spill budget at once.
 */
public class StreamingGraphExecutor extends GraphExecutor {

	private volatile StreamingExecutionOptions defaultOptions = StreamingExecutionOptions.defaults();

	/**
	 * Creates a streaming executor with an empty graph.
	 * @param name the graph id
	 * @param description what the graph does
	 * @throws IllegalArgumentException if the name is not a valid id
	 */
	public StreamingGraphExecutor(String name, String description) {
		super(name, description);
	}

	StreamingGraphExecutor(Graph graph) {
		super(graph);
	}

	/**
	 * Sets the options {@link #executeStream(Map)} uses.
	 * @param options the options
	 * @return this executor
	 */
	public StreamingGraphExecutor defaultOptions(StreamingExecutionOptions options) {
		this.defaultOptions = Objects.requireNonNull(options, "options");
		return this;
	}

	/**
	 * The options {@link #executeStream(Map)} uses.
	 * @return the options
	 */
	public StreamingExecutionOptions defaultOptions() {
		return this.defaultOptions;
	}

	/**
	 * Streams a run with the default options.
	 * @param arguments the initial state
	 * @return a cold stream; each subscription is one run
	 * @throws io.graphstreaming.core.graph.GraphValidationException if the graph is invalid
	 */
	public GraphExecutionEventStream executeStream(Map<String, ? extends @Nullable Object> arguments) {
		return executeStream(arguments, this.defaultOptions);
	}

	/**
	 * Streams a run.
	 * @param arguments the initial state
	 * @param options buffers, overflow policy, batching, filters, handlers and metrics
	 * @return a cold stream; each subscription is one run
	 * @throws io.graphstreaming.core.graph.GraphValidationException if the graph is invalid
	 */
	public GraphExecutionEventStream executeStream(Map<String, ? extends @Nullable Object> arguments,
			StreamingExecutionOptions options) {
		validate();
		Objects.requireNonNull(options, "options");
		Map<String, @Nullable Object> input = copyInput(arguments);
		return GraphExecutionEventStream.create(name(), options, (filter, listener) -> Flux.defer(() -> {
			validate();
			GraphExecution execution = newExecution(input, options).cancelWhenUnobserved(true);
			return ownRun(execution, ConsumerSpec.of(options, 0, filter).withListener(listener));
		}));
	}

	/**
	 * Resumes from a stored checkpoint with the default options, as a cold stream: each
	 * subscription loads the checkpoint and runs a new execution from it.
	 * @param checkpointId the checkpoint's id
	 * @return the events of the resumed execution, from {@code ExecutionStarted} and
	 * {@code CheckpointRestored}; an {@code IllegalArgumentException} error if there is no
	 * such checkpoint
	 */
	public GraphExecutionEventStream resumeStream(String checkpointId) {
		return resumeStream(checkpointId, this.defaultOptions);
	}

	/**
	 * Resumes from a stored checkpoint, as a cold stream.
	 * @param checkpointId the checkpoint's id
	 * @param options the options
	 * @return the events of the resumed execution
	 */
	public GraphExecutionEventStream resumeStream(String checkpointId, StreamingExecutionOptions options) {
		Objects.requireNonNull(checkpointId, "checkpointId");
		Objects.requireNonNull(options, "options");
		return GraphExecutionEventStream.create(name(), options,
				(filter, listener) -> loadCheckpoint(checkpointId).flatMapMany((checkpoint) -> {
					GraphExecution execution = resumeExecution(checkpoint, options).cancelWhenUnobserved(true);
					return ownRun(execution, ConsumerSpec.of(options, 0, filter).withListener(listener));
				}));
	}

	/**
	 * The one consumer of a cold stream's run. Nobody else can attach to that run, so its
	 * journal is closed as soon as the subscription ends, on every path: after the terminal
	 * event, on an error (the run, not cancelled, then goes on without spilling), and on a
	 * cancel, without waiting for the cancelled run to record its terminal event.
	 */
	private static Flux<JournalEntry> ownRun(GraphExecution execution, ConsumerSpec spec) {
		return execution.entries(spec).doFinally((signal) -> execution.journal().close());
	}

}
