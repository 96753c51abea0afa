package io.graphstreaming.spring.metrics;

/**
 * What transports report about their consumers, for metrics. Every method has an empty
 * default; {@link #NONE} records nothing.
 */
public interface TransportMetrics {

	/** Records nothing. */
	TransportMetrics NONE = new TransportMetrics() {
	};

	/**
	 * A heartbeat went to an idle consumer.
	 * @param transport {@code sse}, {@code websocket} or {@code polling}
	 */
	default void heartbeatSent(String transport) {
	}

	/**
	 * A consumer resumed an execution after a sequence (Last-Event-ID, WebSocket resume,
	 * or a poll joining late).
	 * @param transport the transport
	 */
	default void resumeServed(String transport) {
	}

	/**
	 * A consumer went away before its execution's terminal event.
	 * @param transport the transport
	 */
	default void consumerDisconnected(String transport) {
	}

}
