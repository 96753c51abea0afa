package io.graphstreaming.core.journal;

import io.graphstreaming.core.event.GraphExecutionEvent;

/**
 * Turns an event into bytes and back, for journals that spill to memory-mapped segment
 * files. Core has no serialization format of its own: memory-mapped buffers need one,
 * supplied with the execution options (the Spring Boot starter supplies the event JSON
 * its transports send, so spilled bytes are exactly those bytes).
 *
 * <p>{@code deserialize(serialize(e))} must be an event equal in content to {@code e},
 * whose serialized form is again the same bytes.
 */
public interface EventSerializer {

	/**
	 * Serializes an event.
	 * @param event the event
	 * @return its bytes
	 */
	byte[] serialize(GraphExecutionEvent event);

	/**
	 * Serializes a journal entry's event; implementations whose bytes are also what
	 * transports send override this to reuse (and fill) the entry's cached serialized
	 * form, so the event is serialized once in all.
	 * @param entry the entry
	 * @return the event's bytes; callers must not modify them
	 */
	default byte[] serialize(JournalEntry entry) {
		return serialize(entry.event());
	}

	/**
	 * Reads an event back.
	 * @param bytes what {@link #serialize(GraphExecutionEvent)} produced
	 * @return the event
	 */
	GraphExecutionEvent deserialize(byte[] bytes);

}
