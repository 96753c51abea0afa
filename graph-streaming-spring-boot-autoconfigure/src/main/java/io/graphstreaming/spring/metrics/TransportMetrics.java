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

	/**
	 * An event was compressed for a consumer (an SSE frame flushed through the
	 * response's compressor, a WebSocket binary frame).
	 * @param algorithm {@code gzip} or {@code brotli}
	 * @param bytesIn the event's size before compression (its frame, for SSE)
	 * @param bytesOut its size after compression
	 */
	default void eventCompressed(String algorithm, long bytesIn, long bytesOut) {
	}

	/**
	 * An event went to a consumer that asked for compression but was not compressed:
	 * below the (adaptive) threshold, or while adaptive compression is paused.
	 * @param algorithm {@code gzip} or {@code brotli}
	 */
	default void eventCompressionSkipped(String algorithm) {
	}

}
