package io.graphstreaming.spring.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.SimpleHandlerAdapter;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.metrics.TransportMetrics;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.web.StreamLimiter;
import io.graphstreaming.spring.web.websocket.GraphWebSocketHandler;
import io.graphstreaming.spring.web.websocket.GraphWebSocketHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GraphStreamingWebSocketAutoConfiguration}.
 */
class GraphStreamingWebSocketAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class,
				GraphStreamingWebFluxAutoConfiguration.class, GraphStreamingWebSocketAutoConfiguration.class));

	@Test
	void runShouldHaveWebSocketHandlerAndHandlerMapping() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(GraphWebSocketHandler.class)
			.hasSingleBean(GraphWebSocketHandlerMapping.class));
	}

	@Test
	void runWithoutWebFluxConfigurationShouldAddSimpleHandlerAdapter() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(SimpleHandlerAdapter.class)
			.hasBean("graphWebSocketSimpleHandlerAdapter"));
	}

	@Test
	void runWithWebFluxAutoConfigurationShouldUseItsSimpleHandlerAdapter() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(SimpleHandlerAdapter.class)
					.doesNotHaveBean("graphWebSocketSimpleHandlerAdapter")
					.hasSingleBean(GraphWebSocketHandlerMapping.class);
				assertThat(context.getBean(GraphWebSocketHandlerMapping.class).getOrder())
					.isLessThan(context.getBean("routerFunctionMapping", RouterFunctionMapping.class).getOrder());
			});
	}

	@Test
	void runWhenWebsocketEnabledPropertyIsFalseShouldNotHaveWebSocketBeans() {
		this.contextRunner.withPropertyValues("graph.streaming.web.websocket-enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GraphWebSocketHandler.class)
				.doesNotHaveBean(GraphWebSocketHandlerMapping.class)
				.doesNotHaveBean("graphWebSocketSimpleHandlerAdapter")
				.hasSingleBean(GraphRegistry.class));
	}

	@Test
	void runWhenWebsocketEnabledPropertyIsTrueShouldHaveWebSocketBeans() {
		this.contextRunner.withPropertyValues("graph.streaming.web.websocket-enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(GraphWebSocketHandler.class)
				.hasSingleBean(GraphWebSocketHandlerMapping.class));
	}

	@Test
	void runInNonWebApplicationShouldNotHaveWebSocketBeans() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
					GraphStreamingAutoConfiguration.class, GraphStreamingWebSocketAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GraphWebSocketHandler.class)
				.doesNotHaveBean(GraphWebSocketHandlerMapping.class));
	}

	@Test
	void runWithoutGraphRegistryShouldNotHaveWebSocketBeans() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
					GraphStreamingWebSocketAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(GraphWebSocketHandler.class)
				.doesNotHaveBean(GraphWebSocketHandlerMapping.class));
	}

	@Test
	void runWithUserWebSocketHandlerShouldBackOffAndMapIt() {
		this.contextRunner.withUserConfiguration(UserWebSocketHandlerConfiguration.class).run((context) -> {
				assertThat(context).hasSingleBean(GraphWebSocketHandler.class);
				assertThat(ReflectionTestUtils.getField(context.getBean(GraphWebSocketHandlerMapping.class), "handler"))
					.isSameAs(context.getBean("userWebSocketHandler"));
			});
	}

	@Test
	void runWithUserHandlerMappingShouldBackOff() {
		this.contextRunner.withUserConfiguration(UserHandlerMappingConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(GraphWebSocketHandlerMapping.class)
				.getBean(GraphWebSocketHandlerMapping.class)
				.isSameAs(context.getBean("userMapping")));
	}

	@Test
	void runShouldUseDefaultPathPingIntervalAndMessageLimit() {
		this.contextRunner.run((context) -> {
			GraphWebSocketHandler handler = context.getBean(GraphWebSocketHandler.class);
			assertThat(handler.pingInterval()).isEqualTo(Duration.ofSeconds(30));
			assertThat(handler.maxMessageBytes()).isEqualTo(256 * 1024);
			GraphWebSocketHandlerMapping mapping = context.getBean(GraphWebSocketHandlerMapping.class);
			assertThat(mapping.pattern().getPatternString()).isEqualTo("/graphs/{graphId}/ws");
			assertThat(mapping.getOrder()).isEqualTo(GraphWebSocketHandlerMapping.ORDER).isLessThan(-1);
		});
	}

	@Test
	void runShouldMapBasePathPingIntervalAndMessageLimitFromProperties() {
		this.contextRunner
			.withPropertyValues("graph.streaming.web.base-path=/api/flows/", "graph.streaming.web.websocket-ping-interval=5s",
					"graph.streaming.web.websocket-max-message-size=16KB")
			.run((context) -> {
				GraphWebSocketHandler handler = context.getBean(GraphWebSocketHandler.class);
				assertThat(handler.pingInterval()).isEqualTo(Duration.ofSeconds(5));
				assertThat(handler.maxMessageBytes()).isEqualTo(16 * 1024);
				assertThat(context.getBean(GraphWebSocketHandlerMapping.class).pattern().getPatternString())
					.isEqualTo("/api/flows/{graphId}/ws");
			});
	}

	@Test
	void runShouldLimitMessagesToWebsocketMaxMessageSizeNotToMaxRequestBody() {
		this.contextRunner
			.withPropertyValues("graph.streaming.web.max-request-body=1MB",
					"graph.streaming.web.websocket-max-message-size=8KB")
			.run((context) -> assertThat(context.getBean(GraphWebSocketHandler.class).maxMessageBytes())
				.isEqualTo(8 * 1024));
	}

	@Test
	void runWithOnlyMaxRequestBodySetShouldKeepTheDefaultMessageLimit() {
		this.contextRunner.withPropertyValues("graph.streaming.web.max-request-body=16KB")
			.run((context) -> assertThat(context.getBean(GraphWebSocketHandler.class).maxMessageBytes())
				.isEqualTo(256 * 1024));
	}

	@Test
	void runWithInvalidMessageSizeShouldFailNamingTheKey() {
		this.contextRunner.withPropertyValues("graph.streaming.web.websocket-max-message-size=0B")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("graph.streaming.web.websocket-max-message-size")
				.hasMessageContaining("must be strictly positive"));
	}

	@Test
	void runShouldCountSessionsWithTheApplicationsStreamLimiter() {
		this.contextRunner.run((context) -> assertThat(
				ReflectionTestUtils.getField(context.getBean(GraphWebSocketHandlerMapping.class), "limiter"))
			.isSameAs(context.getBean(StreamLimiter.class)));
	}

	@Test
	void runWithoutStreamLimiterBeanShouldLimitSessionsToMaxConcurrentStreams() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
					GraphStreamingAutoConfiguration.class, GraphStreamingWebSocketAutoConfiguration.class))
			.withPropertyValues("graph.streaming.web.max-concurrent-streams=7")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(StreamLimiter.class);
				StreamLimiter limiter = (StreamLimiter) ReflectionTestUtils
					.getField(context.getBean(GraphWebSocketHandlerMapping.class), "limiter");
				assertThat(limiter.maxConcurrentStreams()).isEqualTo(7);
			});
	}

	@Test
	void runShouldWriteEventsWithTheApplicationsJsonWriterAndReportToItsTransportMetrics() {
		TransportMetrics metrics = new TransportMetrics() {
		};
		this.contextRunner.withBean(TransportMetrics.class, () -> metrics).run((context) -> {
			GraphWebSocketHandler handler = context.getBean(GraphWebSocketHandler.class);
			Object codec = ReflectionTestUtils.getField(handler, "codec");
			assertThat(ReflectionTestUtils.getField(codec, "jsonWriter"))
				.isSameAs(context.getBean(GraphEventJsonWriter.class));
			assertThat(ReflectionTestUtils.getField(codec, "jsonMapper")).isSameAs(context.getBean(JsonMapper.class));
			assertThat(ReflectionTestUtils.getField(handler, "metrics")).isSameAs(metrics);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserWebSocketHandlerConfiguration {

		@Bean
		GraphWebSocketHandler userWebSocketHandler(GraphRegistry registry, GraphEventJsonWriter jsonWriter) {
			return new GraphWebSocketHandler(registry, jsonWriter, new JsonMapper(), Duration.ofSeconds(1), 100,
					TransportMetrics.NONE);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserHandlerMappingConfiguration {

		@Bean
		GraphWebSocketHandlerMapping userMapping(GraphRegistry registry, GraphWebSocketHandler handler) {
			return new GraphWebSocketHandlerMapping("/custom", registry, handler,
					new StreamLimiter(1, Duration.ofSeconds(1)), GraphWebSocketHandlerMapping.webSocketService(100),
					new JsonMapper());
		}

	}

}
