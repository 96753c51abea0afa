package io.graphstreaming.spring.client;

import reactor.core.publisher.Flux;

import io.graphstreaming.core.event.GraphExecutionEvent;

/**
 * One way of receiving an execution's events from the server: opens one connection.
 */
interface Transport {

	/**
	 * Opens a connection that receives the events after {@link Attempt#after()}.
	 * @param attempt the connection's request and callbacks
	 * @return the events as the server sends them (the caller removes duplicates); the
	 * flux completes only when the server says that nothing more follows (SSE 204, a
	 * WebSocket closed with 1000, a poll answer with {@code completed: true}); a response
	 * that just ends is a {@link ClientFailures.PrematureEnd}, a refused request a
	 * {@link ClientFailures.StatusFailure}
	 */
	Flux<GraphExecutionEvent> open(Attempt attempt);

}
