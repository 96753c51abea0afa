package io.graphstreaming.spring.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.journal.EventSerializer;
import io.graphstreaming.spring.actuate.GraphStreamingEndpoint;
import io.graphstreaming.spring.actuate.GraphStreamingEndpointWebExtension;
import io.graphstreaming.spring.json.GraphEventJsonReader;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.json.JsonEventSerializer;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.registry.GraphStreamingShutdown;
import io.graphstreaming.spring.registry.ShutdownMode;
import io.graphstreaming.spring.registry.StreamingOptionsFactory;
import io.graphstreaming.spring.security.GraphAuthorizer;
import io.graphstreaming.spring.web.GraphCorsWebFilter;
import io.graphstreaming.spring.web.GraphInputReader;
import io.graphstreaming.spring.web.ProblemResponses;
import io.graphstreaming.spring.web.StreamLimiter;
import io.graphstreaming.spring.web.http.GraphCheckpointHandler;
import io.graphstreaming.spring.web.http.GraphHttpHandler;
import io.graphstreaming.spring.web.polling.GraphPollingHandler;
import io.graphstreaming.spring.web.websocket.GraphWebSocketHandler;
import io.graphstreaming.spring.web.websocket.GraphWebSocketShutdown;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application's own bean replaces the auto-configured one of the same type (or, for
 * the beans the auto-configuration matches by name, of the same name): the context then
 * holds the user's instance alone. Covers the beans whose back-off the per
 * auto-configuration tests do not prove.
 */
class UserBeansBackOffTests {

	private final ApplicationContextRunner coreRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class));

	private final ReactiveWebApplicationContextRunner webRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class,
				GraphStreamingWebFluxAutoConfiguration.class, GraphStreamingWebSocketAutoConfiguration.class));

	@Test
	void userGraphEventJsonReaderReplacesTheDefaultAndTheEventSerializerReadsWithIt() {
		this.coreRunner.withUserConfiguration(UserJsonReader.class).run((context) -> {
			assertUserBeanReplacesDefault(context, GraphEventJsonReader.class, "userGraphEventJsonReader",
					"graphEventJsonReader");
			assertThat(ReflectionTestUtils.getField(context.getBean(EventSerializer.class), "reader"))
				.isSameAs(context.getBean("userGraphEventJsonReader"));
		});
	}

	@Test
	void userEventSerializerReplacesTheDefaultAndReachesTheStreamOptions() {
		this.coreRunner.withUserConfiguration(UserEventSerializer.class).run((context) -> {
			assertUserBeanReplacesDefault(context, EventSerializer.class, "userEventSerializer", "graphEventSerializer");
			assertThat(context.getBean(StreamingOptionsFactory.class).optionsFor("any").eventSerializer())
				.isSameAs(context.getBean("userEventSerializer"));
		});
	}

	@Test
	void userGraphStreamingShutdownReplacesTheDefault() {
		this.coreRunner.withUserConfiguration(UserStreamingShutdown.class)
			.run((context) -> assertUserBeanReplacesDefault(context, GraphStreamingShutdown.class,
					"userGraphStreamingShutdown", "graphStreamingShutdown"));
	}

	@Test
	void userGraphInputReaderReplacesTheDefault() {
		this.webRunner.withUserConfiguration(UserInputReader.class)
			.run((context) -> assertUserBeanReplacesDefault(context, GraphInputReader.class, "userGraphInputReader",
					"graphInputReader"));
	}

	@Test
	void userProblemResponsesReplacesTheDefault() {
		this.webRunner.withUserConfiguration(UserProblemResponses.class)
			.run((context) -> assertUserBeanReplacesDefault(context, ProblemResponses.class, "userProblemResponses",
					"graphProblemResponses"));
	}

	@Test
	void userGraphHttpHandlerReplacesTheDefault() {
		this.webRunner.withUserConfiguration(UserHttpHandler.class)
			.run((context) -> assertUserBeanReplacesDefault(context, GraphHttpHandler.class, "userGraphHttpHandler",
					"graphHttpHandler"));
	}

	@Test
	void userGraphCheckpointHandlerReplacesTheDefault() {
		this.webRunner.withUserConfiguration(UserCheckpointHandler.class)
			.run((context) -> assertUserBeanReplacesDefault(context, GraphCheckpointHandler.class,
					"userGraphCheckpointHandler", "graphCheckpointHandler"));
	}

	@Test
	void userGraphPollingHandlerReplacesTheDefault() {
		this.webRunner.withUserConfiguration(UserPollingHandler.class)
			.run((context) -> assertUserBeanReplacesDefault(context, GraphPollingHandler.class,
					"userGraphPollingHandler", "graphPollingHandler"));
	}

	@Test
	void userGraphWebSocketShutdownReplacesTheDefault() {
		this.webRunner.withUserConfiguration(UserWebSocketShutdown.class)
			.run((context) -> assertUserBeanReplacesDefault(context, GraphWebSocketShutdown.class,
					"userGraphWebSocketShutdown", "graphWebSocketShutdown"));
	}

	@Test
	void userCorsWebFilterNamedLikeTheDefaultReplacesIt() {
		this.webRunner.withPropertyValues("graph.streaming.web.cors.allowed-origins=https://app.example.com")
			.withUserConfiguration(UserCorsWebFilter.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(GraphCorsWebFilter.class);
				assertThat(context.getBean("graphStreamingCorsWebFilter"))
					.isSameAs(context.getBean(UserCorsWebFilter.class).filter);
			});
	}

	@Test
	void userDashboardRouterFunctionNamedLikeTheDefaultReplacesIt() {
		// Without the WebFlux auto-configuration, the dashboard's is the only router function.
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
					GraphStreamingAutoConfiguration.class, GraphStreamingDashboardAutoConfiguration.class))
			.withPropertyValues("graph.streaming.dashboard.enabled=true")
			.withUserConfiguration(UserDashboardRouter.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(RouterFunction.class);
				assertThat(context.getBean("graphDashboardRouterFunction"))
					.isSameAs(context.getBean(UserDashboardRouter.class).router);
			});
	}

	@Test
	void userGraphStreamingEndpointWebExtensionReplacesTheDefault() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
					GraphStreamingAutoConfiguration.class, GraphStreamingActuatorAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=graphstreaming")
			.withUserConfiguration(UserEndpointWebExtension.class)
			.run((context) -> assertUserBeanReplacesDefault(context, GraphStreamingEndpointWebExtension.class,
					"userGraphStreamingEndpointWebExtension", "graphStreamingEndpointWebExtension"));
	}

	/**
	 * Asserts that the context started, that its only bean of the type is the user's, and
	 * that the auto-configured bean was never created under its own name.
	 */
	private static void assertUserBeanReplacesDefault(ApplicationContextAssertProvider<?> context, Class<?> type,
			String userBean, String defaultBean) {
		assertThat(context).hasNotFailed().hasSingleBean(type).hasBean(userBean).doesNotHaveBean(defaultBean);
		assertThat(context.getBean(type)).isSameAs(context.getBean(userBean));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserJsonReader {

		@Bean
		GraphEventJsonReader userGraphEventJsonReader() {
			return new GraphEventJsonReader(new JsonMapper());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserEventSerializer {

		@Bean
		EventSerializer userEventSerializer() {
			JsonMapper mapper = new JsonMapper();
			return new JsonEventSerializer(new GraphEventJsonWriter(mapper), new GraphEventJsonReader(mapper));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserStreamingShutdown {

		@Bean
		GraphStreamingShutdown userGraphStreamingShutdown(ExecutionRegistry executions) {
			return new GraphStreamingShutdown(executions, ShutdownMode.DRAIN, Duration.ofSeconds(5), () -> 0);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserInputReader {

		@Bean
		GraphInputReader userGraphInputReader() {
			return new GraphInputReader(new JsonMapper(), 1024);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserProblemResponses {

		@Bean
		ProblemResponses userProblemResponses() {
			return new ProblemResponses(new JsonMapper(), Duration.ofSeconds(7));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserHttpHandler {

		@Bean
		GraphHttpHandler userGraphHttpHandler(GraphRegistry registry, GraphInputReader inputReader) {
			return new GraphHttpHandler(registry, inputReader, new JsonMapper());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserCheckpointHandler {

		@Bean
		GraphCheckpointHandler userGraphCheckpointHandler(GraphRegistry registry, GraphInputReader inputReader) {
			return new GraphCheckpointHandler(registry, inputReader, new JsonMapper());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserPollingHandler {

		@Bean
		GraphPollingHandler userGraphPollingHandler(GraphRegistry registry, GraphEventJsonWriter jsonWriter,
				GraphInputReader inputReader, StreamLimiter limiter) {
			return new GraphPollingHandler(registry, jsonWriter, inputReader, new JsonMapper(), 5,
					Duration.ofSeconds(1), GraphAuthorizer.permitAll(), limiter);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserWebSocketShutdown {

		@Bean
		GraphWebSocketShutdown userGraphWebSocketShutdown(GraphWebSocketHandler handler) {
			return new GraphWebSocketShutdown(handler);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserCorsWebFilter {

		final GraphCorsWebFilter filter = new GraphCorsWebFilter("/graphs", new CorsConfiguration(), new JsonMapper());

		@Bean
		GraphCorsWebFilter graphStreamingCorsWebFilter() {
			return this.filter;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserDashboardRouter {

		final RouterFunction<ServerResponse> router = RouterFunctions.route()
			.GET("/my-dashboard", (request) -> ServerResponse.ok().build())
			.build();

		@Bean
		RouterFunction<ServerResponse> graphDashboardRouterFunction() {
			return this.router;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointWebExtension {

		@Bean
		GraphStreamingEndpointWebExtension userGraphStreamingEndpointWebExtension(GraphStreamingEndpoint endpoint) {
			return new GraphStreamingEndpointWebExtension(endpoint, GraphAuthorizer.permitAll());
		}

	}

}
