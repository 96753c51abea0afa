package io.graphstreaming.spring.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.GraphExecutor;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.journal.ConsumerSpec;
import io.graphstreaming.core.metrics.StreamingMetricsListener;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.registry.DisconnectPolicy;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.registry.GraphStreamingShutdown;
import io.graphstreaming.spring.registry.ShutdownMode;
import io.graphstreaming.spring.registry.StreamingOptionsFactory;
import io.graphstreaming.spring.web.StreamLimiter;
import io.graphstreaming.spring.web.websocket.GraphWebSocketHandler;
import io.graphstreaming.spring.web.websocket.GraphWebSocketHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link GraphStreamingAutoConfiguration}.
 */
class GraphStreamingAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class));

	@Test
	void runShouldProvideRegistryOptionsFactoryExecutionRegistryAndJsonWriter() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(GraphStreamingProperties.class)
			.hasSingleBean(GraphRegistry.class)
			.hasSingleBean(StreamingOptionsFactory.class)
			.hasSingleBean(ExecutionRegistry.class)
			.hasSingleBean(GraphEventJsonWriter.class));
	}

	@Test
	void runShouldGiveTheRegistryTheExecutionRegistryBean() {
		this.contextRunner.run((context) -> assertThat(context.getBean(GraphRegistry.class).executions())
			.isSameAs(context.getBean(ExecutionRegistry.class)));
	}

	@Test
	void runWithUserGraphRegistryShouldBackOff() {
		this.contextRunner.withUserConfiguration(UserGraphRegistryConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(GraphRegistry.class)
				.getBean(GraphRegistry.class)
				.isSameAs(context.getBean(UserGraphRegistryConfiguration.class).registry));
	}

	@Test
	void runWithUserStreamingOptionsFactoryShouldBackOffAndBeUsedForEveryGraph() {
		this.contextRunner.withUserConfiguration(UserOptionsFactoryConfiguration.class, GraphsConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(StreamingOptionsFactory.class)
					.getBean(StreamingOptionsFactory.class)
					.isSameAs(context.getBean(UserOptionsFactoryConfiguration.class).factory);
				assertThat(context.getBean(GraphRegistry.class).options("alpha").bufferSize()).isEqualTo(3);
			});
	}

	@Test
	void runWithUserExecutionRegistryShouldBackOff() {
		this.contextRunner.withUserConfiguration(UserExecutionRegistryConfiguration.class)
			.run((context) -> {
				ExecutionRegistry user = context.getBean(UserExecutionRegistryConfiguration.class).registry;
				assertThat(context).hasSingleBean(ExecutionRegistry.class).getBean(ExecutionRegistry.class).isSameAs(user);
				assertThat(context.getBean(GraphRegistry.class).executions()).isSameAs(user);
			});
	}

	@Test
	void runWithUserJsonWriterShouldBackOff() {
		this.contextRunner.withUserConfiguration(UserJsonWriterConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(GraphEventJsonWriter.class)
				.getBean(GraphEventJsonWriter.class)
				.isSameAs(context.getBean(UserJsonWriterConfiguration.class).writer));
	}

	@Test
	void runWithoutJacksonShouldStillProvideJsonWriter() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(GraphStreamingAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(GraphEventJsonWriter.class)
				.doesNotHaveBean(JsonMapper.class));
	}

	@Test
	void runWithGraphExecutorBeansShouldRegisterThemById() {
		this.contextRunner.withUserConfiguration(GraphsConfiguration.class).run((context) -> {
			GraphRegistry registry = context.getBean(GraphRegistry.class);
			assertThat(registry.graphIds()).containsExactlyInAnyOrder("alpha", "beta");
			assertThat(registry.executor("alpha")).isSameAs(context.getBean("alphaGraph"));
			assertThat(registry.executor("beta")).isSameAs(context.getBean("betaGraph"));
		});
	}

	@Test
	void runWithPlainGraphExecutorBeanShouldRegisterIt() {
		this.contextRunner.withBean("plain", GraphExecutor.class, () -> graph("plain"))
			.run((context) -> assertThat(context.getBean(GraphRegistry.class).graphIds()).containsExactly("plain"));
	}

	@Test
	void runWithDuplicateGraphIdsShouldFailNamingTheId() {
		this.contextRunner.withBean("first", StreamingGraphExecutor.class, () -> graph("twin"))
			.withBean("second", StreamingGraphExecutor.class, () -> graph("twin"))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("Two graphs have the id 'twin'"));
	}

	@Test
	void runWithInvalidGraphShouldFailNamingTheGraph() {
		this.contextRunner.withBean("broken", StreamingGraphExecutor.class, () -> {
			StreamingGraphExecutor executor = new StreamingGraphExecutor("broken", "no start node");
			executor.addNode(GraphNode.of("only", (state, context) -> Map.of()));
			return executor;
		})
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("Graph 'broken' has no start node"));
	}

	@Test
	void runWithExecutionMaxConcurrentShouldLimitTheExecutionRegistry() {
		this.contextRunner.withPropertyValues("graph.streaming.execution.max-concurrent=7")
			.run((context) -> assertThat(context.getBean(ExecutionRegistry.class).maxConcurrentExecutions())
				.isEqualTo(7));
	}

	@Test
	void runWithDefaultDisconnectPolicyShouldLetAnExecutionRunOnWhenItsLastConsumerLeaves() {
		this.contextRunner.withUserConfiguration(SlowGraphConfiguration.class).run((context) -> {
			GraphExecution execution = consumeThenLeave(context.getBean(GraphRegistry.class));
			assertThat(execution.result().block(Duration.ofSeconds(10)).status()).isEqualTo(ExecutionStatus.COMPLETED);
		});
	}

	@Test
	void runWithDisconnectPolicyCancelShouldCancelAnExecutionWhenItsLastConsumerLeaves() {
		this.contextRunner.withUserConfiguration(SlowGraphConfiguration.class)
			.withPropertyValues("graph.streaming.execution.disconnect-policy=cancel")
			.run((context) -> {
				GraphExecution execution = consumeThenLeave(context.getBean(GraphRegistry.class));
				assertThat(execution.result().block(Duration.ofSeconds(10)).status())
					.isEqualTo(ExecutionStatus.CANCELLED);
			});
	}

	@Test
	void runWithMetricsListenerBeanShouldHandItToTheOptions() {
		StreamingMetricsListener listener = new StreamingMetricsListener() {
		};
		this.contextRunner.withUserConfiguration(GraphsConfiguration.class)
			.withBean(StreamingMetricsListener.class, () -> listener)
			.run((context) -> {
				StreamingExecutionOptions options = context.getBean(GraphRegistry.class).options("alpha");
				assertThat(options.metricsListener()).isSameAs(listener);
			});
	}

	@Test
	void runShouldRegisterTheShutdownLifecycleWithTheConfiguredModeAndGracePeriod() {
		this.contextRunner.run((context) -> {
			GraphStreamingShutdown shutdown = context.getBean(GraphStreamingShutdown.class);
			assertThat(shutdown.mode()).isEqualTo(ShutdownMode.CANCEL);
			assertThat(shutdown.gracePeriod()).isEqualTo(Duration.ofSeconds(30));
			assertThat(shutdown.isRunning()).isTrue();
		});
		this.contextRunner
			.withPropertyValues("graph.streaming.shutdown.mode=drain", "graph.streaming.shutdown.await=45s")
			.run((context) -> {
				GraphStreamingShutdown shutdown = context.getBean(GraphStreamingShutdown.class);
				assertThat(shutdown.mode()).isEqualTo(ShutdownMode.DRAIN);
				assertThat(shutdown.gracePeriod()).isEqualTo(Duration.ofSeconds(45));
			});
	}

	@Test
	void closingTheContextShouldCancelRunningExecutionsForInProcessConsumers() {
		this.contextRunner.withUserConfiguration(EndlessGraphConfiguration.class).run((context) -> {
			GraphExecution execution = context.getBean(GraphRegistry.class).create("endless", Map.of());
			CompletableFuture<List<GraphExecutionEvent>> events = execution.stream().flux().collectList().toFuture();
			await().atMost(Duration.ofSeconds(10)).until(() -> execution.status() == ExecutionStatus.RUNNING);

			context.close();

			assertThat(execution.status()).isEqualTo(ExecutionStatus.CANCELLED);
			List<GraphExecutionEvent> received = events.get(10, TimeUnit.SECONDS);
			assertThat(received.get(received.size() - 1)).isInstanceOfSatisfying(ExecutionCancelledEvent.class,
					(cancelled) -> assertThat(cancelled.reason()).isEqualTo("application shutting down"));
		});
	}

	@Test
	void pausingAndRestartingTheContextShouldLeaveExecutionsAlone() {
		this.contextRunner.withUserConfiguration(EndlessGraphConfiguration.class).run((context) -> {
			GraphRegistry registry = context.getBean(GraphRegistry.class);
			GraphExecution execution = registry.start("endless", Map.of());

			context.getSourceApplicationContext().pause();
			context.getSourceApplicationContext().restart();

			assertThat(execution.status()).isEqualTo(ExecutionStatus.RUNNING);
			assertThat(registry.start("endless", Map.of()).status()).isEqualTo(ExecutionStatus.RUNNING);
		});
	}

	@Test
	void runInNonWebApplicationShouldNotHaveWebBeans() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class,
					GraphStreamingWebFluxAutoConfiguration.class, GraphStreamingWebSocketAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(GraphRegistry.class)
				.doesNotHaveBean(StreamLimiter.class)
				.doesNotHaveBean(GraphWebSocketHandler.class)
				.doesNotHaveBean(GraphWebSocketHandlerMapping.class)
				.doesNotHaveBean("graphStreamingRouterFunction"));
	}

	private static GraphExecution consumeThenLeave(GraphRegistry registry) {
		GraphExecution execution = registry.create("slow", Map.of());
		Disposable consumer = execution.entries(ConsumerSpec.of(execution.options(), 0, EventFilter.all())).subscribe();
		await().atMost(Duration.ofSeconds(10)).until(() -> execution.status() == ExecutionStatus.RUNNING);
		consumer.dispose();
		return execution;
	}

	static StreamingGraphExecutor graph(String id) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(id, "Graph " + id);
		executor.addNode(GraphNode.of("only", (state, context) -> Map.of("done", true)).nonBlocking());
		executor.setStartNode("only");
		return executor;
	}

	@Configuration(proxyBeanMethods = false)
	static class GraphsConfiguration {

		@Bean
		StreamingGraphExecutor alphaGraph() {
			return graph("alpha");
		}

		@Bean
		StreamingGraphExecutor betaGraph() {
			return graph("beta");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EndlessGraphConfiguration {

		@Bean
		StreamingGraphExecutor endlessGraph() {
			StreamingGraphExecutor executor = new StreamingGraphExecutor("endless", "Never ends by itself");
			executor.addNode(GraphNode.async("wait", (state, context) -> Mono.never()));
			executor.setStartNode("wait");
			return executor;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SlowGraphConfiguration {

		@Bean
		StreamingGraphExecutor slowGraph() {
			StreamingGraphExecutor executor = new StreamingGraphExecutor("slow", "Takes half a second");
			executor.addNode(GraphNode.async("wait",
					(state, context) -> Mono.delay(Duration.ofMillis(500)).thenReturn(Map.of("waited", true))));
			executor.setStartNode("wait");
			return executor;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserGraphRegistryConfiguration {

		final GraphRegistry registry = new GraphRegistry(List.of(), (id) -> StreamingExecutionOptions.defaults(),
				new ExecutionRegistry(10, Duration.ofSeconds(1), Clock.systemUTC()), DisconnectPolicy.CONTINUE);

		@Bean
		GraphRegistry userGraphRegistry() {
			return this.registry;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserOptionsFactoryConfiguration {

		final StreamingOptionsFactory factory = (id) -> StreamingExecutionOptions.builder()
			.withBufferSize(3)
			.withMaxBufferSize(3)
			.build();

		@Bean
		StreamingOptionsFactory userOptionsFactory() {
			return this.factory;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserExecutionRegistryConfiguration {

		final ExecutionRegistry registry = new ExecutionRegistry(3, Duration.ofSeconds(1), Clock.systemUTC());

		@Bean
		ExecutionRegistry userExecutionRegistry() {
			return this.registry;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserJsonWriterConfiguration {

		final GraphEventJsonWriter writer = new GraphEventJsonWriter(new JsonMapper());

		@Bean
		GraphEventJsonWriter userJsonWriter() {
			return this.writer;
		}

	}

}
