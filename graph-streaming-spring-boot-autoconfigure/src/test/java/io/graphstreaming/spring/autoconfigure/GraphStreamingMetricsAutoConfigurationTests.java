package io.graphstreaming.spring.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.test.util.ReflectionTestUtils;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.ExecutionResult;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.metrics.InMemoryStreamingMetrics;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.spring.metrics.GraphStreamingMetrics;
import io.graphstreaming.spring.metrics.GraphStreamingObservations;
import io.graphstreaming.spring.metrics.MeterDescriptionFilter;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.web.StreamLimiter;
import io.graphstreaming.spring.web.sse.GraphSseHandler;
import io.graphstreaming.spring.web.websocket.GraphWebSocketHandler;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GraphStreamingMetricsAutoConfiguration}.
 */
class GraphStreamingMetricsAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				ObservationAutoConfiguration.class, GraphStreamingAutoConfiguration.class,
				GraphStreamingMetricsAutoConfiguration.class))
		.withBean("demoGraph", StreamingGraphExecutor.class, GraphStreamingMetricsAutoConfigurationTests::demoGraph);

	@Test
	void runShouldHaveMetricsBeanBoundToTheMeterRegistry() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(GraphStreamingMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("graph.streaming.executions.active").tag("graph", "demo").gauge().value()).isZero();
			assertThat(registry.get("graph.streaming.streams.active").gauges()).extracting((gauge) -> gauge.getId()
				.getTag("transport")).containsExactlyInAnyOrder("sse", "websocket", "polling", "in-process");
			assertThat(registry.get("graph.streaming.journal.events").gauge().value()).isZero();
			assertThat(registry.get("graph.streaming.journal.executions").gauge().value()).isZero();
		});
	}

	@Test
	void runShouldCountEveryExecutionOfARegisteredGraph() {
		this.contextRunner.run((context) -> {
			run(context, Map.of());
			run(context, Map.of());
			run(context, Map.of("fail", true));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(count(registry, "ExecutionStarted")).isEqualTo(3);
			assertThat(count(registry, "NodeCompleted")).isEqualTo(4);
			assertThat(count(registry, "NodeFailed")).isEqualTo(1);
			assertThat(registry.get("graph.streaming.executions").tags("graph", "demo", "outcome", "completed")
				.counter()
				.count()).isEqualTo(2);
			assertThat(registry.get("graph.streaming.executions").tags("graph", "demo", "outcome", "failed")
				.counter()
				.count()).isEqualTo(1);
			assertThat(registry.get("graph.streaming.node.duration").tags("node", "check", "outcome", "failed")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.get("graph.streaming.journal.executions").gauge().value()).isEqualTo(3);
		});
	}

	@Test
	void runWhenMetricsEnabledPropertyIsFalseShouldNotHaveMetricsBeansNorMeters() {
		this.contextRunner.withPropertyValues("graph.streaming.metrics.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(GraphStreamingMetrics.class)
				.doesNotHaveBean(GraphStreamingObservations.class)
				.doesNotHaveBean(MeterDescriptionFilter.class)
				.hasSingleBean(MeterRegistry.class);
			assertThat(run(context, Map.of()).status()).isEqualTo(ExecutionStatus.COMPLETED);
			assertThat(context.getBean(MeterRegistry.class).getMeters())
				.noneMatch((meter) -> meter.getId().getName().startsWith("graph.streaming"));
		});
	}

	@Test
	void runWhenMetricsEnabledPropertyIsTrueShouldHaveMetricsBeans() {
		this.contextRunner.withPropertyValues("graph.streaming.metrics.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(GraphStreamingMetrics.class)
				.hasSingleBean(GraphStreamingObservations.class));
	}

	@Test
	void runWithoutMicrometerShouldNotHaveMetricsBeans() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
					GraphStreamingAutoConfiguration.class, GraphStreamingMetricsAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(GraphRegistry.class)
				.doesNotHaveBean(GraphStreamingMetrics.class)
				.doesNotHaveBean(GraphStreamingObservations.class));
	}

	@Test
	void runWithoutMicrometerShouldRecordMetricsInTheCoresInMemoryMetrics() {
		withoutMicrometer().run((context) -> {
			assertThat(context).hasNotFailed();
			StreamingExecutionOptions options = context.getBean(GraphRegistry.class).options("demo");
			assertThat(options.enableMetrics()).isTrue();
			assertThat(options.metricsListener()).isSameAs(InMemoryStreamingMetrics.shared());
			assertThat(recordedInMemory(context)).isEqualTo(1);
		});
	}

	@Test
	void runWithoutMicrometerWhenMetricsEnabledPropertyIsTrueShouldStartAndRecordInMemory() {
		withoutMicrometer().withPropertyValues("graph.streaming.metrics.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(GraphStreamingMetrics.class);
			assertThat(recordedInMemory(context)).isEqualTo(1);
		});
	}

	@Test
	void runWithoutMicrometerWhenMetricsEnabledPropertyIsFalseShouldRecordNothing() {
		withoutMicrometer().withPropertyValues("graph.streaming.metrics.enabled=false").run((context) -> {
			assertThat(context.getBean(GraphRegistry.class).options("demo").enableMetrics()).isFalse();
			assertThat(recordedInMemory(context)).isZero();
		});
	}

	@Test
	void runWithoutGraphStreamingBeansShouldBackOff() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
					ObservationAutoConfiguration.class, GraphStreamingMetricsAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(GraphStreamingMetrics.class)
				.doesNotHaveBean(GraphStreamingObservations.class));
	}

	@Test
	void runWithMeterNamePropertyShouldPrefixEveryMeter() {
		this.contextRunner.withPropertyValues("graph.streaming.metrics.meter-name=flows").run((context) -> {
			run(context, Map.of());
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("flows.events").tags("graph", "demo", "event_type", "ExecutionStarted")
				.counter()
				.count()).isEqualTo(1);
			assertThat(registry.get("flows.node.duration").timers()).isNotEmpty();
			assertThat(registry.get("flows.executions.active").gauges()).hasSize(1);
			assertThat(registry.get("flows.streams.active").gauges()).hasSize(4);
			// Only the observations keep their fixed names.
			assertThat(registry.getMeters()).extracting((meter) -> meter.getId().getName())
				.filteredOn((name) -> name.startsWith("graph.streaming."))
				.isSubsetOf(GraphStreamingObservations.EXECUTION_OBSERVATION,
						GraphStreamingObservations.EXECUTION_OBSERVATION + ".active",
						GraphStreamingObservations.NODE_OBSERVATION, GraphStreamingObservations.NODE_OBSERVATION + ".active");
		});
	}

	@Test
	void runWithDurationBucketsPropertyShouldUseThemAsHistogramBuckets() {
		this.contextRunner.withPropertyValues("graph.streaming.metrics.duration-buckets=50ms,1s,10s")
			.run((context) -> {
				run(context, Map.of());
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(buckets(registry.get("graph.streaming.node.duration").tag("node", "check").timer()))
					.containsExactly(0.05, 1.0, 10.0);
				assertThat(buckets(registry.get("graph.streaming.execution.duration").tag("outcome", "completed").timer()))
					.containsExactly(0.05, 1.0, 10.0);
			});
	}

	@Test
	void runWithUserMetricsBeanShouldBackOffAndRecordWithIt() {
		this.contextRunner
			.withBean("userMetrics", GraphStreamingMetrics.class,
					() -> new GraphStreamingMetrics(
							new ExecutionRegistry(1, Duration.ofMinutes(1), Clock.systemUTC()), List::of, null,
							"custom", null))
			.run((context) -> {
				assertThat(context).hasSingleBean(GraphStreamingMetrics.class).hasBean("userMetrics");
				run(context, Map.of());
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("graph.streaming.events").tag("event_type", "ExecutionStarted").counter().count())
					.isEqualTo(1);
				assertThat(registry.find("graph.streaming.executions.active").gauges()).isEmpty();
				assertThat(registry.get("custom.journal.executions").gauges()).hasSize(1);
			});
	}

	@Test
	void runWithObservationRegistryShouldObserveExecutionsAndNodes() {
		TestObservationRegistry observationRegistry = TestObservationRegistry.create();
		this.contextRunner.withBean(ObservationRegistry.class, () -> observationRegistry).run((context) -> {
			assertThat(context).hasSingleBean(GraphStreamingObservations.class);
			run(context, Map.of());
			assertThat(observationRegistry)
				.hasNumberOfObservationsWithNameEqualTo(GraphStreamingObservations.EXECUTION_OBSERVATION, 1)
				.hasNumberOfObservationsWithNameEqualTo(GraphStreamingObservations.NODE_OBSERVATION, 2)
				.hasObservationWithNameEqualTo(GraphStreamingObservations.EXECUTION_OBSERVATION)
				.that()
				.hasBeenStopped()
				.hasLowCardinalityKeyValue("graph", "demo")
				.hasLowCardinalityKeyValue("outcome", "completed");
			assertThat(context.getBean(GraphStreamingObservations.class).openObservations()).isZero();
		});
	}

	@Test
	void runWithoutObservationRegistryShouldHaveMetricsButNoObservations() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
					GraphStreamingAutoConfiguration.class, GraphStreamingMetricsAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(GraphStreamingMetrics.class)
				.doesNotHaveBean(GraphStreamingObservations.class)
				.doesNotHaveBean(MeterDescriptionFilter.class));
	}

	@Test
	void runWithUserObservationsBeanShouldBackOff() {
		GraphStreamingObservations observations = new GraphStreamingObservations(ObservationRegistry.NOOP);
		this.contextRunner.withBean("userObservations", GraphStreamingObservations.class, () -> observations)
			.run((context) -> assertThat(context).getBean(GraphStreamingObservations.class).isSameAs(observations));
	}

	@Test
	void runShouldDescribeTheMetersOfTheObservations() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			Timer execution = Timer.builder(GraphStreamingObservations.EXECUTION_OBSERVATION).register(registry);
			Timer node = Timer.builder(GraphStreamingObservations.NODE_OBSERVATION).register(registry);
			assertThat(execution.getId().getDescription()).isEqualTo("Duration of graph executions (observation)");
			assertThat(node.getId().getDescription()).isEqualTo("Duration of node invocations (observation)");
			assertThat(registry.more()
				.longTaskTimer(GraphStreamingObservations.NODE_OBSERVATION + ".active", List.of())
				.getId()
				.getDescription()).isEqualTo("Node invocations in progress (observation)");
			Timer described = Timer.builder(GraphStreamingObservations.EXECUTION_OBSERVATION)
				.description("mine")
				.tag("k", "v")
				.register(registry);
			assertThat(described.getId().getDescription()).isEqualTo("mine");
		});
	}

	@Test
	void runInReactiveWebApplicationShouldReportTransportsAndCountTheirStreams() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
					GraphStreamingAutoConfiguration.class, GraphStreamingMetricsAutoConfiguration.class,
					GraphStreamingWebFluxAutoConfiguration.class, GraphStreamingWebSocketAutoConfiguration.class))
			.withBean("demoGraph", StreamingGraphExecutor.class, GraphStreamingMetricsAutoConfigurationTests::demoGraph)
			.run((context) -> {
				GraphStreamingMetrics metrics = context.getBean(GraphStreamingMetrics.class);
				assertThat(ReflectionTestUtils.getField(context.getBean(GraphSseHandler.class), "metrics"))
					.isSameAs(metrics);
				assertThat(ReflectionTestUtils.getField(context.getBean(GraphWebSocketHandler.class), "metrics"))
					.isSameAs(metrics);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				StreamLimiter.Permit permit = context.getBean(StreamLimiter.class).acquire("sse");
				assertThat(registry.get("graph.streaming.streams.active").tag("transport", "sse").gauge().value())
					.isEqualTo(1);
				permit.release();
				assertThat(registry.get("graph.streaming.streams.active").tag("transport", "sse").gauge().value())
					.isZero();
			});
	}

	private static ApplicationContextRunner withoutMicrometer() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
					GraphStreamingAutoConfiguration.class, GraphStreamingMetricsAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.withBean("demoGraph", StreamingGraphExecutor.class, GraphStreamingMetricsAutoConfigurationTests::demoGraph);
	}

	/**
	 * How many executions of {@code demo} one run adds to the core's shared in-memory
	 * metrics (JVM-wide, hence counted as a difference).
	 */
	private static long recordedInMemory(AssertableApplicationContext context) {
		InMemoryStreamingMetrics shared = InMemoryStreamingMetrics.shared();
		long before = shared.events("graph.streaming", "demo", GraphExecutionEventType.EXECUTION_STARTED);
		assertThat(run(context, Map.of()).status()).isEqualTo(ExecutionStatus.COMPLETED);
		return shared.events("graph.streaming", "demo", GraphExecutionEventType.EXECUTION_STARTED) - before;
	}

	private static ExecutionResult run(AssertableApplicationContext context, Map<String, Object> input) {
		GraphExecution execution = context.getBean(GraphRegistry.class).start("demo", input);
		ExecutionResult result = execution.result().block(TIMEOUT);
		assertThat(result).isNotNull();
		return result;
	}

	private static double count(MeterRegistry registry, String eventType) {
		return registry.get("graph.streaming.events").tags("graph", "demo", "event_type", eventType).counter().count();
	}

	private static List<Double> buckets(Timer timer) {
		return Arrays.stream(timer.takeSnapshot().histogramCounts())
			.map((bucket) -> bucket.bucket(TimeUnit.SECONDS))
			.toList();
	}

	/**
	 * {@code check} then {@code answer}; {@code check} fails when the input says so.
	 */
	private static StreamingGraphExecutor demoGraph() {
		StreamingGraphExecutor graph = new StreamingGraphExecutor("demo", "check then answer");
		graph.addNode(GraphNode.async("check", (state, context) -> Boolean.TRUE.equals(state.get("fail"))
				? Mono.error(new IllegalStateException("asked to fail")) : Mono.just(Map.of("checked", true))))
			.addNode(GraphNode.async("answer", (state, context) -> Mono.just(Map.of("answer", 42))))
			.connect("check", "answer")
			.setStartNode("check");
		return graph;
	}

}
