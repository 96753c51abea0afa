package io.graphstreaming.spring.autoconfigure;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import reactor.core.publisher.Mono;

import io.graphstreaming.spring.web.ClientKeyResolver;
import io.graphstreaming.spring.web.ExecutionRateLimiter;
import io.graphstreaming.spring.web.GraphInputReader;
import io.graphstreaming.spring.web.InputLimits;
import io.graphstreaming.spring.web.StreamLimiter;
import io.graphstreaming.spring.web.websocket.GraphWebSocketHandler;
import io.graphstreaming.spring.web.websocket.GraphWebSocketHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limit properties reach the beans that enforce them, with their defaults when
 * unset, and the application's own {@link ClientKeyResolver} and
 * {@link ExecutionRateLimiter} replace the starter's everywhere.
 */
class LimitsAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class,
				GraphStreamingWebFluxAutoConfiguration.class, GraphStreamingWebSocketAutoConfiguration.class));

	@Test
	void runWithoutPropertiesShouldApplyTheDefaultLimits() {
		this.contextRunner.run((context) -> {
			StreamLimiter streams = context.getBean(StreamLimiter.class);
			assertThat(streams.maxConcurrentStreams()).isEqualTo(10_000);
			assertThat(streams.maxPerClient()).isEqualTo(1000);
			assertThat(context.getBean(ExecutionRateLimiter.class).perMinute()).isEqualTo(600);
			InputLimits limits = context.getBean(GraphInputReader.class).limits();
			assertThat(limits.maxDepth()).isEqualTo(32);
			assertThat(limits.maxElements()).isEqualTo(10_000);
			StreamLimiter sessions = sessionLimiter(context.getBean(GraphWebSocketHandlerMapping.class));
			assertThat(sessions.maxConcurrentStreams()).isEqualTo(5000);
			assertThat(sessions.maxPerClient()).isEqualTo(500);
			assertThat(context).hasSingleBean(ClientKeyResolver.class);
		});
	}

	@Test
	void runWithLimitPropertiesShouldConfigureTheBeansThatEnforceThem() {
		this.contextRunner
			.withPropertyValues("graph.streaming.web.max-concurrent-streams=40",
					"graph.streaming.web.max-concurrent-streams-per-client=4",
					"graph.streaming.web.max-executions-per-minute-per-client=9", "graph.streaming.web.max-input-depth=5",
					"graph.streaming.web.max-input-elements=50", "graph.streaming.web.websocket-max-sessions=30",
					"graph.streaming.web.websocket-max-sessions-per-client=3")
			.run((context) -> {
				StreamLimiter streams = context.getBean(StreamLimiter.class);
				assertThat(streams.maxConcurrentStreams()).isEqualTo(40);
				assertThat(streams.maxPerClient()).isEqualTo(4);
				ExecutionRateLimiter rate = context.getBean(ExecutionRateLimiter.class);
				assertThat(rate.perMinute()).isEqualTo(9);
				assertThat(context.getBean(GraphInputReader.class).limits().maxDepth()).isEqualTo(5);
				assertThat(context.getBean(GraphInputReader.class).limits().maxElements()).isEqualTo(50);
				GraphWebSocketHandlerMapping mapping = context.getBean(GraphWebSocketHandlerMapping.class);
				assertThat(sessionLimiter(mapping).maxConcurrentStreams()).isEqualTo(30);
				assertThat(sessionLimiter(mapping).maxPerClient()).isEqualTo(3);
				assertThat(ReflectionTestUtils.getField(mapping, "limiter")).isSameAs(streams);
				GraphWebSocketHandler handler = context.getBean(GraphWebSocketHandler.class);
				assertThat(ReflectionTestUtils.getField(handler, "rateLimiter")).isSameAs(rate);
			});
	}

	@Test
	void runWithUserLimitBeansShouldUseThemForHttpAndWebSocket() {
		this.contextRunner.withUserConfiguration(UserLimits.class).run((context) -> {
			assertThat(context).hasSingleBean(ClientKeyResolver.class).hasSingleBean(ExecutionRateLimiter.class);
			assertThat(context.getBean(ExecutionRateLimiter.class).perMinute()).isEqualTo(7);
			GraphWebSocketHandlerMapping mapping = context.getBean(GraphWebSocketHandlerMapping.class);
			assertThat(ReflectionTestUtils.getField(mapping, "clientKeys")).isSameAs(UserLimits.KEYS);
			assertThat(ReflectionTestUtils.getField(context.getBean(GraphWebSocketHandler.class), "rateLimiter"))
				.isSameAs(context.getBean(ExecutionRateLimiter.class));
		});
	}

	@Test
	void runWithUserClientKeyResolverShouldKeyHttpRequestsByIt() {
		this.contextRunner.withUserConfiguration(GraphStreamingAutoConfigurationTests.GraphsConfiguration.class)
			.withBean(ClientKeyResolver.class,
					() -> (exchange) -> Mono.justOrEmpty(exchange.getRequest().getHeaders().getFirst("X-Tenant")))
			.withPropertyValues("graph.streaming.web.max-executions-per-minute-per-client=1")
			.run((context) -> {
				WebTestClient client = WebTestClient
					.bindToRouterFunction(context.getBean("graphStreamingRouterFunction", RouterFunction.class))
					.build();
				assertThat(execute(client, "a")).isEqualTo(200);
				assertThat(execute(client, "b")).as("another tenant").isEqualTo(200);
				assertThat(execute(client, "a")).as("tenant a's second start").isEqualTo(429);
			});
	}

	private static int execute(WebTestClient client, String tenant) {
		return client.post()
			.uri("/graphs/alpha/execute")
			.header("X-Tenant", tenant)
			.bodyValue("{}")
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value();
	}

	private static StreamLimiter sessionLimiter(GraphWebSocketHandlerMapping mapping) {
		return (StreamLimiter) ReflectionTestUtils.getField(mapping, "sessionLimiter");
	}

	@Configuration(proxyBeanMethods = false)
	static class UserLimits {

		static final ClientKeyResolver KEYS = (exchange) -> Mono.just("tenant");

		@Bean
		ClientKeyResolver tenantKeys() {
			return KEYS;
		}

		@Bean
		ExecutionRateLimiter tenantRate() {
			return new ExecutionRateLimiter(7);
		}

	}

}
