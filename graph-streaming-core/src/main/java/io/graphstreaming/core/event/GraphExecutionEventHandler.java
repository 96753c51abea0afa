package io.graphstreaming.core.event;

/**
 * Called once for every event an execution emits, in sequence order, on the thread that
 * emitted it, right after the event is journaled (a consumer on that thread may already
 * have received it). A handler that throws is logged and skipped: it never breaks the
 * stream or the execution. Keep handlers quick; slow work belongs in a consumer, which has
 * backpressure.
 */
@FunctionalInterface
public interface GraphExecutionEventHandler {

	/**
	 * Handles one event.
	 * @param event the event, already sequenced
	 * @throws Exception any failure; it is contained
	 */
	void handle(GraphExecutionEvent event) throws Exception;

}
