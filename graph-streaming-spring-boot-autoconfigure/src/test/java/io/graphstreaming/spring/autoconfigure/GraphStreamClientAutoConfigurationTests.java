package io.graphstreaming.spring.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import reactor.netty.http.client.HttpClient;

import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.spring.client.ConnectionType;
import io.graphstreaming.spring.client.GraphStreamClient;
import io.graphstreaming.spring.client.GraphStreamClientCustomizer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GraphStreamClientAutoConfiguration}.
 */
class GraphStreamClientAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class,
				GraphStreamClientAutoConfiguration.class));

	@Test
	void runShouldHaveAPrototypeBuilder() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(GraphStreamClient.Builder.class);
			assertThat(context.getBean(GraphStreamClient.Builder.class))
				.isNotSameAs(context.getBean(GraphStreamClient.Builder.class));
		});
	}

	@Test
	void runWithReconnectPropertiesShouldGiveClientsThoseOptions() {
		this.contextRunner
			.withPropertyValues("graph.streaming.reconnect.enabled=true", "graph.streaming.reconnect.max-attempts=7",
					"graph.streaming.reconnect.initial-delay=50ms", "graph.streaming.reconnect.max-delay=2s",
					"graph.streaming.heartbeat.enabled=true", "graph.streaming.heartbeat.interval=5s",
					"graph.streaming.graphs.slow.heartbeat.interval=20s")
			.run((context) -> {
				GraphStreamClient client = context.getBean(GraphStreamClient.Builder.class)
					.baseUrl("http://localhost:8080/graphs")
					.build();
				StreamingExecutionOptions options = client.options("any");
				assertThat(options.enableAutoReconnect()).isTrue();
				assertThat(options.maxReconnectAttempts()).isEqualTo(7);
				assertThat(options.initialReconnectDelay()).isEqualTo(Duration.ofMillis(50));
				assertThat(options.maxReconnectDelay()).isEqualTo(Duration.ofSeconds(2));
				assertThat(options.enableHeartbeat()).isTrue();
				assertThat(options.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
				assertThat(client.options("slow").heartbeatInterval()).isEqualTo(Duration.ofSeconds(20));
			});
	}

	@Test
	void runWithoutPropertiesShouldGiveClientsTheDefaultOptions() {
		this.contextRunner.run((context) -> {
			GraphStreamClient client = context.getBean(GraphStreamClient.Builder.class)
				.baseUrl("http://localhost:8080/graphs")
				.build();
			assertThat(client.options("any").enableAutoReconnect()).isFalse();
			assertThat(client.options("any").maxReconnectAttempts()).isEqualTo(3);
			assertThat(client.connectionType()).isEqualTo(ConnectionType.AUTO);
		});
	}

	@Test
	void runWithCustomizersShouldApplyThemInOrder() {
		this.contextRunner.withUserConfiguration(CustomizerConfiguration.class).run((context) -> {
			GraphStreamClient client = context.getBean(GraphStreamClient.Builder.class).build();
			assertThat(client.baseUrl()).isEqualTo("http://second:8080/graphs");
			assertThat(client.connectionType()).isEqualTo(ConnectionType.POLLING);
		});
	}

	@Test
	void runWithUserBuilderShouldBackOff() {
		this.contextRunner.withUserConfiguration(UserBuilderConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(GraphStreamClient.Builder.class);
			assertThat(context.getBean(GraphStreamClient.Builder.class).build().baseUrl())
				.isEqualTo("http://user:9090/graphs");
		});
	}

	@Test
	void runWithoutReactorNettyClientShouldNotHaveBuilder() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HttpClient.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GraphStreamClient.Builder.class));
	}

	@Test
	void runWithoutJacksonAndGraphStreamingShouldStillHaveBuilder() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(GraphStreamClientAutoConfiguration.class))
			.run((context) -> {
				GraphStreamClient client = context.getBean(GraphStreamClient.Builder.class)
					.baseUrl("http://localhost:8080/graphs")
					.build();
				assertThat(client.options("any")).isSameAs(StreamingExecutionOptions.defaults());
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		@Bean
		@Order(2)
		GraphStreamClientCustomizer second() {
			return (builder) -> builder.baseUrl("http://second:8080/graphs");
		}

		@Bean
		@Order(1)
		GraphStreamClientCustomizer first() {
			return (builder) -> builder.baseUrl("http://first:8080/graphs").connectionType(ConnectionType.POLLING);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBuilderConfiguration {

		@Bean
		GraphStreamClient.Builder userBuilder() {
			return GraphStreamClient.builder().baseUrl("http://user:9090/graphs");
		}

	}

}
