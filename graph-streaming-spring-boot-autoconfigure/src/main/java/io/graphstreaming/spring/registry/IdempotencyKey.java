package io.graphstreaming.spring.registry;

import java.util.Objects;

/**
 * Names one start request across its repetitions: the client's {@code Idempotency-Key}
 * header, scoped to the client that sent it and to the kind of start, so that two clients
 * (or two endpoints) never share an execution through the same key. The graph is part of
 * the scope too (see {@link GraphRegistry#start(String, java.util.Map, String, IdempotencyKey)}).
 *
 * @param client the client: its principal or client key (see
 * {@code io.graphstreaming.spring.web.ClientKeyResolver})
 * @param operation the kind of start, such as {@code executions} or {@code execute/stream}
 * @param value the header's value
 */
public record IdempotencyKey(String client, String operation, String value) {

	/**
	 * Checks the parts.
	 * @param client the client
	 * @param operation the kind of start
	 * @param value the header's value
	 */
	public IdempotencyKey {
		Objects.requireNonNull(client, "client");
		Objects.requireNonNull(operation, "operation");
		Objects.requireNonNull(value, "value");
	}

}
