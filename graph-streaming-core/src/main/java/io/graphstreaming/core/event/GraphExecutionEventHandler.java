package io.graphstreaming.core.event;

/**
 * Called once for every event an execution emits, on the thread that emitted it, before
 * any consumer sees the event. A handler that throws is logged and skipped: it never
 * breaks the stream or the execution. Keep handlers quick; slow work belongs in a
 * consumer, which has backpressure.
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
