package io.graphstreaming.spring.security;

import java.security.Principal;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The default rule, operation by operation, and how principals are named and their
 * roles read.
 */
class DefaultGraphAuthorizerTests {

	private final DefaultGraphAuthorizer authorizer = new DefaultGraphAuthorizer("GRAPH_ADMIN");

	private static final Principal ALICE = user("alice", "ROLE_USER");

	private static final Principal BOB = user("bob", "ROLE_USER");

	private static final Principal ADMIN = user("root", "ROLE_GRAPH_ADMIN");

	@Test
	void describeAndExecuteAreAllowedToEveryCaller() {
		for (GraphOperation operation : List.of(GraphOperation.DESCRIBE, GraphOperation.EXECUTE)) {
			for (Principal principal : new Principal[] { null, ALICE, BOB, ADMIN }) {
				assertThat(allowed(GraphAccess.toGraph(operation, "demo", principal))).isTrue();
			}
		}
	}

	@Test
	void readAndCancelAreAllowedToTheOwnerAndTheAdminRoleOnly() {
		for (GraphOperation operation : List.of(GraphOperation.READ, GraphOperation.CANCEL)) {
			assertThat(allowed(access(operation, ALICE, "alice", true))).isTrue();
			assertThat(allowed(access(operation, ADMIN, "alice", true))).isTrue();
			assertThat(allowed(access(operation, BOB, "alice", true))).isFalse();
			assertThat(allowed(access(operation, null, "alice", true))).isFalse();
		}
	}

	@Test
	void executionWithoutOwnerIsOpenToEveryone() {
		for (Principal principal : new Principal[] { null, ALICE, ADMIN }) {
			assertThat(allowed(access(GraphOperation.READ, principal, null, true))).isTrue();
			assertThat(allowed(access(GraphOperation.CANCEL, principal, null, true))).isTrue();
		}
	}

	@Test
	void executionWithUnknownOwnerIsOpenToAdminsAndAnonymousCallersOnly() {
		assertThat(allowed(access(GraphOperation.READ, ADMIN, null, false))).isTrue();
		assertThat(allowed(access(GraphOperation.READ, null, null, false))).isTrue();
		assertThat(allowed(access(GraphOperation.READ, ALICE, null, false))).isFalse();
	}

	@Test
	void emptyAdminRoleMakesNobodyAdmin() {
		DefaultGraphAuthorizer noAdmin = new DefaultGraphAuthorizer("");

		assertThat(noAdmin.isAllowed(access(GraphOperation.CANCEL, ADMIN, "alice", true))).isFalse();
		assertThat(noAdmin.isAllowed(access(GraphOperation.CANCEL, ALICE, "alice", true))).isTrue();
	}

	@Test
	void authorizeAnswersTheSameDecisionAsAMono() {
		StepVerifier.create(this.authorizer.authorize(access(GraphOperation.READ, BOB, "alice", true)))
			.expectNext(false)
			.verifyComplete();
		StepVerifier.create(this.authorizer.authorize(access(GraphOperation.READ, ALICE, "alice", true)))
			.expectNext(true)
			.verifyComplete();
	}

	@Test
	void springSecuritysAnonymousUserIsNotAnOwner() {
		Principal anonymous = new AnonymousAuthenticationToken("key", "anonymousUser",
				AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"));

		assertThat(GraphPrincipals.name(anonymous)).isNull();
		assertThat(allowed(access(GraphOperation.READ, anonymous, "anonymousUser", true))).isFalse();
		assertThat(allowed(access(GraphOperation.READ, anonymous, null, true))).isTrue();
	}

	@Test
	void unauthenticatedTokenAndBlankNameAreAnonymous() {
		TestingAuthenticationToken unauthenticated = new TestingAuthenticationToken("alice", "pw", "ROLE_GRAPH_ADMIN");
		unauthenticated.setAuthenticated(false);

		assertThat(GraphPrincipals.name(unauthenticated)).isNull();
		assertThat(GraphPrincipals.hasRole(unauthenticated, "GRAPH_ADMIN")).isFalse();
		assertThat(GraphPrincipals.name(() -> " ")).isNull();
		assertThat(GraphPrincipals.name(null)).isNull();
	}

	@Test
	void roleMatchesTheAuthorityWithOrWithoutItsPrefix() {
		assertThat(GraphPrincipals.hasRole(user("a", "ROLE_GRAPH_ADMIN"), "GRAPH_ADMIN")).isTrue();
		assertThat(GraphPrincipals.hasRole(user("a", "GRAPH_ADMIN"), "GRAPH_ADMIN")).isTrue();
		assertThat(GraphPrincipals.hasRole(user("a", "ROLE_GRAPH_ADMIN"), "ROLE_GRAPH_ADMIN")).isTrue();
		assertThat(GraphPrincipals.hasRole(user("a", "ROLE_USER"), "GRAPH_ADMIN")).isFalse();
		assertThat(GraphPrincipals.hasRole(user("a", "ROLE_GRAPH_ADMIN"), "")).isFalse();
		assertThat(GraphPrincipals.hasRole(null, "GRAPH_ADMIN")).isFalse();
	}

	@Test
	void principalThatIsNoAuthenticationHasANameButNoRoles() {
		Principal plain = () -> "alice";

		assertThat(GraphPrincipals.name(plain)).isEqualTo("alice");
		assertThat(GraphPrincipals.hasRole(plain, "GRAPH_ADMIN")).isFalse();
		assertThat(allowed(access(GraphOperation.READ, plain, "alice", true))).isTrue();
	}

	@Test
	void executionScopedOperationNeedsTheExecution() {
		assertThatIllegalArgumentException().isThrownBy(() -> GraphAccess.toGraph(GraphOperation.READ, "demo", ALICE))
			.withMessage("READ needs the execution it concerns");
		assertThatIllegalArgumentException().isThrownBy(() -> GraphAccess.toGraph(GraphOperation.CANCEL, "demo", ALICE));
	}

	@Test
	void emptyAnswerOfAnAuthorizerIsARefusalNamingOperationGraphAndExecution() {
		GraphAccessControl control = new GraphAccessControl((access) -> reactor.core.publisher.Mono.empty());
		GraphAccess access = access(GraphOperation.CANCEL, ALICE, "alice", true);

		StepVerifier.create(control.require(access))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(GraphAccessDeniedException.class)
				.hasMessage("Not allowed to CANCEL execution 'e-1' of graph 'demo'"))
			.verify();
		StepVerifier.create(control.require(GraphAccess.toGraph(GraphOperation.EXECUTE, "demo", ALICE)))
			.expectErrorMessage("Not allowed to EXECUTE graph 'demo'")
			.verify();
		StepVerifier.create(GraphAccessControl.permitAll().require(access)).verifyComplete();
	}

	private boolean allowed(GraphAccess access) {
		return this.authorizer.isAllowed(access);
	}

	private static GraphAccess access(GraphOperation operation, @Nullable Principal principal, @Nullable String owner,
			boolean known) {
		return new GraphAccess(operation, "demo", principal, new GraphAccess.Execution("e-1", owner, known));
	}

	private static Principal user(String name, String... authorities) {
		return UsernamePasswordAuthenticationToken.authenticated(name, "pw",
				AuthorityUtils.createAuthorityList(authorities));
	}

}
