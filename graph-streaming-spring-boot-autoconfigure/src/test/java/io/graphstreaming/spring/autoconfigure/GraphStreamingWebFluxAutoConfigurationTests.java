package io.graphstreaming.spring.autoconfigure;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.metrics.TransportMetrics;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.web.GraphCorsWebFilter;
import io.graphstreaming.spring.web.GraphInputReader;
import io.graphstreaming.spring.web.ProblemResponses;
import io.graphstreaming.spring.web.StreamLimiter;
import io.graphstreaming.spring.web.http.GraphHttpHandler;
import io.graphstreaming.spring.web.polling.GraphPollingHandler;
import io.graphstreaming.spring.web.sse.GraphSseHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link GraphStreamingWebFluxAutoConfiguration}.
 */
class GraphStreamingWebFluxAutoConfigurationTests {

	private static final String ROUTER = "graphStreamingRouterFunction";

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class,
				GraphStreamingWebFluxAutoConfiguration.class))
		.withUserConfiguration(OneGraph.class);

	@Test
	void runShouldProvideEveryTransportBeanAndTheRoutes() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(StreamLimiter.class)
			.hasSingleBean(GraphInputReader.class)
			.hasSingleBean(ProblemResponses.class)
			.hasSingleBean(GraphHttpHandler.class)
			.hasSingleBean(GraphSseHandler.class)
			.hasSingleBean(GraphPollingHandler.class)
			.hasBean(ROUTER));
	}

	@Test
	void runWithoutCorsPropertiesShouldNotHaveCorsFilter() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(GraphCorsWebFilter.class));
	}

	@Test
	void runWithAllowedOriginsOrPatternsShouldHaveCorsFilter() {
		this.contextRunner.withPropertyValues("graph.streaming.web.cors.allowed-origins=https://app.example.com")
			.run((context) -> assertThat(context).hasSingleBean(GraphCorsWebFilter.class)
				.hasBean("graphStreamingCorsWebFilter"));
		this.contextRunner.withPropertyValues("graph.streaming.web.cors.allowed-origin-patterns[0]=https://*.example.org")
			.run((context) -> assertThat(context).hasSingleBean(GraphCorsWebFilter.class));
	}

	@Test
	void runWithCredentialsAndAnyOriginShouldFailNamingTheKey() {
		this.contextRunner
			.withPropertyValues("graph.streaming.web.cors.allowed-origins=*",
					"graph.streaming.web.cors.allow-credentials=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("graph.streaming.web.cors.allowed-origins"));
	}

	@Test
	void runWithCorsShouldAnswerPreflightsUnderTheBasePathOnly() {
		this.contextRunner.withPropertyValues("graph.streaming.web.cors.allowed-origins=https://app.example.com")
			.run((context) -> {
				WebTestClient client = WebTestClient
					.bindToRouterFunction((RouterFunction<ServerResponse>) context.getBean(ROUTER))
					.webFilter(context.getBean(GraphCorsWebFilter.class))
					.build();
				client.options()
					.uri("http://localhost/graphs/one/execute")
					.header("Origin", "https://app.example.com")
					.header("Access-Control-Request-Method", "POST")
					.exchange()
					.expectStatus()
					.isOk()
					.expectHeader()
					.valueEquals("Access-Control-Allow-Origin", "https://app.example.com");
				client.options()
					.uri("http://localhost/graphs/one/execute")
					.header("Origin", "https://other.example.com")
					.header("Access-Control-Request-Method", "POST")
					.exchange()
					.expectStatus()
					.isForbidden()
					.expectHeader()
					.contentType(MediaType.APPLICATION_PROBLEM_JSON);
				client.get()
					.uri("http://localhost/elsewhere")
					.header("Origin", "https://other.example.com")
					.exchange()
					.expectHeader()
					.doesNotExist("Access-Control-Allow-Origin")
					.expectStatus()
					.isNotFound();
			});
	}

	@Test
	void runShouldServeEveryRouteUnderTheDefaultBasePath() {
		this.contextRunner.run((context) -> {
			WebTestClient client = client(context);
			client.get().uri("/graphs").exchange().expectStatus().isOk();
			client.get().uri("/graphs/one").exchange().expectStatus().isOk();
			client.post().uri("/graphs/one/execute").exchange().expectStatus().isOk();
			client.post().uri("/graphs/one/execute/stream").exchange().expectStatus().isOk();
			client.get().uri("/graphs/one/execute/stream").exchange().expectStatus().isOk();
			client.post().uri("/graphs/one/executions").exchange().expectStatus().isAccepted();
		});
	}

	@Test
	void runInANonWebApplicationShouldNotProvideWebBeans() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
					GraphStreamingAutoConfiguration.class, GraphStreamingWebFluxAutoConfiguration.class))
			.withUserConfiguration(OneGraph.class)
			.run((context) -> assertThat(context).doesNotHaveBean(StreamLimiter.class)
				.doesNotHaveBean(GraphSseHandler.class)
				.doesNotHaveBean(ROUTER));
	}

	@Test
	void runWhenSseIsDisabledShouldNotHaveSseHandlerBeanNorRoutes() {
		this.contextRunner.withPropertyValues("graph.streaming.web.sse-enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(GraphSseHandler.class).hasSingleBean(GraphPollingHandler.class);
			WebTestClient client = client(context);
			client.post().uri("/graphs/one/execute/stream").exchange().expectStatus().isNotFound();
			client.post().uri("/graphs/one/executions").exchange().expectStatus().isAccepted();
		});
	}

	@Test
	void runWhenPollingIsDisabledShouldNotHavePollingHandlerBeanNorRoutes() {
		this.contextRunner.withPropertyValues("graph.streaming.web.polling-enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(GraphPollingHandler.class).hasSingleBean(GraphSseHandler.class);
			WebTestClient client = client(context);
			client.post().uri("/graphs/one/executions").exchange().expectStatus().isNotFound();
			client.post().uri("/graphs/one/execute/stream").exchange().expectStatus().isOk();
		});
	}

	@Test
	void runWithAUserSseHandlerShouldBackOffAndRouteToIt() {
		this.contextRunner.withUserConfiguration(UserSseHandler.class).run((context) -> {
			assertThat(context).hasSingleBean(GraphSseHandler.class);
			assertThat(context.getBean(GraphSseHandler.class)).isSameAs(context.getBean(UserSseHandler.class).handler);
			client(context).post().uri("/graphs/one/execute/stream").exchange().expectStatus().isOk();
		});
	}

	@Test
	void runWhenSseIsDisabledShouldLeaveOutRoutesEvenOfAUserSseHandler() {
		this.contextRunner.withPropertyValues("graph.streaming.web.sse-enabled=false")
			.withUserConfiguration(UserSseHandler.class)
			.run((context) -> client(context).post()
				.uri("/graphs/one/execute/stream")
				.exchange()
				.expectStatus()
				.isNotFound());
	}

	@Test
	void runShouldServeUnderTheConfiguredBasePath() {
		this.contextRunner.withPropertyValues("graph.streaming.web.base-path=/api/flows/").run((context) -> {
			WebTestClient client = client(context);
			client.get().uri("/api/flows").exchange().expectStatus().isOk();
			client.get().uri("/api/flows/one").exchange().expectStatus().isOk();
			client.get().uri("/graphs").exchange().expectStatus().isNotFound();
		});
	}

	@Test
	void runShouldMapStreamLimitPropertiesToTheLimiter() {
		this.contextRunner
			.withPropertyValues("graph.streaming.web.max-concurrent-streams=7", "graph.streaming.web.retry-after=5s")
			.run((context) -> {
				StreamLimiter limiter = context.getBean(StreamLimiter.class);
				assertThat(limiter.maxConcurrentStreams()).isEqualTo(7);
				StreamLimiter.Permit[] permits = new StreamLimiter.Permit[7];
				for (int i = 0; i < 7; i++) {
					permits[i] = limiter.acquire("sse");
				}
				client(context).post()
					.uri("/graphs/one/execute/stream")
					.exchange()
					.expectStatus()
					.isEqualTo(429)
					.expectHeader()
					.valueEquals("Retry-After", "5");
				for (StreamLimiter.Permit permit : permits) {
					permit.release();
				}
			});
	}

	@Test
	void runShouldMapMaxRequestBodyToTheInputReader() {
		this.contextRunner.withPropertyValues("graph.streaming.web.max-request-body=2KB").run((context) -> {
			assertThat(context.getBean(GraphInputReader.class).maxBodyBytes()).isEqualTo(2048);
			client(context).post()
				.uri("/graphs/one/execute")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"input\":{\"text\":\"" + "x".repeat(2100) + "\"}}")
				.exchange()
				.expectStatus()
				.isEqualTo(413)
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		});
	}

	@Test
	void runShouldMapPollMaxEventsAndLongPollMaxWaitToThePollingHandler() {
		this.contextRunner
			.withPropertyValues("graph.streaming.web.poll-max-events=2", "graph.streaming.web.long-poll-max-wait=50ms")
			.run((context) -> {
				WebTestClient client = client(context);
				String location = client.post()
					.uri("/graphs/one/executions")
					.exchange()
					.returnResult(String.class)
					.getResponseHeaders()
					.getFirst("Location");
				client.get()
					.uri(location + "/events?limit=100")
					.exchange()
					.expectBody()
					.jsonPath("$.events.length()")
					.isEqualTo(2)
					.jsonPath("$.next")
					.isEqualTo(2);
				String idle = client.post()
					.uri("/graphs/one/executions")
					.bodyValue("{\"input\":{\"wait\":true}}")
					.exchange()
					.returnResult(String.class)
					.getResponseHeaders()
					.getFirst("Location");
				// The run starts on another thread: wait for its first three events (it then
				// waits for ever) before asking for what comes after them.
				String idleId = idle.substring(idle.lastIndexOf('/') + 1);
				GraphRegistry graphs = context.getBean(GraphRegistry.class);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> graphs.execution("one", idleId).eventCount() >= 3);
				// Longer than 50 ms is refused, naming the maximum; 50 ms answers after the wait.
				client.get()
					.uri(idle + "/events?after=3&waitMs=51")
					.exchange()
					.expectStatus()
					.isBadRequest()
					.expectBody()
					.jsonPath("$.maxWaitMs")
					.isEqualTo(50);
				client.mutate()
					.responseTimeout(Duration.ofSeconds(5))
					.build()
					.get()
					.uri(idle + "/events?after=3&waitMs=50")
					.exchange()
					.expectBody(String.class)
					.isEqualTo("{\"events\":[],\"next\":3,\"completed\":false}");
				client.delete().uri(idle).exchange().expectStatus().isAccepted();
			});
	}

	@Test
	void runWithUserBeansShouldBackOff() {
		StreamLimiter limiter = new StreamLimiter(3, Duration.ofSeconds(9));
		RouterFunction<ServerResponse> router = RouterFunctions.route()
			.GET("/mine", (request) -> ServerResponse.ok().build())
			.build();
		this.contextRunner.withBean(StreamLimiter.class, () -> limiter)
			.withBean(ROUTER, RouterFunction.class, () -> router)
			.run((context) -> {
				assertThat(context.getBean(StreamLimiter.class)).isSameAs(limiter);
				assertThat(context.getBean(ROUTER)).isSameAs(router);
			});
	}

	@Test
	void runWithAnotherRouterFunctionShouldStillProvideTheGraphRoutes() {
		this.contextRunner
			.withBean("otherRoutes", RouterFunction.class,
					() -> RouterFunctions.route().GET("/other", (request) -> ServerResponse.ok().build()).build())
			.run((context) -> assertThat(context).hasBean(ROUTER).hasBean("otherRoutes"));
	}

	@SuppressWarnings("unchecked")
	private static WebTestClient client(AssertableReactiveWebApplicationContext context) {
		return WebTestClient.bindToRouterFunction((RouterFunction<ServerResponse>) context.getBean(ROUTER)).build();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserSseHandler {

		GraphSseHandler handler;

		@Bean
		GraphSseHandler userSseHandler(GraphRegistry registry, GraphEventJsonWriter jsonWriter,
				GraphInputReader inputReader, StreamLimiter limiter) {
			this.handler = new GraphSseHandler(registry, jsonWriter, inputReader, limiter, TransportMetrics.NONE);
			return this.handler;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OneGraph {

		@Bean
		StreamingGraphExecutor oneGraph() {
			StreamingGraphExecutor executor = new StreamingGraphExecutor("one", "A graph of one node");
			executor.addNode(GraphNode.async("only", (state, context) -> Boolean.TRUE.equals(state.get("wait"))
					? context.cancellation().then(reactor.core.publisher.Mono.just(Map.of()))
					: reactor.core.publisher.Mono.just(Map.of("done", true))));
			executor.setStartNode("only");
			return executor;
		}

	}

}
