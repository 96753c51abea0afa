package io.graphstreaming.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.options.CompressionAlgorithm;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.spring.autoconfigure.GraphStreamingAutoConfigurationTests.GraphsConfiguration;
import io.graphstreaming.spring.registry.DisconnectPolicy;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.registry.ShutdownMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GraphStreamingProperties}: every key binds with its default and a
 * kebab-case value, execution options reach {@link GraphRegistry#options(String)} (per
 * graph with {@code graphs.<id>.*}), invalid values fail start-up naming the key, and
 * every key is documented in the IDE metadata.
 */
class GraphStreamingPropertiesTests {

	private static final String PREFIX = "graph.streaming.";

	private final ApplicationContextRunner bindingRunner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesConfiguration.class);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class))
		.withUserConfiguration(GraphsConfiguration.class);

	private final ReactiveWebApplicationContextRunner webContextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class,
				GraphStreamingWebFluxAutoConfiguration.class, GraphStreamingWebSocketAutoConfiguration.class))
		.withUserConfiguration(GraphsConfiguration.class);

	/**
	 * Every key: a value that is not its default, how to read it back, its default, and
	 * what the value binds to.
	 */
	static List<PropertyCase> properties() {
		List<PropertyCase> cases = new ArrayList<>();
		cases.add(new PropertyCase("buffer-size", "50", GraphStreamingProperties::getBufferSize, 100, 50));
		cases.add(new PropertyCase("max-buffer-size", "2000", GraphStreamingProperties::getMaxBufferSize, 1000, 2000));
		cases.add(new PropertyCase("overflow-policy", "drop-oldest", GraphStreamingProperties::getOverflowPolicy,
				OverflowPolicy.BLOCK, OverflowPolicy.DROP_OLDEST));
		cases.add(new PropertyCase("event-types-to-emit", "NodeStarted,NodeCompleted",
				GraphStreamingProperties::getEventTypesToEmit, List.of(),
				List.of(GraphExecutionEventType.NODE_STARTED, GraphExecutionEventType.NODE_COMPLETED)));
		cases.add(new PropertyCase("producer-batch-size", "16", GraphStreamingProperties::getProducerBatchSize, 1, 16));
		cases.add(new PropertyCase("producer-flush-interval", "250ms",
				GraphStreamingProperties::getProducerFlushInterval, Duration.ofMillis(100), Duration.ofMillis(250)));
		cases.add(new PropertyCase("include-final-state", "false", GraphStreamingProperties::isIncludeFinalState, true,
				false));
		cases.add(new PropertyCase("heartbeat.enabled", "true", (p) -> p.getHeartbeat().isEnabled(), false, true));
		cases.add(new PropertyCase("heartbeat.interval", "15s", (p) -> p.getHeartbeat().getInterval(),
				Duration.ofSeconds(30), Duration.ofSeconds(15)));
		cases.add(new PropertyCase("compression.enabled", "true", (p) -> p.getCompression().isEnabled(), false, true));
		cases.add(new PropertyCase("compression.algorithm", "brotli", (p) -> p.getCompression().getAlgorithm(),
				CompressionAlgorithm.GZIP, CompressionAlgorithm.BROTLI));
		cases.add(new PropertyCase("compression.threshold", "1MB", (p) -> p.getCompression().getThreshold(),
				DataSize.ofKilobytes(8), DataSize.ofMegabytes(1)));
		cases.add(new PropertyCase("compression.adaptive.enabled", "true",
				(p) -> p.getCompression().getAdaptive().isEnabled(), false, true));
		cases.add(new PropertyCase("compression.adaptive.window-size", "50",
				(p) -> p.getCompression().getAdaptive().getWindowSize(), 100, 50));
		cases.add(new PropertyCase("compression.adaptive.min-savings-ratio", "0.25",
				(p) -> p.getCompression().getAdaptive().getMinSavingsRatio(), 0.1, 0.25));
		cases.add(new PropertyCase("compression.adaptive.min-threshold", "1KB",
				(p) -> p.getCompression().getAdaptive().getMinThreshold(), DataSize.ofKilobytes(2),
				DataSize.ofKilobytes(1)));
		cases.add(new PropertyCase("compression.adaptive.max-threshold", "128KB",
				(p) -> p.getCompression().getAdaptive().getMaxThreshold(), DataSize.ofKilobytes(64),
				DataSize.ofKilobytes(128)));
		cases.add(new PropertyCase("memory-mapped-buffers.enabled", "true",
				(p) -> p.getMemoryMappedBuffers().isEnabled(), false, true));
		cases.add(new PropertyCase("memory-mapped-buffers.file-size", "16MB",
				(p) -> p.getMemoryMappedBuffers().getFileSize(), DataSize.ofMegabytes(64), DataSize.ofMegabytes(16)));
		cases.add(new PropertyCase("memory-mapped-buffers.directory", "/tmp/graph-segments",
				(p) -> p.getMemoryMappedBuffers().getDirectory(), null, Path.of("/tmp/graph-segments")));
		cases.add(new PropertyCase("memory-mapped-buffers.in-memory-events", "500",
				(p) -> p.getMemoryMappedBuffers().getInMemoryEvents(), 1000, 500));
		cases.add(new PropertyCase("memory-mapped-buffers.max-bytes-per-execution", "256MB",
				(p) -> p.getMemoryMappedBuffers().getMaxBytesPerExecution(), DataSize.ofGigabytes(1),
				DataSize.ofMegabytes(256)));
		cases.add(new PropertyCase("memory-mapped-buffers.max-total-bytes", "2GB",
				(p) -> p.getMemoryMappedBuffers().getMaxTotalBytes(), DataSize.ofGigabytes(4),
				DataSize.ofGigabytes(2)));
		cases.add(new PropertyCase("reconnect.enabled", "true", (p) -> p.getReconnect().isEnabled(), false, true));
		cases.add(new PropertyCase("reconnect.max-attempts", "5", (p) -> p.getReconnect().getMaxAttempts(), 3, 5));
		cases.add(new PropertyCase("reconnect.initial-delay", "500ms", (p) -> p.getReconnect().getInitialDelay(),
				Duration.ofSeconds(1), Duration.ofMillis(500)));
		cases.add(new PropertyCase("reconnect.max-delay", "1m", (p) -> p.getReconnect().getMaxDelay(),
				Duration.ofSeconds(30), Duration.ofMinutes(1)));
		cases.add(new PropertyCase("metrics.enabled", "false", (p) -> p.getMetrics().isEnabled(), true, false));
		cases.add(new PropertyCase("metrics.meter-name", "app.graphs", (p) -> p.getMetrics().getMeterName(),
				"graph.streaming", "app.graphs"));
		cases.add(new PropertyCase("metrics.duration-buckets", "10ms,100ms,1s",
				(p) -> p.getMetrics().getDurationBuckets(), List.of(),
				List.of(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1))));
		cases.add(new PropertyCase("journal.retention", "2m", (p) -> p.getJournal().getRetention(),
				Duration.ofMinutes(5), Duration.ofMinutes(2)));
		cases.add(new PropertyCase("journal.max-events", "500", (p) -> p.getJournal().getMaxEvents(), 10_000, 500));
		cases.add(new PropertyCase("journal.type", "redis", (p) -> p.getJournal().getType(),
				GraphStreamingProperties.Journal.JournalType.MEMORY, GraphStreamingProperties.Journal.JournalType.REDIS));
		cases.add(new PropertyCase("execution.max-concurrent", "20", (p) -> p.getExecution().getMaxConcurrent(), 1000,
				20));
		cases.add(new PropertyCase("execution.disconnect-policy", "cancel",
				(p) -> p.getExecution().getDisconnectPolicy(), DisconnectPolicy.CONTINUE, DisconnectPolicy.CANCEL));
		cases.add(new PropertyCase("execution.unconsumed-timeout", "10s",
				(p) -> p.getExecution().getUnconsumedTimeout(), Duration.ofSeconds(30), Duration.ofSeconds(10)));
		cases.add(new PropertyCase("web.base-path", "/api/graphs", (p) -> p.getWeb().getBasePath(), "/graphs",
				"/api/graphs"));
		cases.add(new PropertyCase("web.sse-enabled", "false", (p) -> p.getWeb().isSseEnabled(), true, false));
		cases.add(new PropertyCase("web.websocket-enabled", "false", (p) -> p.getWeb().isWebsocketEnabled(), true,
				false));
		cases.add(new PropertyCase("web.polling-enabled", "false", (p) -> p.getWeb().isPollingEnabled(), true, false));
		cases.add(new PropertyCase("web.long-poll-max-wait", "5s", (p) -> p.getWeb().getLongPollMaxWait(),
				Duration.ofSeconds(30), Duration.ofSeconds(5)));
		cases.add(new PropertyCase("web.poll-max-events", "100", (p) -> p.getWeb().getPollMaxEvents(), 1000, 100));
		cases.add(new PropertyCase("web.max-request-body", "1MB", (p) -> p.getWeb().getMaxRequestBody(),
				DataSize.ofKilobytes(256), DataSize.ofMegabytes(1)));
		cases.add(new PropertyCase("web.max-concurrent-streams", "200", (p) -> p.getWeb().getMaxConcurrentStreams(),
				10_000, 200));
		cases.add(new PropertyCase("web.max-concurrent-streams-per-client", "20",
				(p) -> p.getWeb().getMaxConcurrentStreamsPerClient(), 1000, 20));
		cases.add(new PropertyCase("web.max-executions-per-minute-per-client", "60",
				(p) -> p.getWeb().getMaxExecutionsPerMinutePerClient(), 600, 60));
		cases.add(new PropertyCase("web.max-input-depth", "8", (p) -> p.getWeb().getMaxInputDepth(), 32, 8));
		cases.add(new PropertyCase("web.max-input-elements", "500", (p) -> p.getWeb().getMaxInputElements(), 10_000,
				500));
		cases.add(new PropertyCase("web.websocket-max-sessions", "100", (p) -> p.getWeb().getWebsocketMaxSessions(),
				5000, 100));
		cases.add(new PropertyCase("web.websocket-max-sessions-per-client", "5",
				(p) -> p.getWeb().getWebsocketMaxSessionsPerClient(), 500, 5));
		cases.add(new PropertyCase("web.websocket-max-message-size", "64KB",
				(p) -> p.getWeb().getWebsocketMaxMessageSize(), DataSize.ofKilobytes(256), DataSize.ofKilobytes(64)));
		cases.add(new PropertyCase("web.retry-after", "3s", (p) -> p.getWeb().getRetryAfter(), Duration.ofSeconds(1),
				Duration.ofSeconds(3)));
		cases.add(new PropertyCase("web.websocket-ping-interval", "10s", (p) -> p.getWeb().getWebsocketPingInterval(),
				Duration.ofSeconds(30), Duration.ofSeconds(10)));
		cases.add(new PropertyCase("web.websocket-permessage-deflate", "true",
				(p) -> p.getWeb().isWebsocketPermessageDeflate(), false, true));
		cases.add(new PropertyCase("web.netty-keep-alive-fix", "false", (p) -> p.getWeb().isNettyKeepAliveFix(), true,
				false));
		cases.add(new PropertyCase("dashboard.enabled", "true", (p) -> p.getDashboard().isEnabled(), false, true));
		cases.add(new PropertyCase("dashboard.path", "/ops/graphs", (p) -> p.getDashboard().getPath(),
				"/graph-dashboard", "/ops/graphs"));
		cases.add(new PropertyCase("checkpoints.enabled", "true", (p) -> p.getCheckpoints().isEnabled(), false, true));
		cases.add(new PropertyCase("checkpoints.store", "file", (p) -> p.getCheckpoints().getStore(),
				GraphStreamingProperties.Checkpoints.StoreType.MEMORY, GraphStreamingProperties.Checkpoints.StoreType.FILE));
		cases.add(new PropertyCase("checkpoints.directory", "/var/lib/app/checkpoints",
				(p) -> p.getCheckpoints().getDirectory(),
				Path.of(System.getProperty("java.io.tmpdir"), "graph-streaming", "checkpoints"),
				Path.of("/var/lib/app/checkpoints")));
		cases.add(new PropertyCase("checkpoints.every-nodes", "3", (p) -> p.getCheckpoints().getEveryNodes(), 1, 3));
		cases.add(new PropertyCase("checkpoints.max-per-execution", "10",
				(p) -> p.getCheckpoints().getMaxPerExecution(), 100, 10));
		cases.add(new PropertyCase("security.admin-role", "OPS", (p) -> p.getSecurity().getAdminRole(), "GRAPH_ADMIN",
				"OPS"));
		cases.add(new PropertyCase("shutdown.mode", "drain", (p) -> p.getShutdown().getMode(), ShutdownMode.CANCEL,
				ShutdownMode.DRAIN));
		cases.add(new PropertyCase("shutdown.await", "1m", (p) -> p.getShutdown().getAwait(), Duration.ofSeconds(30),
				Duration.ofMinutes(1)));
		cases.add(new PropertyCase("web.cors.allowed-origins", "https://a.example,https://b.example",
				(p) -> p.getWeb().getCors().getAllowedOrigins(), List.of(),
				List.of("https://a.example", "https://b.example")));
		cases.add(new PropertyCase("web.cors.allowed-origin-patterns", "https://*.example.org",
				(p) -> p.getWeb().getCors().getAllowedOriginPatterns(), List.of(), List.of("https://*.example.org")));
		cases.add(new PropertyCase("web.cors.allowed-methods", "GET", (p) -> p.getWeb().getCors().getAllowedMethods(),
				List.of("GET", "HEAD", "POST", "DELETE"), List.of("GET")));
		cases.add(new PropertyCase("web.cors.allowed-headers", "*", (p) -> p.getWeb().getCors().getAllowedHeaders(),
				List.of("Accept", "Authorization", "Content-Type", "Last-Event-ID"), List.of("*")));
		cases.add(new PropertyCase("web.cors.exposed-headers", "X-Execution-Id",
				(p) -> p.getWeb().getCors().getExposedHeaders(),
				List.of("Location", "Retry-After", "X-Execution-Id", "X-Resumed-From"), List.of("X-Execution-Id")));
		cases.add(new PropertyCase("web.cors.allow-credentials", "true", (p) -> p.getWeb().getCors().isAllowCredentials(),
				false, true));
		cases.add(new PropertyCase("web.cors.max-age", "1h", (p) -> p.getWeb().getCors().getMaxAge(),
				Duration.ofMinutes(30), Duration.ofHours(1)));
		return cases;
	}

	@Test
	void runWithoutPropertiesShouldBindEveryDefault() {
		this.bindingRunner.run((context) -> {
			GraphStreamingProperties properties = context.getBean(GraphStreamingProperties.class);
			for (PropertyCase property : properties()) {
				assertThat(property.getter().apply(properties)).as(property.key()).isEqualTo(property.defaultValue());
			}
			assertThat(properties.getGraphs()).isEmpty();
		});
	}

	@Test
	void runWithEveryPropertySetShouldBindEachValue() {
		this.bindingRunner.withPropertyValues(properties().stream()
			.map((property) -> PREFIX + property.key() + "=" + property.value())
			.toArray(String[]::new)).run((context) -> {
				GraphStreamingProperties properties = context.getBean(GraphStreamingProperties.class);
				for (PropertyCase property : properties()) {
					assertThat(property.getter().apply(properties)).as(property.key()).isEqualTo(property.bound());
				}
			});
	}

	@Test
	void runWithGraphOverridesShouldBindThemByGraphId() {
		this.bindingRunner
			.withPropertyValues(PREFIX + "graphs.alpha.buffer-size=5", PREFIX + "graphs.alpha.max-buffer-size=10",
					PREFIX + "graphs.alpha.overflow-policy=drop-newest",
					PREFIX + "graphs.alpha.event-types-to-emit=NodeCompleted",
					PREFIX + "graphs.alpha.producer-batch-size=4", PREFIX + "graphs.alpha.producer-flush-interval=20ms",
					PREFIX + "graphs.alpha.include-final-state=false", PREFIX + "graphs.alpha.heartbeat.enabled=true",
					PREFIX + "graphs.alpha.heartbeat.interval=5s", PREFIX + "graphs.alpha.journal.retention=1m",
					PREFIX + "graphs.alpha.journal.max-events=50", PREFIX + "graphs.alpha.compression.enabled=true",
					PREFIX + "graphs.alpha.compression.algorithm=brotli",
					PREFIX + "graphs.alpha.compression.threshold=2KB", PREFIX + "graphs.alpha.metrics.enabled=false")
			.run((context) -> {
				Map<String, GraphStreamingProperties.GraphOverrides> graphs = context
					.getBean(GraphStreamingProperties.class)
					.getGraphs();
				assertThat(graphs).containsOnlyKeys("alpha");
				GraphStreamingProperties.GraphOverrides alpha = graphs.get("alpha");
				assertThat(alpha.getBufferSize()).isEqualTo(5);
				assertThat(alpha.getMaxBufferSize()).isEqualTo(10);
				assertThat(alpha.getOverflowPolicy()).isEqualTo(OverflowPolicy.DROP_NEWEST);
				assertThat(alpha.getEventTypesToEmit()).containsExactly(GraphExecutionEventType.NODE_COMPLETED);
				assertThat(alpha.getProducerBatchSize()).isEqualTo(4);
				assertThat(alpha.getProducerFlushInterval()).isEqualTo(Duration.ofMillis(20));
				assertThat(alpha.getIncludeFinalState()).isFalse();
				assertThat(alpha.getHeartbeat().getEnabled()).isTrue();
				assertThat(alpha.getHeartbeat().getInterval()).isEqualTo(Duration.ofSeconds(5));
				assertThat(alpha.getJournal().getRetention()).isEqualTo(Duration.ofMinutes(1));
				assertThat(alpha.getJournal().getMaxEvents()).isEqualTo(50);
				assertThat(alpha.getCompression().getEnabled()).isTrue();
				assertThat(alpha.getCompression().getAlgorithm()).isEqualTo(CompressionAlgorithm.BROTLI);
				assertThat(alpha.getCompression().getThreshold()).isEqualTo(DataSize.ofKilobytes(2));
				assertThat(alpha.getMetrics().getEnabled()).isFalse();
			});
	}

	@Test
	void runWithExecutionOptionsShouldApplyThemToEveryGraph() {
		this.contextRunner.withPropertyValues(PREFIX + "buffer-size=50", PREFIX + "max-buffer-size=2000",
				PREFIX + "overflow-policy=drop-oldest", PREFIX + "event-types-to-emit=NodeStarted,NodeCompleted",
				PREFIX + "producer-batch-size=16", PREFIX + "producer-flush-interval=250ms",
				PREFIX + "include-final-state=false", PREFIX + "heartbeat.enabled=true", PREFIX + "heartbeat.interval=15s",
				PREFIX + "compression.algorithm=brotli", PREFIX + "compression.threshold=1MB",
				PREFIX + "compression.adaptive.window-size=50", PREFIX + "compression.adaptive.min-savings-ratio=0.25",
				PREFIX + "compression.adaptive.min-threshold=1KB", PREFIX + "compression.adaptive.max-threshold=128KB",
				PREFIX + "memory-mapped-buffers.file-size=16MB", PREFIX + "memory-mapped-buffers.directory=/tmp/segments",
				PREFIX + "reconnect.enabled=true", PREFIX + "reconnect.max-attempts=5",
				PREFIX + "reconnect.initial-delay=500ms",
				PREFIX + "reconnect.max-delay=1m", PREFIX + "metrics.enabled=false", PREFIX + "metrics.meter-name=app.graphs",
				PREFIX + "journal.retention=2m", PREFIX + "journal.max-events=500")
			.run((context) -> {
				GraphRegistry registry = context.getBean(GraphRegistry.class);
				for (String graphId : List.of("alpha", "beta")) {
					StreamingExecutionOptions options = registry.options(graphId);
					assertThat(options.bufferSize()).isEqualTo(50);
					assertThat(options.maxBufferSize()).isEqualTo(2000);
					assertThat(options.overflowPolicy()).isEqualTo(OverflowPolicy.DROP_OLDEST);
					assertThat(options.eventTypesToEmit()).contains(GraphExecutionEventType.NODE_STARTED,
							GraphExecutionEventType.NODE_COMPLETED)
						.doesNotContain(GraphExecutionEventType.NODE_ENTERED);
					assertThat(options.producerBatchSize()).isEqualTo(16);
					assertThat(options.producerFlushInterval()).isEqualTo(Duration.ofMillis(250));
					assertThat(options.includeFinalState()).isFalse();
					assertThat(options.enableHeartbeat()).isTrue();
					assertThat(options.heartbeatInterval()).isEqualTo(Duration.ofSeconds(15));
					assertThat(options.enableEventCompression()).isFalse();
					assertThat(options.compressionAlgorithm()).isEqualTo(CompressionAlgorithm.BROTLI);
					assertThat(options.compressionThresholdBytes()).isEqualTo(1024 * 1024);
					assertThat(options.enableAdaptiveCompression()).isFalse();
					assertThat(options.adaptiveCompressionWindowSize()).isEqualTo(50);
					assertThat(options.adaptiveCompressionMinSavingsRatio()).isEqualTo(0.25);
					assertThat(options.adaptiveCompressionMinThresholdBytes()).isEqualTo(1024);
					assertThat(options.adaptiveCompressionMaxThresholdBytes()).isEqualTo(128 * 1024);
					assertThat(options.enableMemoryMappedBuffers()).isFalse();
					assertThat(options.memoryMappedFileSizeBytes()).isEqualTo(16L * 1024 * 1024);
					assertThat(options.memoryMappedDirectory()).isEqualTo(Path.of("/tmp/segments"));
					assertThat(options.enableAutoReconnect()).isTrue();
					assertThat(options.maxReconnectAttempts()).isEqualTo(5);
					assertThat(options.initialReconnectDelay()).isEqualTo(Duration.ofMillis(500));
					assertThat(options.maxReconnectDelay()).isEqualTo(Duration.ofMinutes(1));
					assertThat(options.enableMetrics()).isFalse();
					assertThat(options.metricsMeterName()).isEqualTo("app.graphs");
					assertThat(options.journalRetention()).isEqualTo(Duration.ofMinutes(2));
					assertThat(options.journalMaxEvents()).isEqualTo(500);
				}
			});
	}

	@Test
	void runWithoutPropertiesShouldGiveGraphsTheDefaultOptions() {
		this.contextRunner.run((context) -> {
			StreamingExecutionOptions options = context.getBean(GraphRegistry.class).options("alpha");
			StreamingExecutionOptions defaults = StreamingExecutionOptions.defaults();
			assertThat(options.bufferSize()).isEqualTo(defaults.bufferSize()).isEqualTo(100);
			assertThat(options.maxBufferSize()).isEqualTo(defaults.maxBufferSize()).isEqualTo(1000);
			assertThat(options.overflowPolicy()).isEqualTo(OverflowPolicy.BLOCK);
			assertThat(options.eventTypesToEmit()).containsExactlyInAnyOrder(GraphExecutionEventType.values());
			assertThat(options.producerBatchSize()).isEqualTo(1);
			assertThat(options.includeFinalState()).isTrue();
			assertThat(options.enableHeartbeat()).isFalse();
			assertThat(options.enableMetrics()).isTrue();
			assertThat(options.metricsMeterName()).isEqualTo("graph.streaming");
			assertThat(options.journalRetention()).isEqualTo(Duration.ofMinutes(5));
			assertThat(options.journalMaxEvents()).isEqualTo(10_000);
		});
	}

	@Test
	void runWithGraphOverridesShouldApplyThemToThatGraphOnly() {
		this.contextRunner.withPropertyValues(PREFIX + "graphs.alpha.buffer-size=5",
				PREFIX + "graphs.alpha.max-buffer-size=10", PREFIX + "graphs.alpha.overflow-policy=drop-newest",
				PREFIX + "graphs.alpha.event-types-to-emit=NodeCompleted", PREFIX + "graphs.alpha.producer-batch-size=4",
				PREFIX + "graphs.alpha.producer-flush-interval=20ms", PREFIX + "graphs.alpha.include-final-state=false",
				PREFIX + "graphs.alpha.heartbeat.enabled=true", PREFIX + "graphs.alpha.heartbeat.interval=5s",
				PREFIX + "graphs.alpha.journal.retention=1m", PREFIX + "graphs.alpha.journal.max-events=50",
				PREFIX + "graphs.alpha.compression.enabled=false", PREFIX + "graphs.alpha.compression.algorithm=brotli",
				PREFIX + "graphs.alpha.compression.threshold=2KB", PREFIX + "graphs.alpha.metrics.enabled=false")
			.run((context) -> {
				GraphRegistry registry = context.getBean(GraphRegistry.class);
				StreamingExecutionOptions alpha = registry.options("alpha");
				assertThat(alpha.bufferSize()).isEqualTo(5);
				assertThat(alpha.maxBufferSize()).isEqualTo(10);
				assertThat(alpha.overflowPolicy()).isEqualTo(OverflowPolicy.DROP_NEWEST);
				assertThat(alpha.emits(GraphExecutionEventType.NODE_COMPLETED)).isTrue();
				assertThat(alpha.emits(GraphExecutionEventType.NODE_STARTED)).isFalse();
				assertThat(alpha.producerBatchSize()).isEqualTo(4);
				assertThat(alpha.producerFlushInterval()).isEqualTo(Duration.ofMillis(20));
				assertThat(alpha.includeFinalState()).isFalse();
				assertThat(alpha.enableHeartbeat()).isTrue();
				assertThat(alpha.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
				assertThat(alpha.journalRetention()).isEqualTo(Duration.ofMinutes(1));
				assertThat(alpha.journalMaxEvents()).isEqualTo(50);
				assertThat(alpha.compressionAlgorithm()).isEqualTo(CompressionAlgorithm.BROTLI);
				assertThat(alpha.compressionThresholdBytes()).isEqualTo(2048);
				assertThat(alpha.enableMetrics()).isFalse();
				StreamingExecutionOptions beta = registry.options("beta");
				assertThat(beta.bufferSize()).isEqualTo(100);
				assertThat(beta.maxBufferSize()).isEqualTo(1000);
				assertThat(beta.overflowPolicy()).isEqualTo(OverflowPolicy.BLOCK);
				assertThat(beta.emits(GraphExecutionEventType.NODE_STARTED)).isTrue();
				assertThat(beta.includeFinalState()).isTrue();
				assertThat(beta.enableHeartbeat()).isFalse();
				assertThat(beta.journalMaxEvents()).isEqualTo(10_000);
				assertThat(beta.compressionAlgorithm()).isEqualTo(CompressionAlgorithm.GZIP);
				assertThat(beta.enableMetrics()).isTrue();
			});
	}

	@Test
	void runWithGraphOverrideShouldComeOnTopOfTheRootValue() {
		this.contextRunner.withPropertyValues(PREFIX + "buffer-size=20", PREFIX + "max-buffer-size=40",
				PREFIX + "graphs.alpha.max-buffer-size=80")
			.run((context) -> {
				StreamingExecutionOptions alpha = context.getBean(GraphRegistry.class).options("alpha");
				assertThat(alpha.bufferSize()).isEqualTo(20);
				assertThat(alpha.maxBufferSize()).isEqualTo(80);
				assertThat(context.getBean(GraphRegistry.class).options("beta").maxBufferSize()).isEqualTo(40);
			});
	}

	static Stream<Arguments> invalidValues() {
		return Stream.of(Arguments.of("buffer-size=0", "buffer-size"),
				Arguments.of("max-buffer-size=50", "max-buffer-size"),
				Arguments.of("overflow-policy=bogus", "overflow-policy"),
				Arguments.of("event-types-to-emit=Bogus", "event-types-to-emit"),
				Arguments.of("producer-batch-size=0", "producer-batch-size"),
				Arguments.of("producer-flush-interval=0s", "producer-flush-interval"),
				Arguments.of("heartbeat.interval=0s", "heartbeat.interval"),
				Arguments.of("compression.algorithm=zip", "compression.algorithm"),
				Arguments.of("compression.threshold=3GB", "compression.threshold"),
				Arguments.of("memory-mapped-buffers.in-memory-events=0", "memory-mapped-buffers.in-memory-events"),
				Arguments.of("memory-mapped-buffers.max-bytes-per-execution=0B",
						"memory-mapped-buffers.max-bytes-per-execution"),
				Arguments.of("memory-mapped-buffers.max-total-bytes=1MB", "memory-mapped-buffers.max-total-bytes"),
				Arguments.of("memory-mapped-buffers.file-size=1KB", "memory-mapped-buffers.file-size"),
				Arguments.of("metrics.meter-name=Bad Name", "metrics.meter-name"),
				Arguments.of("journal.max-events=0", "journal.max-events"),
				Arguments.of("journal.retention=-1s", "journal.retention"),
				Arguments.of("execution.disconnect-policy=sometimes", "execution.disconnect-policy"),
				Arguments.of("graphs.alpha.buffer-size=0", "graphs.alpha.buffer-size"),
				Arguments.of("graphs.alpha.max-buffer-size=10", "graphs.alpha.max-buffer-size"),
				Arguments.of("graphs.alpha.overflow-policy=bogus", "graphs.alpha.overflow-policy"),
				Arguments.of("graphs.alpha.event-types-to-emit=Bogus", "graphs.alpha.event-types-to-emit"),
				Arguments.of("graphs.unregistered.buffer-size=0", "graphs.unregistered.buffer-size"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidValues")
	void runWithInvalidValueShouldFailNamingTheKey(String property, String key) {
		assertStartupFailsNaming(property, key);
	}

	@Test
	void runWithCompressionEnabledShouldStartAndApplyIt() {
		this.webContextRunner.withPropertyValues(PREFIX + "compression.enabled=true",
				PREFIX + "compression.algorithm=brotli", PREFIX + "compression.adaptive.enabled=true",
				PREFIX + "graphs.alpha.compression.enabled=false", PREFIX + "graphs.beta.compression.algorithm=gzip")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				GraphRegistry registry = context.getBean(GraphRegistry.class);
				assertThat(registry.options("alpha").enableEventCompression()).isFalse();
				assertThat(registry.options("beta").enableEventCompression()).isTrue();
				assertThat(registry.options("beta").compressionAlgorithm()).isEqualTo(CompressionAlgorithm.GZIP);
				assertThat(registry.options("beta").enableAdaptiveCompression()).isTrue();
			});
	}

	/**
	 * Brotli configured where it cannot load fails start-up naming the key, the platform
	 * and the alternative, never a silent switch to gzip.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("brotliWhereItCannotLoad")
	void runWithBrotliWhereItCannotLoadShouldFailNamingTheKey(String enable, String algorithm, String key) {
		System.setProperty("graphstreaming.brotli.disabled", "true");
		try {
			this.webContextRunner.withPropertyValues(PREFIX + enable, PREFIX + algorithm).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(messages(context.getStartupFailure())).contains(PREFIX + key)
					.contains("brotli is not available on " + System.getProperty("os.name").toLowerCase(Locale.ROOT))
					.contains("or use compression algorithm gzip");
			});
			this.webContextRunner.withPropertyValues(PREFIX + algorithm)
				.run((context) -> assertThat(context).as("brotli configured but compression off").hasNotFailed());
		}
		finally {
			System.clearProperty("graphstreaming.brotli.disabled");
		}
	}

	static Stream<Arguments> brotliWhereItCannotLoad() {
		return Stream.of(Arguments.of("compression.enabled=true", "compression.algorithm=brotli", "compression.algorithm"),
				Arguments.of("graphs.alpha.compression.enabled=true", "graphs.alpha.compression.algorithm=brotli",
						"graphs.alpha.compression.algorithm"));
	}

	/**
	 * Values checked where a group of keys is applied at once: the failure still names
	 * the offending key.
	 */
	static Stream<Arguments> invalidGroupValues() {
		return Stream.of(Arguments.of("reconnect.max-delay=100ms", "reconnect.max-delay"),
				Arguments.of("reconnect.max-attempts=-1", "reconnect.max-attempts"),
				Arguments.of("compression.adaptive.window-size=0", "compression.adaptive.window-size"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidGroupValues")
	void runWithInvalidGroupValueShouldFailNamingTheKey(String property, String key) {
		assertStartupFailsNaming(property, key);
	}

	/**
	 * Values validated by the beans they configure, outside the options factory.
	 */
	static Stream<Arguments> invalidBeanValues() {
		return Stream.of(Arguments.of("execution.max-concurrent=0", "execution.max-concurrent"),
				Arguments.of("execution.unconsumed-timeout=0s", "execution.unconsumed-timeout"),
				Arguments.of("web.max-concurrent-streams=0", "web.max-concurrent-streams"),
				Arguments.of("web.max-request-body=0B", "web.max-request-body"),
				Arguments.of("web.max-concurrent-streams-per-client=0", "web.max-concurrent-streams-per-client"),
				Arguments.of("web.max-executions-per-minute-per-client=0", "web.max-executions-per-minute-per-client"),
				Arguments.of("web.max-input-depth=0", "web.max-input-depth"),
				Arguments.of("web.max-input-elements=-1", "web.max-input-elements"),
				Arguments.of("web.websocket-max-sessions=0", "web.websocket-max-sessions"),
				Arguments.of("web.websocket-max-sessions-per-client=0", "web.websocket-max-sessions-per-client"),
				Arguments.of("web.websocket-max-message-size=0B", "web.websocket-max-message-size"),
				Arguments.of("web.websocket-max-message-size=-1KB", "web.websocket-max-message-size"),
				Arguments.of("web.websocket-max-message-size=2GB", "web.websocket-max-message-size"),
				Arguments.of("web.poll-max-events=0", "web.poll-max-events"),
				Arguments.of("web.retry-after=0s", "web.retry-after"),
				Arguments.of("web.long-poll-max-wait=-1s", "web.long-poll-max-wait"),
				Arguments.of("web.base-path=/graphs/{id}", "web.base-path"),
				Arguments.of("metrics.duration-buckets=0ms", "metrics.duration-buckets"),
				Arguments.of("checkpoints.every-nodes=0", "checkpoints.every-nodes"),
				Arguments.of("checkpoints.max-per-execution=-1", "checkpoints.max-per-execution"),
				Arguments.of("checkpoints.store=database", "checkpoints.store"),
				Arguments.of("journal.type=cassandra", "journal.type"),
				Arguments.of("security.admin-role=GRAPH ADMIN", "security.admin-role"),
				Arguments.of("shutdown.mode=later", "shutdown.mode"),
				Arguments.of("shutdown.await=-1s", "shutdown.await"),
				Arguments.of("web.cors.max-age=-1s", "web.cors.max-age"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidBeanValues")
	void runWithInvalidBeanValueShouldFailNamingTheKey(String property, String key) {
		assertStartupFailsNaming(property, key);
	}

	private void assertStartupFailsNaming(String property, String key) {
		this.webContextRunner.withPropertyValues(PREFIX + property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).contains(PREFIX + key);
		});
	}

	@Test
	void everyPropertyIsDocumentedInTheIdeMetadata() throws IOException {
		Map<String, JsonNode> metadata = metadata();
		assertThat(metadata).isNotEmpty();
		assertThat(metadata).allSatisfy((name, property) -> assertThat(property.path("description").asString())
			.as("description of %s", name)
			.isNotBlank());
	}

	@Test
	void everyPropertyInTheIdeMetadataIsCoveredByTheseTests() throws IOException {
		Set<String> documented = new TreeSet<>(metadata().keySet());
		documented.remove(PREFIX + "graphs");
		Set<String> covered = new TreeSet<>();
		properties().forEach((property) -> covered.add(PREFIX + property.key()));
		assertThat(documented).isEqualTo(covered);
	}

	@Test
	void contractKeysAreInTheIdeMetadata() throws IOException {
		assertThat(metadata()).containsKeys(Stream
			.of("buffer-size", "max-buffer-size", "overflow-policy", "event-types-to-emit", "producer-batch-size",
					"producer-flush-interval", "heartbeat.enabled", "heartbeat.interval", "compression.enabled",
					"compression.algorithm", "compression.threshold", "compression.adaptive.enabled",
					"compression.adaptive.window-size", "compression.adaptive.min-savings-ratio",
					"compression.adaptive.min-threshold", "compression.adaptive.max-threshold",
					"memory-mapped-buffers.enabled", "memory-mapped-buffers.file-size", "memory-mapped-buffers.directory",
					"reconnect.enabled", "reconnect.max-attempts", "reconnect.initial-delay", "reconnect.max-delay",
					"metrics.enabled", "metrics.meter-name", "journal.retention", "journal.max-events", "web.base-path",
					"graphs")
			.map((key) -> PREFIX + key)
			.toArray(String[]::new));
	}

	/**
	 * The {@code graph.streaming.*} properties of every metadata file on the class path.
	 */
	private static Map<String, JsonNode> metadata() throws IOException {
		JsonMapper mapper = new JsonMapper();
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		Enumeration<URL> files = GraphStreamingPropertiesTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json");
		while (files.hasMoreElements()) {
			try (InputStream in = files.nextElement().openStream()) {
				for (JsonNode property : mapper.readTree(in).path("properties")) {
					String name = property.path("name").asString();
					if (name.startsWith(PREFIX)) {
						properties.put(name, property);
					}
				}
			}
		}
		return properties;
	}

	private static String messages(@Nullable Throwable failure) {
		StringBuilder all = new StringBuilder();
		for (Throwable current = failure; current != null; current = current.getCause()) {
			all.append(current.getMessage()).append('\n');
		}
		return all.toString();
	}

	record PropertyCase(String key, String value, Function<GraphStreamingProperties, @Nullable Object> getter,
			@Nullable Object defaultValue, Object bound) {

		@Override
		public String toString() {
			return this.key;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(GraphStreamingProperties.class)
	static class PropertiesConfiguration {

	}

}
