package io.graphstreaming.spring.web.testapp;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;

/**
 * The application the authorization tests run: the starter's auto-configuration behind a
 * Spring Security chain that requires HTTP Basic authentication for every request, the
 * users {@code alice} and {@code bob} (role {@code USER}) and {@code admin} (role
 * {@code GRAPH_ADMIN}), each with the password {@code <name>-pw}, and two graphs:
 * {@code demo} ({@code greet -> finish}, at once) and {@code held}
 * ({@code fetch -> hold -> finish}; {@code hold} never ends while its input
 * {@code holdKey} is in {@link #HELD}, so an execution stays running until cancelled).
 *
 * <p>Only Spring Security's libraries are on this module's test classpath, not Boot's
 * security auto-configuration, hence {@code @EnableWebFluxSecurity} here.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableWebFluxSecurity
public class SecuredTestApplication {

	/** The graph that completes at once. */
	public static final String DEMO = "demo";

	/** The graph whose executions wait in {@code hold}. */
	public static final String HELD_GRAPH = "held";

	/** Hold keys whose runs block in {@code hold}. */
	public static final Set<String> HELD = ConcurrentHashMap.newKeySet();

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
		return http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated())
			.httpBasic(Customizer.withDefaults())
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.build();
	}

	@Bean
	MapReactiveUserDetailsService users() {
		return new MapReactiveUserDetailsService(user("alice", "USER"), user("bob", "USER"),
				user("admin", "GRAPH_ADMIN"));
	}

	private static org.springframework.security.core.userdetails.UserDetails user(String name, String role) {
		return User.withUsername(name).password("{noop}" + name + "-pw").roles(role).build();
	}

	@Bean
	StreamingGraphExecutor demoGraph() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(DEMO, "Greets at once");
		executor.addNode(GraphNode.of("greet", (state, context) -> Map.of("greeting", "Hello")).nonBlocking());
		executor.addNode(GraphNode.of("finish", (state, context) -> Map.of("done", true)).nonBlocking());
		executor.connect("greet", "finish");
		executor.setStartNode("greet");
		return executor;
	}

	@Bean
	StreamingGraphExecutor heldGraph() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(HELD_GRAPH, "Waits in hold while its key is held");
		executor.addNode(GraphNode.of("fetch", (state, context) -> Map.of("fetched", true)).nonBlocking());
		executor.addNode(GraphNode.async("hold", (state, context) -> {
			Object key = state.get("holdKey");
			return (key != null && HELD.contains(key)) ? Mono.never() : Mono.just(Map.of("released", true));
		}));
		executor.addNode(GraphNode.of("finish", (state, context) -> Map.of("done", true)).nonBlocking());
		executor.connect("fetch", "hold");
		executor.connect("hold", "finish");
		executor.setStartNode("fetch");
		return executor;
	}

}
