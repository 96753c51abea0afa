package io.graphstreaming.sample;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.execution.ExecutionResult;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.spring.registry.GraphRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample started with {@code --spring.profiles.active=secured}: HTTP Basic users
 * {@code alice}, {@code bob} and {@code admin} (passwords {@code <name>-pw}), executions
 * read and cancelled by their owner or the admin role only, Actuator health public.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("secured")
@AutoConfigureMetrics
class SecuredProfileTests {

	/** A synthetic run that goes on for hours unless cancelled. */
	private static final String LONG_RUN = "{\"input\":{\"nodes\":1000,\"delayMs\":60000}}";

	@LocalServerPort
	int port;

	@Autowired
	GraphRegistry registry;

	private final JsonMapper json = JsonMapper.builder().build();

	private SampleHttp http;

	@BeforeEach
	void createClient() {
		this.http = new SampleHttp(this.port);
	}

	@AfterEach
	void cancelEverything() {
		this.registry.executions().cancelAll("test over");
	}

	@Test
	void anonymousCallerGets401ButHealthStaysPublic() {
		HttpResponse<String> graphs = this.http.get("/graphs");

		assertThat(graphs.statusCode()).isEqualTo(401);
		assertThat(graphs.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
				(challenge) -> assertThat(challenge).startsWith("Basic"));
		assertThat(this.http.get("/graph-dashboard").statusCode()).isEqualTo(401);
		assertThat(this.http.get("/actuator/health").statusCode()).isEqualTo(200);
		assertThat(this.http.get("/actuator/prometheus").statusCode()).isEqualTo(401);
	}

	@Test
	void usersReachTheGraphsAndPrometheusOnlyAdminReachesOtherActuatorEndpoints() {
		assertThat(this.http.get("/graphs", basic("alice")).statusCode()).isEqualTo(200);
		assertThat(this.http.get("/actuator/prometheus", basic("alice")).statusCode()).isEqualTo(200);
		assertThat(this.http.get("/actuator/graphstreaming", basic("alice")).statusCode()).isEqualTo(403);
		assertThat(this.http.get("/actuator/graphstreaming", basic("admin")).statusCode()).isEqualTo(200);
	}

	@Test
	void aliceCannotCancelBobsExecutionButAdminCan() {
		String executionId = start("bob");
		String path = "/graphs/synthetic/executions/" + executionId;

		HttpResponse<String> refused = this.http.delete(path, basic("alice"));

		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(this.json.readTree(refused.body()).path("detail").asString())
			.isEqualTo("Not allowed to CANCEL execution '" + executionId + "' of graph 'synthetic'");
		assertThat(this.http.get(path, basic("alice")).statusCode()).isEqualTo(403);
		assertThat(this.registry.execution("synthetic", executionId).status()).isEqualTo(ExecutionStatus.RUNNING);

		assertThat(this.http.delete(path, basic("admin")).statusCode()).isEqualTo(202);

		ExecutionResult result = this.registry.execution("synthetic", executionId).result().block(SampleHttp.TIMEOUT);
		assertThat(result.status()).isEqualTo(ExecutionStatus.CANCELLED);
		JsonNode status = this.json.readTree(this.http.get(path, basic("bob")).body());
		assertThat(status.path("status").asString()).isEqualTo("cancelled");
		assertThat(status.path("owner").asString()).isEqualTo("bob");
	}

	@Test
	void ownerCancelsTheirOwnExecution() {
		String executionId = start("alice");

		assertThat(this.http.delete("/graphs/synthetic/executions/" + executionId, basic("alice")).statusCode())
			.isEqualTo(202);
		assertThat(this.registry.execution("synthetic", executionId).result().block(SampleHttp.TIMEOUT).status())
			.isEqualTo(ExecutionStatus.CANCELLED);
	}

	@Test
	void executionsListShowsEachUserTheirOwn() {
		String alices = start("alice");
		String bobs = start("bob");

		assertThat(listed("alice")).contains(alices).doesNotContain(bobs);
		assertThat(listed("admin")).contains(alices, bobs);
	}

	private String start(String user) {
		HttpResponse<String> started = this.http.post("/graphs/synthetic/executions", LONG_RUN, basic(user));
		assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
		return this.json.readTree(started.body()).path("executionId").asString();
	}

	private List<String> listed(String user) {
		HttpResponse<String> list = this.http.get("/graphs/executions", basic(user));
		assertThat(list.statusCode()).isEqualTo(200);
		return this.json.readTree(list.body()).findValuesAsString("executionId");
	}

	private static String[] basic(String user) {
		String credentials = user + ":" + user + "-pw";
		return new String[] { "Authorization",
				"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)) };
	}

}
