package io.graphstreaming.spring.client;

/**
 * How a {@link GraphStreamClient} receives an execution's events: the reference guide's
 * {@code StreamingConnectionType}.
 */
public enum ConnectionType {

	/** Server-Sent Events from {@code GET {base}/{graphId}/executions/{id}/stream}. */
	SSE("SSE"),

	/** One WebSocket per stream, {@code {base}/{graphId}/ws}, resumed with a {@code resume} message. */
	WEBSOCKET("WebSocket"),

	/** Long polling of {@code GET {base}/{graphId}/executions/{id}/events}. */
	POLLING("polling"),

	/**
	 * WebSocket, then SSE, then polling: a stream moves to the next one when the server (or
	 * a proxy in between) refuses the handshake of the current one, and keeps the first one
	 * that connects for its reconnects.
	 */
	AUTO("auto");

	private final String displayName;

	ConnectionType(String displayName) {
		this.displayName = displayName;
	}

	/**
	 * The name used in status reasons and error messages.
	 * @return for example {@code "WebSocket"}
	 */
	public String displayName() {
		return this.displayName;
	}

}
