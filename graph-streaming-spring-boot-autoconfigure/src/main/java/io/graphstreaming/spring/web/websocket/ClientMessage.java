package io.graphstreaming.spring.web.websocket;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.options.CompressionAlgorithm;

/**
 * A message a WebSocket client sends, once read and validated.
 */
sealed interface ClientMessage {

	/**
	 * {@code {"type":"execute","input":{...},"eventTypes":[...],"nodes":[...],"compression":"gzip"}}:
	 * start an execution of the socket's graph and stream it.
	 *
	 * @param input the initial state
	 * @param filter what this socket receives
	 * @param compression the algorithm of binary event frames, or {@code null} for text
	 * frames only
	 */
	record Execute(Map<String, @Nullable Object> input, EventFilter filter,
			@Nullable CompressionAlgorithm compression) implements ClientMessage {
	}

	/**
	 * {@code {"type":"resume","executionId":"...","after":N}}: stream an existing execution
	 * of the socket's graph from the event after {@code after}.
	 *
	 * @param executionId the execution
	 * @param after the last sequence the client has, 0 for all
	 * @param filter what this socket receives
	 * @param compression the algorithm of binary event frames, or {@code null} for text
	 * frames only
	 */
	record Resume(String executionId, long after, EventFilter filter,
			@Nullable CompressionAlgorithm compression) implements ClientMessage {
	}

	/**
	 * {@code {"type":"cancel"}}: cancel the execution this socket streams.
	 */
	record Cancel() implements ClientMessage {
	}

}
