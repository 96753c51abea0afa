package io.graphstreaming.spring.security;

import java.util.Objects;

/**
 * A {@link GraphAuthorizer} refused an access: the HTTP transports answer 403 with the
 * message as the problem's {@code detail}, the WebSocket an error message with status
 * 403. The message names the operation, the graph and the execution, never the rule.
 */
public class GraphAccessDeniedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient GraphAccess access;

	/**
	 * Creates the exception.
	 * @param access the access refused
	 */
	public GraphAccessDeniedException(GraphAccess access) {
		super(message(Objects.requireNonNull(access, "access")));
		this.access = access;
	}

	/**
	 * The access refused.
	 * @return the access
	 */
	public GraphAccess access() {
		return this.access;
	}

	private static String message(GraphAccess access) {
		GraphAccess.Execution execution = access.execution();
		String target = (execution != null)
				? "execution '" + execution.executionId() + "' of graph '" + access.graphId() + "'"
				: "graph '" + access.graphId() + "'";
		return "Not allowed to " + access.operation() + " " + target;
	}

}
