package io.graphstreaming.core.journal;

/**
 * Ends a consumer's stream under the {@code fail} overflow policy when the consumer falls
 * more than {@code maxBufferSize} events behind. The execution itself goes on.
 */
public class BufferOverflowException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param executionId the execution
	 * @param maxBufferSize the limit that was passed
	 */
	public BufferOverflowException(String executionId, int maxBufferSize) {
		super("Consumer of execution " + executionId + " fell more than " + maxBufferSize
				+ " events behind (overflow policy 'fail')");
	}

}
