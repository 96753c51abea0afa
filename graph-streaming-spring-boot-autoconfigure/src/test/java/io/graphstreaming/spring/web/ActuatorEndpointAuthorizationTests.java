package io.graphstreaming.spring.web;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.spring.actuate.GraphStreamingEndpoint;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.web.HttpTestClient.Reply;
import io.graphstreaming.spring.web.testapp.SecuredTestApplication;

import static io.graphstreaming.spring.web.BasicAuthSocket.basic;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Actuator endpoint {@code /actuator/graphstreaming} over HTTP with Spring Security
 * and the default {@code GraphAuthorizer}: the listing shows each caller only the
 * executions it may read, a cancel needs the right to cancel (403 problem otherwise, 404
 * for an unknown execution). The security chain lets everyone reach {@code /actuator/**}
 * here (HTTP Basic when credentials are sent, anonymous otherwise), so that the
 * authorizer alone decides. Users: {@code alice}, {@code bob} (role USER), {@code admin}
 * (role GRAPH_ADMIN).
 */
@SpringBootTest(classes = SecuredTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=graphstreaming")
@Import(ActuatorEndpointAuthorizationTests.ActuatorOpenToEveryone.class)
class ActuatorEndpointAuthorizationTests {

	private static final String ENDPOINT = "/actuator/graphstreaming";

	@LocalServerPort
	int port;

	@Autowired
	GraphRegistry registry;

	private final JsonMapper json = new JsonMapper();

	private final String holdKey = "key-" + UUID.randomUUID();

	private HttpTestClient client;

	@BeforeEach
	void createClient() {
		this.client = new HttpTestClient(this.port);
		SecuredTestApplication.HELD.add(this.holdKey);
	}

	@AfterEach
	void release() {
		SecuredTestApplication.HELD.remove(this.holdKey);
		this.registry.executions().cancelAll("test over");
	}

	@Test
	void listingShowsEachCallerOnlyTheExecutionsItMayRead() {
		String alices = startHeld("alice");
		String bobs = startHeld("bob");

		assertThat(listedIds(null)).doesNotContain(alices, bobs);
		assertThat(listedIds("alice")).contains(alices).doesNotContain(bobs);
		assertThat(listedIds("bob")).contains(bobs).doesNotContain(alices);
		assertThat(listedIds("admin")).contains(alices, bobs);
	}

	@Test
	void listingStillDescribesTheGraphs() {
		Reply reply = this.client.get(ENDPOINT, basic("bob"));

		assertThat(reply.status()).isEqualTo(200);
		assertThat(this.json.readTree(reply.body()).path("graphs").findValuesAsString("id")).contains("demo", "held");
	}

	@Test
	void cancelIsRefusedWith403ToAnonymousAndToAnotherUser() {
		String alices = startHeld("alice");

		assertForbidden(cancel(alices, null), "CANCEL", alices);
		assertForbidden(cancel(alices, "bob"), "CANCEL", alices);
		assertThat(this.registry.execution("held", alices).status()).isEqualTo(ExecutionStatus.RUNNING);
	}

	@Test
	void cancelIsAllowedToTheOwnerAndTheAdminRole() {
		String first = startHeld("alice");
		String second = startHeld("alice");

		Reply byOwner = cancel(first, "alice");
		Reply byAdmin = cancel(second, "admin");

		for (Reply reply : List.of(byOwner, byAdmin)) {
			assertThat(reply.status()).as(reply.body()).isEqualTo(200);
			assertThat(this.json.readTree(reply.body()).path("status").asString()).isEqualTo("cancelled");
		}
		for (String executionId : List.of(first, second)) {
			GraphExecution execution = this.registry.execution("held", executionId);
			assertThat(execution.result().block(HttpTestClient.TIMEOUT).errorMessage())
				.isEqualTo(GraphStreamingEndpoint.CANCEL_REASON);
		}
	}

	@Test
	void cancelOfAnUnknownExecutionIs404WhoeverAsks() {
		for (String user : new String[] { null, "alice", "admin" }) {
			assertThat(cancel(UUID.randomUUID().toString(), user).status()).isEqualTo(404);
		}
	}

	@Test
	void oneExecutionsReportIsReadByOwnerAndAdminOnly() {
		String alices = startHeld("alice");
		String path = ENDPOINT + "/" + alices;

		assertForbidden(this.client.get(path), "READ", alices);
		assertForbidden(this.client.get(path, basic("bob")), "READ", alices);
		for (String user : List.of("alice", "admin")) {
			Reply reply = this.client.get(path, basic(user));
			assertThat(reply.status()).isEqualTo(200);
			assertThat(this.json.readTree(reply.body()).path("executionId").asString()).isEqualTo(alices);
		}
	}

	private String startHeld(String owner) {
		return this.registry.start("held", Map.of("holdKey", this.holdKey), owner).executionId();
	}

	private List<String> listedIds(@Nullable String user) {
		Reply reply = this.client.get(ENDPOINT, (user != null) ? basic(user) : Map.of());
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		return this.json.readTree(reply.body()).path("activeExecutions").findValuesAsString("executionId");
	}

	private Reply cancel(String executionId, @Nullable String user) {
		return this.client.exchange("POST", ENDPOINT + "/" + executionId, (user != null) ? basic(user) : Map.of(), null)
			.block(HttpTestClient.TIMEOUT);
	}

	private void assertForbidden(Reply reply, String operation, String executionId) {
		assertThat(reply.status()).as(reply.body()).isEqualTo(403);
		assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
		JsonNode problem = this.json.readTree(reply.body());
		assertThat(problem.path("type").asString()).isEqualTo("about:blank");
		assertThat(problem.path("title").asString()).isEqualTo("Forbidden");
		assertThat(problem.path("status").asInt()).isEqualTo(403);
		assertThat(problem.path("detail").asString())
			.isEqualTo("Not allowed to " + operation + " execution '" + executionId + "' of graph 'held'");
	}

	/**
	 * Lets every caller reach the Actuator endpoints, authenticated with HTTP Basic when it
	 * sends credentials, so that what a caller sees and cancels is the authorizer's
	 * decision alone.
	 */
	@Configuration(proxyBeanMethods = false)
	static class ActuatorOpenToEveryone {

		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		SecurityWebFilterChain actuatorSecurityWebFilterChain(ServerHttpSecurity http) {
			return http.securityMatcher(ServerWebExchangeMatchers.pathMatchers("/actuator/**"))
				.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
				.httpBasic(Customizer.withDefaults())
				.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.build();
		}

	}

}
