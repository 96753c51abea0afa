package io.graphstreaming.spring.registry;

/**
 * A graph keeps no checkpoints, or none with that id or of that execution. Transports
 * answer 404.
 */
public class CheckpointNotFoundException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param message what was not found, for the client
	 */
	public CheckpointNotFoundException(String message) {
		super(message);
	}

}
