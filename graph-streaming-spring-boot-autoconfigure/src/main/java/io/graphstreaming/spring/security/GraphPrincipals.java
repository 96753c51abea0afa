package io.graphstreaming.spring.security;

import java.security.Principal;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.util.ClassUtils;

/**
 * What the default rule needs to know of a principal: the name an execution records as
 * its owner, and whether it holds a role. Roles are read from a Spring Security
 * {@code Authentication}'s authorities when Spring Security is on the classpath; any
 * other principal has none.
 */
public final class GraphPrincipals {

	private static final boolean SPRING_SECURITY_PRESENT = ClassUtils
		.isPresent("org.springframework.security.core.Authentication", GraphPrincipals.class.getClassLoader());

	private static final String ROLE_PREFIX = "ROLE_";

	private GraphPrincipals() {
	}

	/**
	 * The caller's name as an owner: the principal's name; {@code null} for no principal,
	 * a blank name, Spring Security's anonymous authentication and an authentication that
	 * is not authenticated, so that anonymous callers never share an identity.
	 * @param principal the principal, or {@code null}
	 * @return the name, or {@code null} for an anonymous caller
	 */
	public static @Nullable String name(@Nullable Principal principal) {
		if (principal == null || (SPRING_SECURITY_PRESENT && SpringSecurity.isAnonymous(principal))) {
			return null;
		}
		String name = principal.getName();
		return (name == null || name.isBlank()) ? null : name;
	}

	/**
	 * Whether the principal holds a role: a Spring Security authority
	 * {@code ROLE_<role>} or {@code <role>} (a role given with its {@code ROLE_} prefix
	 * matches that authority only).
	 * @param principal the principal, or {@code null}
	 * @param role the role, such as {@code GRAPH_ADMIN}; empty matches nothing
	 * @return whether it holds the role; {@code false} without Spring Security
	 */
	public static boolean hasRole(@Nullable Principal principal, String role) {
		Objects.requireNonNull(role, "role");
		if (principal == null || role.isEmpty() || !SPRING_SECURITY_PRESENT || name(principal) == null) {
			return false;
		}
		String prefixed = role.startsWith(ROLE_PREFIX) ? role : ROLE_PREFIX + role;
		return SpringSecurity.hasAuthority(principal, role, prefixed);
	}

	/**
	 * Kept apart so that Spring Security's classes load only when it is present.
	 */
	private static final class SpringSecurity {

		static boolean isAnonymous(Principal principal) {
			return principal instanceof AnonymousAuthenticationToken
					|| (principal instanceof Authentication authentication && !authentication.isAuthenticated());
		}

		static boolean hasAuthority(Principal principal, String first, String second) {
			if (!(principal instanceof Authentication authentication)) {
				return false;
			}
			for (GrantedAuthority authority : authentication.getAuthorities()) {
				String name = authority.getAuthority();
				if (first.equals(name) || second.equals(name)) {
					return true;
				}
			}
			return false;
		}

	}

}
