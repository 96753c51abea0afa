package io.graphstreaming.spring.web;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.graph.GraphDescription;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.spring.registry.DisconnectPolicy;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.web.http.GraphHttpHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GraphStreamingRouter}.
 */
class GraphStreamingRouterTests {

	private final JsonMapper mapper = new JsonMapper();

	@Test
	void unexpectedErrorIsAGenericInternalErrorWithoutItsText() {
		GraphRegistry failing = new GraphRegistry(List.of(), (graphId) -> StreamingExecutionOptions.defaults(),
				new ExecutionRegistry(10, Duration.ofSeconds(1), Clock.systemUTC()), DisconnectPolicy.CONTINUE) {
			@Override
			public List<GraphDescription> describeAll() {
				throw new IllegalStateException("secret internals");
			}
		};
		WebTestClient client = client(failing, "/graphs");
		String body = client.get()
			.uri("/graphs")
			.exchange()
			.expectStatus()
			.isEqualTo(500)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(body).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500,"
				+ "\"detail\":\"Internal error\",\"instance\":\"/graphs\"}");
	}

	@Test
	void basePathIsNormalized() {
		assertThat(GraphStreamingRouter.normalize("/graphs")).isEqualTo("/graphs");
		assertThat(GraphStreamingRouter.normalize("graphs/")).isEqualTo("/graphs");
		assertThat(GraphStreamingRouter.normalize(" /api/graphs// ")).isEqualTo("/api/graphs");
		assertThat(GraphStreamingRouter.normalize("/")).isEmpty();
	}

	@Test
	void rootBasePathServesTheListAtTheRoot() {
		GraphRegistry empty = new GraphRegistry(List.of(), (graphId) -> StreamingExecutionOptions.defaults(),
				new ExecutionRegistry(10, Duration.ofSeconds(1), Clock.systemUTC()), DisconnectPolicy.CONTINUE);
		client(empty, "/").get().uri("/").exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("[]");
		client(empty, "/").get()
			.uri("/nope")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("No graph 'nope'");
	}

	@Test
	void retryAfterIsWholeSecondsRoundedUp() {
		assertThat(ProblemResponses.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo(1);
		assertThat(ProblemResponses.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
		assertThat(ProblemResponses.retryAfterSeconds(Duration.ofMillis(2500))).isEqualTo(3);
		assertThat(ProblemResponses.retryAfterSeconds(Duration.ofSeconds(30))).isEqualTo(30);
	}

	private WebTestClient client(GraphRegistry registry, String basePath) {
		GraphInputReader reader = new GraphInputReader(this.mapper, 1024);
		return WebTestClient
			.bindToRouterFunction(GraphStreamingRouter.create(basePath, new GraphHttpHandler(registry, reader, this.mapper),
					null, null, new ProblemResponses(this.mapper, Duration.ofSeconds(1))))
			.build();
	}

}
