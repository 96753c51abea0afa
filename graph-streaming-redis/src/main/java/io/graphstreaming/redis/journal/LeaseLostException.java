package io.graphstreaming.redis.journal;

/**
 * Another instance holds the lease of an execution this instance was writing: it took
 * the execution over, and this instance's run must stop without writing anything more.
 */
public class LeaseLostException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public LeaseLostException(String executionId, String detail) {
		super("Execution " + executionId + " is no longer this instance's: " + detail);
	}

}
