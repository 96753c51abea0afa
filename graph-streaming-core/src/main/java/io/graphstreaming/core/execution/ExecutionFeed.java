package io.graphstreaming.core.execution;

import reactor.core.publisher.Flux;

import io.graphstreaming.core.event.GraphExecutionEvent;

/**
 * The source of a replica execution's events when the journal that records them lives
 * outside this process, for example in Redis Streams shared by several instances. A
 * replica ({@link ExecutionRegistry#follow}) appends what its feed delivers to a local
 * journal, so every transport serves it exactly as it serves a local run: the same
 * cursors, filters, backpressure and resume by sequence.
 *
 * <p>Implementations decide where the run happens: on this instance (the feed then
 * starts it when {@link #events(long)} is first subscribed) or on another one (the feed
 * only reads what the owner records).
 */
public interface ExecutionFeed {

	/**
	 * The recorded events after a sequence, then live ones, ending with the terminal
	 * event. Every sequence comes exactly once and in order, starting at
	 * {@code afterSequence + 1}; a feed that cannot deliver that sequence any more (it was
	 * trimmed) signals {@link io.graphstreaming.core.journal.EventsExpiredException}. The
	 * subscriber's demand is the feed's backpressure.
	 * @param afterSequence the sequence of the last event the replica already holds
	 * @return the events
	 */
	Flux<GraphExecutionEvent> events(long afterSequence);

	/**
	 * Asks whoever runs the execution to cancel it; its {@code ExecutionCancelled} event
	 * then arrives through {@link #events(long)}.
	 * @param reason why, carried by the event
	 * @return {@code true} if the request was sent (not whether it will win against a
	 * run that is finishing)
	 */
	boolean cancel(String reason);

	/**
	 * Whether the execution runs in this process now. An instance shutting down cancels
	 * or drains only the executions that run on it; replicas of runs elsewhere are left
	 * to their owners.
	 * @return {@code true} if this process owns the run
	 */
	boolean runsHere();

}
