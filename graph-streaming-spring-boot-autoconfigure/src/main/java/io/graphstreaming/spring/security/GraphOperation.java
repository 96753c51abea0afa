package io.graphstreaming.spring.security;

/**
 * What a caller wants to do with a graph, as a {@link GraphAuthorizer} is asked about it.
 */
public enum GraphOperation {

	/**
	 * List and describe graphs: {@code GET {base}} (which lists only the graphs the caller
	 * may describe) and {@code GET {base}/{graphId}}.
	 */
	DESCRIBE,

	/**
	 * Start an execution: {@code execute}, {@code execute/stream}, {@code POST executions},
	 * a WebSocket {@code execute}, and resuming from a checkpoint (which is also a
	 * {@link #READ} of the execution that took it).
	 */
	EXECUTE,

	/**
	 * Read an execution: its status, its event stream (also reattaching with
	 * {@code Last-Event-ID}), its polled events, its checkpoints, a WebSocket
	 * {@code resume}; the executions list (and the Actuator endpoint's, over HTTP) shows
	 * only the executions the caller may read.
	 */
	READ,

	/**
	 * Cancel an execution: {@code DELETE}, a WebSocket {@code cancel} and a
	 * {@code POST} to the Actuator endpoint {@code graphstreaming/{executionId}}.
	 */
	CANCEL;

	/**
	 * Whether the operation concerns one execution, whose owner is then part of the
	 * {@link GraphAccess}.
	 * @return {@code true} for {@link #READ} and {@link #CANCEL}
	 */
	public boolean isExecutionScoped() {
		return this == READ || this == CANCEL;
	}

}
