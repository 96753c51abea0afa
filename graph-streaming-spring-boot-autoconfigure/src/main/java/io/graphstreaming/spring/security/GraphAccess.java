package io.graphstreaming.spring.security;

import java.security.Principal;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.execution.GraphExecution;

/**
 * One request to act on a graph, as a {@link GraphAuthorizer} sees it.
 *
 * @param operation what the caller wants to do
 * @param graphId the graph
 * @param principal the authenticated caller, or {@code null} for an anonymous one (no
 * Spring Security, or a security chain that lets anonymous callers through)
 * @param execution the execution a {@link GraphOperation#READ} or
 * {@link GraphOperation#CANCEL} concerns; {@code null} for the other operations
 */
public record GraphAccess(GraphOperation operation, String graphId, @Nullable Principal principal,
		@Nullable Execution execution) {

	/**
	 * Checks the arguments.
	 * @throws IllegalArgumentException if an execution-scoped operation has no execution
	 */
	public GraphAccess {
		Objects.requireNonNull(operation, "operation");
		Objects.requireNonNull(graphId, "graphId");
		if (operation.isExecutionScoped() && execution == null) {
			throw new IllegalArgumentException(operation + " needs the execution it concerns");
		}
	}

	/**
	 * An operation on a graph as a whole ({@link GraphOperation#DESCRIBE},
	 * {@link GraphOperation#EXECUTE}).
	 * @param operation the operation
	 * @param graphId the graph
	 * @param principal the caller, or {@code null}
	 * @return the access
	 */
	public static GraphAccess toGraph(GraphOperation operation, String graphId, @Nullable Principal principal) {
		return new GraphAccess(operation, graphId, principal, null);
	}

	/**
	 * An operation on an execution the registry knows.
	 * @param operation the operation
	 * @param execution the execution
	 * @param principal the caller, or {@code null}
	 * @return the access
	 */
	public static GraphAccess toExecution(GraphOperation operation, GraphExecution execution,
			@Nullable Principal principal) {
		return new GraphAccess(operation, execution.graphId(), principal,
				new Execution(execution.executionId(), execution.owner(), true));
	}

	/**
	 * The name of the caller as an execution records its owner: the principal's name,
	 * {@code null} for an anonymous caller (see {@link GraphPrincipals#name}).
	 * @return the name, or {@code null}
	 */
	public @Nullable String principalName() {
		return GraphPrincipals.name(this.principal);
	}

	/**
	 * The execution an access concerns, with its owner.
	 *
	 * @param executionId the execution's id
	 * @param owner the name of the principal that started it, or {@code null} when it was
	 * started anonymously (or when {@code known} is false)
	 * @param known whether the registry still knows the execution; {@code false} when only
	 * its checkpoints remain (its retention passed, or the application restarted), so its
	 * owner is no longer known
	 */
	public record Execution(String executionId, @Nullable String owner, boolean known) {

		/**
		 * Checks the arguments.
		 */
		public Execution {
			Objects.requireNonNull(executionId, "executionId");
		}

	}

}
