package io.graphstreaming.spring.registry;

import java.util.Objects;

import io.graphstreaming.core.execution.GraphExecution;

/**
 * What a start with an {@link IdempotencyKey} found: a new execution, or the one an
 * earlier request with the same key started.
 *
 * @param execution the execution
 * @param replayed {@code true} when the execution was started by an earlier request
 */
public record IdempotentStart(GraphExecution execution, boolean replayed) {

	/**
	 * Checks the execution.
	 * @param execution the execution
	 * @param replayed whether an earlier request started it
	 */
	public IdempotentStart {
		Objects.requireNonNull(execution, "execution");
	}

}
