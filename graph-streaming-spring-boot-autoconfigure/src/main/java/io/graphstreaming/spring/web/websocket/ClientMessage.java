package io.graphstreaming.spring.web.websocket;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.event.EventFilter;

/**
 * A message a WebSocket client sends, once read and validated.
 */
sealed interface ClientMessage {

	/**
	 * {@code {"type":"execute","input":{...},"eventTypes":[...],"nodes":[...]}}: start an
	 * execution of the socket's graph and stream it.
	 *
	 * @param input the initial state
	 * @param filter what this socket receives
	 */
	record Execute(Map<String, @Nullable Object> input, EventFilter filter) implements ClientMessage {
	}

	/**
	 * {@code {"type":"resume","executionId":"...","after":N}}: stream an existing execution
	 * of the socket's graph from the event after {@code after}.
	 *
	 * @param executionId the execution
	 * @param after the last sequence the client has, 0 for all
	 * @param filter what this socket receives
	 */
	record Resume(String executionId, long after, EventFilter filter) implements ClientMessage {
	}

	/**
	 * {@code {"type":"cancel"}}: cancel the execution this socket streams.
	 */
	record Cancel() implements ClientMessage {
	}

}
