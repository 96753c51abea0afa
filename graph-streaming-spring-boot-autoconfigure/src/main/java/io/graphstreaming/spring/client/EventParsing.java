package io.graphstreaming.spring.client;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import io.graphstreaming.core.event.GraphExecutionEvent;

/**
 * Reads the event JSON of every transport into event records; malformed JSON is a
 * {@link ClientFailures.ProtocolFailure}, since a reconnect would receive the same bytes.
 */
final class EventParsing {

	private EventParsing() {
	}

	/**
	 * Reads one event.
	 * @param settings the client's reader
	 * @param json the event JSON
	 * @return the event
	 */
	static GraphExecutionEvent event(ClientSettings settings, byte[] json) {
		try {
			return settings.eventReader().read(json);
		}
		catch (IllegalArgumentException ex) {
			throw new ClientFailures.ProtocolFailure("The server sent an unreadable event: " + ex.getMessage(), false);
		}
	}

	/**
	 * Reads one event from a parsed tree.
	 * @param settings the client's reader
	 * @param json the event object
	 * @return the event
	 */
	static GraphExecutionEvent event(ClientSettings settings, JsonNode json) {
		try {
			return settings.eventReader().read(json);
		}
		catch (IllegalArgumentException ex) {
			throw new ClientFailures.ProtocolFailure("The server sent an unreadable event: " + ex.getMessage(), false);
		}
	}

	/**
	 * Parses a JSON document.
	 * @param settings the client's mapper
	 * @param json the bytes
	 * @param what what the document is, for the message
	 * @return the tree
	 */
	static JsonNode tree(ClientSettings settings, byte[] json, String what) {
		try {
			return settings.mapper().readTree(json);
		}
		catch (JacksonException ex) {
			throw new ClientFailures.ProtocolFailure("The server sent " + what + " that is not JSON: "
					+ ex.getOriginalMessage(), false);
		}
	}

}
