package io.graphstreaming.sample;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphState;
import io.graphstreaming.core.options.StreamingExecutionOptions;

/**
 * A streaming executor that checks a run's input before it creates the execution. The
 * starter's transports (SSE, JSON, polling, WebSocket) create executions through
 * {@link #createExecution(Map, StreamingExecutionOptions)}, and answer the
 * {@link IllegalArgumentException} of an invalid input with a 400 problem (a WebSocket
 * error message) naming the key, instead of starting a run that fails in its first node.
 *
 * <p>The graphs' nodes read the input with the same check, so runs started in process
 * with {@code executeStream} still end with {@code ExecutionFailed} naming the key.
 */
final class ValidatingGraphExecutor extends StreamingGraphExecutor {

	private final Consumer<GraphState> inputCheck;

	/**
	 * Creates the executor.
	 * @param name the graph id
	 * @param description what the graph does
	 * @param inputCheck reads the input and throws an {@link IllegalArgumentException} if
	 * it is invalid
	 */
	ValidatingGraphExecutor(String name, String description, Consumer<GraphState> inputCheck) {
		super(name, description);
		this.inputCheck = Objects.requireNonNull(inputCheck, "inputCheck");
	}

	/**
	 * Checks the input, then creates the execution.
	 * @throws IllegalArgumentException naming the invalid input key
	 */
	@Override
	public GraphExecution createExecution(Map<String, ? extends @Nullable Object> input,
			StreamingExecutionOptions options) {
		this.inputCheck.accept(new GraphState(new LinkedHashMap<String, @Nullable Object>(input)));
		return super.createExecution(input, options);
	}

}
