package io.graphstreaming.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.options.CompressionAlgorithm;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.spring.autoconfigure.GraphStreamingAutoConfigurationTests.GraphsConfiguration;
import io.graphstreaming.spring.autoconfigure.GraphStreamingProperties.GraphOverrides;
import io.graphstreaming.spring.client.GraphStreamClient;
import io.graphstreaming.spring.registry.GraphRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GraphOverrides}, {@code graph.streaming.graphs.<graphId>.*}: every
 * execution option of the root can be set for one graph, reaches that graph's options
 * and no other's, falls back to the root value within a group of keys, and an invalid
 * value fails start-up naming the per-graph key. The keys shared by all graphs are
 * refused per graph.
 */
class GraphOverridesTests {

	private static final String PREFIX = "graph.streaming.";

	/**
	 * Root keys that are not execution options, so have no per-graph counterpart.
	 */
	private static final List<String> NOT_EXECUTION_OPTIONS = List.of("journal.type", "execution.", "web.",
			"dashboard.", "checkpoints.", "security.", "shutdown.");

	/**
	 * Root keys that configure what all graphs share; refused per graph.
	 */
	private static final List<String> SHARED_BY_ALL_GRAPHS = List.of("memory-mapped-buffers.max-total-bytes",
			"metrics.duration-buckets");

	@TempDir
	Path directory;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class,
				GraphStreamClientAutoConfiguration.class))
		.withUserConfiguration(GraphsConfiguration.class);

	/**
	 * Every per-graph key: a value that is not the default, how the options show it, and
	 * what they show.
	 */
	static List<OverrideCase> overrides() {
		List<OverrideCase> cases = new ArrayList<>();
		cases.add(new OverrideCase("buffer-size", "50", StreamingExecutionOptions::bufferSize, 50));
		cases.add(new OverrideCase("max-buffer-size", "2000", StreamingExecutionOptions::maxBufferSize, 2000));
		cases.add(new OverrideCase("overflow-policy", "drop-oldest", StreamingExecutionOptions::overflowPolicy,
				OverflowPolicy.DROP_OLDEST));
		cases.add(new OverrideCase("event-types-to-emit", "NodeStarted,NodeCompleted",
				(options) -> options.emits(GraphExecutionEventType.NODE_ENTERED), false));
		cases.add(new OverrideCase("producer-batch-size", "16", StreamingExecutionOptions::producerBatchSize, 16));
		cases.add(new OverrideCase("producer-flush-interval", "250ms",
				StreamingExecutionOptions::producerFlushInterval, Duration.ofMillis(250)));
		cases.add(new OverrideCase("include-final-state", "false", StreamingExecutionOptions::includeFinalState,
				false));
		cases.add(new OverrideCase("heartbeat.enabled", "true", StreamingExecutionOptions::enableHeartbeat, true));
		cases.add(new OverrideCase("heartbeat.interval", "15s", StreamingExecutionOptions::heartbeatInterval,
				Duration.ofSeconds(15)));
		cases.add(new OverrideCase("compression.enabled", "true", StreamingExecutionOptions::enableEventCompression,
				true));
		cases.add(new OverrideCase("compression.algorithm", "brotli", StreamingExecutionOptions::compressionAlgorithm,
				CompressionAlgorithm.BROTLI));
		cases.add(new OverrideCase("compression.threshold", "1MB", StreamingExecutionOptions::compressionThresholdBytes,
				1024 * 1024));
		cases.add(new OverrideCase("compression.adaptive.enabled", "true",
				StreamingExecutionOptions::enableAdaptiveCompression, true));
		cases.add(new OverrideCase("compression.adaptive.window-size", "50",
				StreamingExecutionOptions::adaptiveCompressionWindowSize, 50));
		cases.add(new OverrideCase("compression.adaptive.min-savings-ratio", "0.25",
				StreamingExecutionOptions::adaptiveCompressionMinSavingsRatio, 0.25));
		cases.add(new OverrideCase("compression.adaptive.min-threshold", "1KB",
				StreamingExecutionOptions::adaptiveCompressionMinThresholdBytes, 1024));
		cases.add(new OverrideCase("compression.adaptive.max-threshold", "128KB",
				StreamingExecutionOptions::adaptiveCompressionMaxThresholdBytes, 128 * 1024));
		cases.add(new OverrideCase("memory-mapped-buffers.enabled", "true",
				StreamingExecutionOptions::enableMemoryMappedBuffers, true));
		cases.add(new OverrideCase("memory-mapped-buffers.file-size", "16MB",
				StreamingExecutionOptions::memoryMappedFileSizeBytes, 16L * 1024 * 1024));
		cases.add(new OverrideCase("memory-mapped-buffers.directory", "/tmp/graph-segments",
				StreamingExecutionOptions::memoryMappedDirectory, Path.of("/tmp/graph-segments")));
		cases.add(new OverrideCase("memory-mapped-buffers.in-memory-events", "500",
				StreamingExecutionOptions::memoryMappedInMemoryEvents, 500));
		cases.add(new OverrideCase("memory-mapped-buffers.max-bytes-per-execution", "256MB",
				StreamingExecutionOptions::memoryMappedMaxBytesPerExecution, 256L * 1024 * 1024));
		cases.add(new OverrideCase("reconnect.enabled", "true", StreamingExecutionOptions::enableAutoReconnect, true));
		cases.add(new OverrideCase("reconnect.max-attempts", "5", StreamingExecutionOptions::maxReconnectAttempts, 5));
		cases.add(new OverrideCase("reconnect.initial-delay", "500ms",
				StreamingExecutionOptions::initialReconnectDelay, Duration.ofMillis(500)));
		cases.add(new OverrideCase("reconnect.max-delay", "1m", StreamingExecutionOptions::maxReconnectDelay,
				Duration.ofMinutes(1)));
		cases.add(new OverrideCase("metrics.enabled", "false", StreamingExecutionOptions::enableMetrics, false));
		cases.add(new OverrideCase("metrics.meter-name", "app.graphs", StreamingExecutionOptions::metricsMeterName,
				"app.graphs"));
		cases.add(new OverrideCase("journal.retention", "2m", StreamingExecutionOptions::journalRetention,
				Duration.ofMinutes(2)));
		cases.add(new OverrideCase("journal.max-events", "500", StreamingExecutionOptions::journalMaxEvents, 500));
		return cases;
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("overrides")
	void runWithGraphOverrideShouldApplyItToThatGraphOnly(OverrideCase override) {
		this.contextRunner.withPropertyValues(PREFIX + "graphs.alpha." + override.key() + "=" + override.value())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				GraphRegistry registry = context.getBean(GraphRegistry.class);
				assertThat(override.option().apply(registry.options("alpha"))).isEqualTo(override.expected());
				assertThat(override.option().apply(registry.options("beta"))).isNotEqualTo(override.expected());
			});
	}

	@Test
	void everyRootExecutionOptionHasAGraphOverride() {
		Set<String> executionOptions = GraphStreamingPropertiesTests.properties()
			.stream()
			.map(GraphStreamingPropertiesTests.PropertyCase::key)
			.filter((key) -> NOT_EXECUTION_OPTIONS.stream().noneMatch(key::startsWith))
			.filter((key) -> !SHARED_BY_ALL_GRAPHS.contains(key))
			.collect(Collectors.toCollection(TreeSet::new));
		Set<String> overridable = overrides().stream()
			.map(OverrideCase::key)
			.collect(Collectors.toCollection(TreeSet::new));
		assertThat(overridable).isEqualTo(executionOptions);
	}

	@Test
	void runWithGraphOverridesShouldBindThemByGraphId() {
		this.contextRunner
			.withPropertyValues(PREFIX + "graphs.alpha.compression.adaptive.enabled=true",
					PREFIX + "graphs.alpha.compression.adaptive.window-size=20",
					PREFIX + "graphs.alpha.compression.adaptive.min-savings-ratio=0.3",
					PREFIX + "graphs.alpha.compression.adaptive.min-threshold=1KB",
					PREFIX + "graphs.alpha.compression.adaptive.max-threshold=32KB",
					PREFIX + "graphs.alpha.memory-mapped-buffers.enabled=true",
					PREFIX + "graphs.alpha.memory-mapped-buffers.file-size=1MB",
					PREFIX + "graphs.alpha.memory-mapped-buffers.directory=/tmp/alpha",
					PREFIX + "graphs.alpha.memory-mapped-buffers.in-memory-events=10",
					PREFIX + "graphs.alpha.memory-mapped-buffers.max-bytes-per-execution=8MB",
					PREFIX + "graphs.alpha.reconnect.enabled=true", PREFIX + "graphs.alpha.reconnect.max-attempts=9",
					PREFIX + "graphs.alpha.reconnect.initial-delay=2s", PREFIX + "graphs.alpha.reconnect.max-delay=40s",
					PREFIX + "graphs.alpha.metrics.meter-name=alpha.graph")
			.run((context) -> {
				GraphOverrides alpha = context.getBean(GraphStreamingProperties.class).getGraphs().get("alpha");
				GraphStreamingProperties.CompressionOverrides.Adaptive adaptive = alpha.getCompression().getAdaptive();
				assertThat(adaptive.getEnabled()).isTrue();
				assertThat(adaptive.getWindowSize()).isEqualTo(20);
				assertThat(adaptive.getMinSavingsRatio()).isEqualTo(0.3);
				assertThat(adaptive.getMinThreshold()).isEqualTo(DataSize.ofKilobytes(1));
				assertThat(adaptive.getMaxThreshold()).isEqualTo(DataSize.ofKilobytes(32));
				GraphStreamingProperties.MemoryMappedBuffersOverrides mapped = alpha.getMemoryMappedBuffers();
				assertThat(mapped.getEnabled()).isTrue();
				assertThat(mapped.getFileSize()).isEqualTo(DataSize.ofMegabytes(1));
				assertThat(mapped.getDirectory()).isEqualTo(Path.of("/tmp/alpha"));
				assertThat(mapped.getInMemoryEvents()).isEqualTo(10);
				assertThat(mapped.getMaxBytesPerExecution()).isEqualTo(DataSize.ofMegabytes(8));
				assertThat(mapped.getMaxTotalBytes()).isNull();
				GraphStreamingProperties.ReconnectOverrides reconnect = alpha.getReconnect();
				assertThat(reconnect.getEnabled()).isTrue();
				assertThat(reconnect.getMaxAttempts()).isEqualTo(9);
				assertThat(reconnect.getInitialDelay()).isEqualTo(Duration.ofSeconds(2));
				assertThat(reconnect.getMaxDelay()).isEqualTo(Duration.ofSeconds(40));
				assertThat(alpha.getMetrics().getMeterName()).isEqualTo("alpha.graph");
				assertThat(alpha.getMetrics().getDurationBuckets()).isNull();
			});
	}

	/**
	 * The builder takes adaptive compression, spill and reconnect values as groups; a key
	 * set for the graph joins the root values of the others.
	 */
	@Test
	void runWithPartOfAGroupOverriddenShouldTakeTheRestFromTheRoot() {
		this.contextRunner
			.withPropertyValues(PREFIX + "compression.adaptive.enabled=true",
					PREFIX + "compression.adaptive.window-size=40", PREFIX + "graphs.alpha.compression.adaptive.min-threshold=4KB",
					PREFIX + "memory-mapped-buffers.file-size=1MB", PREFIX + "memory-mapped-buffers.directory=/tmp/root",
					PREFIX + "graphs.alpha.memory-mapped-buffers.in-memory-events=20",
					PREFIX + "reconnect.max-attempts=7", PREFIX + "reconnect.initial-delay=2s",
					PREFIX + "graphs.alpha.reconnect.max-delay=1m")
			.run((context) -> {
				GraphRegistry registry = context.getBean(GraphRegistry.class);
				StreamingExecutionOptions alpha = registry.options("alpha");
				assertThat(alpha.enableAdaptiveCompression()).isTrue();
				assertThat(alpha.adaptiveCompressionWindowSize()).isEqualTo(40);
				assertThat(alpha.adaptiveCompressionMinThresholdBytes()).isEqualTo(4096);
				assertThat(alpha.adaptiveCompressionMaxThresholdBytes()).isEqualTo(64 * 1024);
				assertThat(alpha.memoryMappedFileSizeBytes()).isEqualTo(1024 * 1024);
				assertThat(alpha.memoryMappedDirectory()).isEqualTo(Path.of("/tmp/root"));
				assertThat(alpha.memoryMappedInMemoryEvents()).isEqualTo(20);
				assertThat(alpha.memoryMappedMaxTotalBytes()).isEqualTo(DataSize.ofGigabytes(4).toBytes());
				assertThat(alpha.maxReconnectAttempts()).isEqualTo(7);
				assertThat(alpha.initialReconnectDelay()).isEqualTo(Duration.ofSeconds(2));
				assertThat(alpha.maxReconnectDelay()).isEqualTo(Duration.ofMinutes(1));
				StreamingExecutionOptions beta = registry.options("beta");
				assertThat(beta.adaptiveCompressionMinThresholdBytes()).isEqualTo(2048);
				assertThat(beta.memoryMappedInMemoryEvents()).isEqualTo(1000);
				assertThat(beta.maxReconnectDelay()).isEqualTo(Duration.ofSeconds(30));
			});
	}

	/**
	 * Reconnection is the remote client's: the auto-configured builder's clients take a
	 * graph's reconnect keys for streams of that graph, local bean or not.
	 */
	@Test
	void runWithGraphReconnectOverridesShouldReachTheClientForThatGraphOnly() {
		this.contextRunner
			.withPropertyValues(PREFIX + "graphs.weather.reconnect.enabled=true",
					PREFIX + "graphs.weather.reconnect.max-attempts=10",
					PREFIX + "graphs.weather.reconnect.initial-delay=200ms",
					PREFIX + "graphs.weather.reconnect.max-delay=5s")
			.run((context) -> {
				GraphStreamClient client = context.getBean(GraphStreamClient.Builder.class)
					.baseUrl("http://localhost:8080/graphs")
					.build();
				StreamingExecutionOptions weather = client.options("weather");
				assertThat(weather.enableAutoReconnect()).isTrue();
				assertThat(weather.maxReconnectAttempts()).isEqualTo(10);
				assertThat(weather.initialReconnectDelay()).isEqualTo(Duration.ofMillis(200));
				assertThat(weather.maxReconnectDelay()).isEqualTo(Duration.ofSeconds(5));
				StreamingExecutionOptions other = client.options("alpha");
				assertThat(other.enableAutoReconnect()).isFalse();
				assertThat(other.maxReconnectAttempts()).isEqualTo(3);
			});
	}

	/**
	 * Spill is per execution: a graph that turns it on spills its journal to segment
	 * files, the other graph keeps everything in memory.
	 */
	@Test
	void runWithGraphMemoryMappedBuffersShouldSpillThatGraphsExecutionsOnly() {
		this.contextRunner
			.withPropertyValues(PREFIX + "graphs.alpha.memory-mapped-buffers.enabled=true",
					PREFIX + "graphs.alpha.memory-mapped-buffers.file-size=64KB",
					PREFIX + "graphs.alpha.memory-mapped-buffers.directory=" + this.directory,
					PREFIX + "graphs.alpha.memory-mapped-buffers.in-memory-events=1",
					PREFIX + "graphs.alpha.memory-mapped-buffers.max-bytes-per-execution=1MB")
			.run((context) -> {
				GraphRegistry registry = context.getBean(GraphRegistry.class);
				GraphExecution alpha = run(registry, "alpha");
				assertThat(alpha.journal().spills()).isTrue();
				assertThat(alpha.journal().spilledSegments()).isPositive();
				assertThat(alpha.journal().spillDirectory()).hasParent(this.directory);
				GraphExecution beta = run(registry, "beta");
				assertThat(beta.journal().spills()).isFalse();
			});
	}

	private static GraphExecution run(GraphRegistry registry, String graphId) {
		GraphExecution execution = registry.create(graphId, Map.of());
		execution.stream().flux().then().block(Duration.ofSeconds(10));
		assertThat(execution.result().block(Duration.ofSeconds(10)).status()).isEqualTo(ExecutionStatus.COMPLETED);
		return execution;
	}

	static Stream<Arguments> invalidValues() {
		return Stream.of(
				invalid("graphs.alpha.compression.adaptive.enabled", "graphs.alpha.compression.adaptive.enabled=maybe"),
				invalid("graphs.alpha.compression.adaptive.window-size",
						"graphs.alpha.compression.adaptive.window-size=0"),
				invalid("graphs.alpha.compression.adaptive.min-savings-ratio",
						"graphs.alpha.compression.adaptive.min-savings-ratio=1.5"),
				invalid("graphs.alpha.compression.adaptive.min-threshold",
						"graphs.alpha.compression.adaptive.min-threshold=-1KB"),
				invalid("graphs.alpha.compression.adaptive.max-threshold",
						"graphs.alpha.compression.adaptive.max-threshold=3GB"),
				// valid alone, below the root's min-threshold (2KB) for this graph
				invalid("graphs.alpha.compression.adaptive.max-threshold",
						"graphs.alpha.compression.adaptive.max-threshold=1KB"),
				invalid("graphs.alpha.memory-mapped-buffers.enabled", "graphs.alpha.memory-mapped-buffers.enabled=maybe"),
				invalid("graphs.alpha.memory-mapped-buffers.file-size", "graphs.alpha.memory-mapped-buffers.file-size=1KB"),
				invalid("graphs.alpha.memory-mapped-buffers.file-size", "graphs.alpha.memory-mapped-buffers.file-size=3GB"),
				invalid("graphs.alpha.memory-mapped-buffers.in-memory-events",
						"graphs.alpha.memory-mapped-buffers.in-memory-events=0"),
				invalid("graphs.alpha.memory-mapped-buffers.max-bytes-per-execution",
						"graphs.alpha.memory-mapped-buffers.max-bytes-per-execution=0B"),
				// above the JVM-wide budget (4GB)
				invalid("graphs.alpha.memory-mapped-buffers.max-bytes-per-execution",
						"graphs.alpha.memory-mapped-buffers.max-bytes-per-execution=8GB"),
				// below one segment (64MB) once this graph spills
				invalid("graphs.alpha.memory-mapped-buffers.max-bytes-per-execution",
						"graphs.alpha.memory-mapped-buffers.enabled=true",
						"graphs.alpha.memory-mapped-buffers.max-bytes-per-execution=128KB"),
				invalid("graphs.demo.reconnect.max-attempts", "graphs.demo.reconnect.max-attempts=-5"),
				invalid("graphs.alpha.reconnect.enabled", "graphs.alpha.reconnect.enabled=sometimes"),
				invalid("graphs.alpha.reconnect.initial-delay", "graphs.alpha.reconnect.initial-delay=0s"),
				invalid("graphs.alpha.reconnect.max-delay", "graphs.alpha.reconnect.max-delay=-1s"),
				// valid alone, below the root's initial-delay (1s) for this graph
				invalid("graphs.alpha.reconnect.max-delay", "graphs.alpha.reconnect.max-delay=100ms"),
				invalid("graphs.alpha.metrics.meter-name", "graphs.alpha.metrics.meter-name=Bad Name"),
				invalid("graphs.alpha.metrics.meter-name", "graphs.alpha.metrics.meter-name="));
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("invalidValues")
	void runWithInvalidGraphValueShouldFailNamingTheKey(String key, List<String> properties) {
		this.contextRunner.withPropertyValues(properties.stream().map((property) -> PREFIX + property)
			.toArray(String[]::new)).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(messages(context.getStartupFailure())).contains(PREFIX + key);
			});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("sharedByAllGraphs")
	void runWithKeySharedByAllGraphsSetPerGraphShouldFailNamingTheKey(String key, String value) {
		this.contextRunner.withPropertyValues(PREFIX + "graphs.alpha." + key + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains(PREFIX + "graphs.alpha." + key)
				.contains("cannot be set per graph")
				.contains("set " + PREFIX + key + " instead");
		});
	}

	static Stream<Arguments> sharedByAllGraphs() {
		return Stream.of(Arguments.of("memory-mapped-buffers.max-total-bytes", "1GB"),
				Arguments.of("metrics.duration-buckets", "10ms,100ms"));
	}

	private static Arguments invalid(String key, String... properties) {
		return Arguments.of(key, List.of(properties));
	}

	private static String messages(@Nullable Throwable failure) {
		StringBuilder all = new StringBuilder();
		for (Throwable current = failure; current != null; current = current.getCause()) {
			all.append(current.getMessage()).append('\n');
		}
		return all.toString();
	}

	record OverrideCase(String key, String value, Function<StreamingExecutionOptions, @Nullable Object> option,
			Object expected) {

		@Override
		public String toString() {
			return this.key;
		}

	}

}
