package io.graphstreaming.sample;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * The {@code secured} profile ({@code --spring.profiles.active=secured}): HTTP Basic for
 * every endpoint, with three demo users. The application's chain decides who gets in
 * (401 without credentials); the starter's {@code GraphAuthorizer} then decides per graph
 * and operation (403): any user lists, describes and executes graphs, an execution is
 * read and cancelled by the user who started it or by {@code admin} (role
 * {@code GRAPH_ADMIN}, {@code graph.streaming.security.admin-role}).
 *
 * <p>Actuator: {@code /actuator/health} is public (for load balancers and probes),
 * {@code /actuator/prometheus} needs any user (a scraper with {@code basic_auth}), and the
 * other endpoints, among them {@code graphstreaming}, which cancels executions, need
 * {@code GRAPH_ADMIN}: Actuator endpoints are not covered by the {@code GraphAuthorizer}.
 *
 * <p>CSRF protection is off: the clients of this API are scripts, curl and the
 * same-origin dashboard, authenticated per request with a header, not with a session
 * cookie. The passwords are stored as plain text ({@code {noop}}) because they are
 * published demo passwords; a real application keeps hashed passwords, or uses OAuth2.
 */
@Configuration(proxyBeanMethods = false)
@Profile("secured")
class SecuredProfileConfiguration {

	/** The role of {@code admin}, the one {@code graph.streaming.security.admin-role} names. */
	static final String ADMIN_ROLE = "GRAPH_ADMIN";

	@Bean
	SecurityWebFilterChain graphStreamingSecurity(ServerHttpSecurity http) {
		return http
			.authorizeExchange((exchanges) -> exchanges.pathMatchers("/actuator/health", "/actuator/health/**")
				.permitAll()
				.pathMatchers("/actuator/prometheus")
				.authenticated()
				.pathMatchers("/actuator/**")
				.hasRole(ADMIN_ROLE)
				.anyExchange()
				.authenticated())
			.httpBasic(Customizer.withDefaults())
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.build();
	}

	@Bean
	MapReactiveUserDetailsService graphStreamingUsers() {
		return new MapReactiveUserDetailsService(user("alice", "USER"), user("bob", "USER"), user("admin", ADMIN_ROLE));
	}

	private static UserDetails user(String name, String role) {
		return User.withUsername(name).password("{noop}" + name + "-pw").roles(role).build();
	}

}
