package io.graphstreaming.spring.security;

import java.security.Principal;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The default rule: whoever the application's security chain lets through may list and
 * describe graphs and start executions; an execution is read and cancelled only by the
 * principal that started it, or by a principal with the admin role.
 *
 * <p>In detail, {@link GraphOperation#READ} and {@link GraphOperation#CANCEL} are allowed
 * <ul>
 * <li>to a principal with the admin role ({@code graph.streaming.security.admin-role},
 * see {@link GraphPrincipals#hasRole});</li>
 * <li>for an execution with no owner (started anonymously, for example without Spring
 * Security), to anyone;</li>
 * <li>for an execution with an owner, to the principal of that name;</li>
 * <li>for an execution the registry no longer knows (only its checkpoints remain, so its
 * owner is unknown), to anonymous callers only: an application that lets anonymous
 * callers reach the endpoints has executions everyone may read anyway, while an
 * application that authenticates every caller keeps such checkpoints to the admin
 * role.</li>
 * </ul>
 * Without Spring Security every caller is anonymous and every execution has no owner, so
 * everything is allowed, as before authorization existed.
 */
public class DefaultGraphAuthorizer implements GraphAuthorizer {

	private final String adminRole;

	/**
	 * Creates the rule.
	 * @param adminRole the role that may read and cancel every execution, such as
	 * {@code GRAPH_ADMIN}; empty for none
	 */
	public DefaultGraphAuthorizer(String adminRole) {
		this.adminRole = Objects.requireNonNull(adminRole, "adminRole");
	}

	/**
	 * The role that may read and cancel every execution.
	 * @return the role, empty for none
	 */
	public String adminRole() {
		return this.adminRole;
	}

	@Override
	public Mono<Boolean> authorize(GraphAccess access) {
		return Mono.just(isAllowed(access));
	}

	/**
	 * The decision, synchronously.
	 * @param access the access
	 * @return whether it is allowed
	 */
	public boolean isAllowed(GraphAccess access) {
		if (!access.operation().isExecutionScoped()) {
			return true;
		}
		GraphAccess.Execution execution = Objects.requireNonNull(access.execution());
		Principal principal = access.principal();
		if (GraphPrincipals.hasRole(principal, this.adminRole)) {
			return true;
		}
		@Nullable String caller = GraphPrincipals.name(principal);
		if (!execution.known()) {
			return caller == null;
		}
		String owner = execution.owner();
		return owner == null || owner.equals(caller);
	}

}
