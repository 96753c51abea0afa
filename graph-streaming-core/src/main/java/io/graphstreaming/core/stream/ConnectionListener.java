package io.graphstreaming.core.stream;

/**
 * Told of the connection changes of one consumer of a remote stream: connected,
 * reconnecting after a failure, connected again. The stream turns them into
 * {@link StreamStatus} changes with the same reason. Called on whichever thread observed
 * the change; keep it quick.
 */
@FunctionalInterface
public interface ConnectionListener {

	/** A listener that ignores everything. */
	ConnectionListener NONE = (status, reason) -> {
	};

	/**
	 * The consumer's connection changed.
	 * @param status {@link StreamStatus#CONNECTING}, {@link StreamStatus#CONNECTED} or
	 * {@link StreamStatus#RECONNECTING}
	 * @param reason what happened, for example
	 * {@code "connection to 127.0.0.1:8080 lost (Connection reset); reconnect 1 of 3 in 120 ms"}
	 */
	void onConnection(StreamStatus status, String reason);

}
