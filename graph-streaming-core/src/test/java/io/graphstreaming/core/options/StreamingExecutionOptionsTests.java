package io.graphstreaming.core.options;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventHandler;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.journal.EventSerializer;
import io.graphstreaming.core.metrics.InMemoryStreamingMetrics;
import io.graphstreaming.core.metrics.StreamingMetricsListener;

import static io.graphstreaming.core.event.GraphExecutionEventType.EXECUTION_COMPLETED;
import static io.graphstreaming.core.event.GraphExecutionEventType.EXECUTION_STARTED;
import static io.graphstreaming.core.event.GraphExecutionEventType.NODE_COMPLETED;
import static io.graphstreaming.core.event.GraphExecutionEventType.NODE_FAILED;
import static io.graphstreaming.core.event.GraphExecutionEventType.NODE_STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Options: the guide's defaults and presets, a builder whose every setter validates,
 * cross-checks in {@code build()}, and a clear refusal of options this release cannot
 * honour.
 */
class StreamingExecutionOptionsTests {

	private final StreamingExecutionOptions.Builder builder = StreamingExecutionOptions.builder();

	@Test
	void defaultsAreTheGuides() {
		StreamingExecutionOptions options = StreamingExecutionOptions.defaults();

		assertThat(options.bufferSize()).isEqualTo(100);
		assertThat(options.maxBufferSize()).isEqualTo(1000);
		assertThat(options.overflowPolicy()).isEqualTo(OverflowPolicy.BLOCK);
		assertThat(options.eventTypesToEmit()).containsExactlyInAnyOrder(GraphExecutionEventType.values());
		assertThat(options.producerBatchSize()).isEqualTo(1);
		assertThat(options.producerFlushInterval()).isEqualTo(Duration.ofMillis(100));
		assertThat(options.enableHeartbeat()).isFalse();
		assertThat(options.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
		assertThat(options.eventHandlers()).isEmpty();
		assertThat(options.enableMetrics()).isFalse();
		assertThat(options.metricsMeterName()).isEqualTo("graph.streaming");
		assertThat(options.metricsListener()).isSameAs(InMemoryStreamingMetrics.shared());
		assertThat(options.enableAutoReconnect()).isFalse();
		assertThat(options.maxReconnectAttempts()).isEqualTo(3);
		assertThat(options.initialReconnectDelay()).isEqualTo(Duration.ofSeconds(1));
		assertThat(options.maxReconnectDelay()).isEqualTo(Duration.ofSeconds(30));
		assertThat(options.enableEventCompression()).isFalse();
		assertThat(options.compressionAlgorithm()).isEqualTo(CompressionAlgorithm.GZIP);
		assertThat(options.compressionThresholdBytes()).isEqualTo(8 * 1024);
		assertThat(options.enableAdaptiveCompression()).isFalse();
		assertThat(options.adaptiveCompressionWindowSize()).isEqualTo(100);
		assertThat(options.adaptiveCompressionMinSavingsRatio()).isEqualTo(0.1);
		assertThat(options.adaptiveCompressionMinThresholdBytes()).isEqualTo(2 * 1024);
		assertThat(options.adaptiveCompressionMaxThresholdBytes()).isEqualTo(64 * 1024);
		assertThat(options.enableMemoryMappedBuffers()).isFalse();
		assertThat(options.memoryMappedFileSizeBytes()).isEqualTo(64L * 1024 * 1024);
		assertThat(options.memoryMappedDirectory()).isNull();
		assertThat(options.journalMaxEvents()).isEqualTo(10_000);
		assertThat(options.journalRetention()).isEqualTo(Duration.ofMinutes(5));
		assertThat(options.includeFinalState()).isTrue();
	}

	@Test
	void everySetterIsHonoured() {
		GraphExecutionEventHandler handler = (event) -> {
		};
		StreamingMetricsListener listener = new StreamingMetricsListener() {
		};

		StreamingExecutionOptions options = this.builder.withBufferSize(10)
			.withMaxBufferSize(20)
			.withOverflowPolicy(OverflowPolicy.DROP_OLDEST)
			.withEventTypes(List.of(NODE_STARTED))
			.withProducerBatchSize(5)
			.withProducerFlushInterval(Duration.ofMillis(7))
			.withHeartbeat(Duration.ofSeconds(3))
			.withEventHandler(handler)
			.withMetrics()
			.withMetricsMeterName("my.meters")
			.withMetricsListener(listener)
			.withReconnect(5, Duration.ofMillis(10), Duration.ofSeconds(2))
			.withCompressionAlgorithm(CompressionAlgorithm.BROTLI)
			.withCompressionThreshold(0)
			.withAdaptiveCompression(false, 7, 0.5, 10, 20)
			.withMemoryMappedBuffers(false, 65_536, Path.of("/tmp/segments"))
			.withJournalMaxEvents(50)
			.withJournalRetention(Duration.ZERO)
			.withFinalState(false)
			.build();

		assertThat(options.bufferSize()).isEqualTo(10);
		assertThat(options.maxBufferSize()).isEqualTo(20);
		assertThat(options.overflowPolicy()).isEqualTo(OverflowPolicy.DROP_OLDEST);
		assertThat(options.eventTypesToEmit()).containsExactly(NODE_STARTED);
		assertThat(options.emits(NODE_STARTED)).isTrue();
		assertThat(options.emits(NODE_COMPLETED)).isFalse();
		assertThat(options.emits(EXECUTION_COMPLETED)).as("terminal events are always emitted").isTrue();
		assertThat(options.producerBatchSize()).isEqualTo(5);
		assertThat(options.producerFlushInterval()).isEqualTo(Duration.ofMillis(7));
		assertThat(options.enableHeartbeat()).isTrue();
		assertThat(options.heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
		assertThat(options.eventHandlers()).containsExactly(handler);
		assertThat(options.enableMetrics()).isTrue();
		assertThat(options.metricsMeterName()).isEqualTo("my.meters");
		assertThat(options.metricsListener()).isSameAs(listener);
		assertThat(options.maxReconnectAttempts()).isEqualTo(5);
		assertThat(options.initialReconnectDelay()).isEqualTo(Duration.ofMillis(10));
		assertThat(options.maxReconnectDelay()).isEqualTo(Duration.ofSeconds(2));
		assertThat(options.compressionAlgorithm()).isEqualTo(CompressionAlgorithm.BROTLI);
		assertThat(options.compressionThresholdBytes()).isZero();
		assertThat(options.adaptiveCompressionWindowSize()).isEqualTo(7);
		assertThat(options.adaptiveCompressionMinSavingsRatio()).isEqualTo(0.5);
		assertThat(options.adaptiveCompressionMinThresholdBytes()).isEqualTo(10);
		assertThat(options.adaptiveCompressionMaxThresholdBytes()).isEqualTo(20);
		assertThat(options.memoryMappedFileSizeBytes()).isEqualTo(65_536);
		assertThat(options.memoryMappedDirectory()).isEqualTo(Path.of("/tmp/segments"));
		assertThat(options.journalMaxEvents()).isEqualTo(50);
		assertThat(options.journalRetention()).isZero();
		assertThat(options.includeFinalState()).isFalse();
	}

	@Test
	void switchSettersTurnFeaturesOnAndOff() {
		StreamingExecutionOptions options = this.builder.withHeartbeatInterval(Duration.ofSeconds(5))
			.withHeartbeatEnabled(true)
			.withMetricsEnabled(true)
			.withMetricsEnabled(false)
			.build();

		assertThat(options.enableHeartbeat()).isTrue();
		assertThat(options.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
		assertThat(options.enableMetrics()).isFalse();
		assertThat(StreamingExecutionOptions.builder().withHeartbeat(Duration.ofSeconds(1)).withHeartbeatEnabled(false)
			.build().enableHeartbeat()).isFalse();
	}

	@Test
	void eventHandlersAreAppendedOrReplaced() {
		GraphExecutionEventHandler first = (event) -> {
		};
		GraphExecutionEventHandler second = (event) -> {
		};

		assertThat(this.builder.withEventHandler(first).withEventHandler(second).build().eventHandlers())
			.containsExactly(first, second);
		assertThat(this.builder.withEventHandlers(List.of(second)).build().eventHandlers()).containsExactly(second);
	}

	@Test
	void configureCopiesWithoutChangingTheOriginal() {
		StreamingExecutionOptions original = StreamingExecutionOptions.builder()
			.withBufferSize(7)
			.withEventTypes(NODE_FAILED)
			.build();

		StreamingExecutionOptions changed = original.configure().withMaxBufferSize(70).build();

		assertThat(changed.bufferSize()).isEqualTo(7);
		assertThat(changed.maxBufferSize()).isEqualTo(70);
		assertThat(changed.eventTypesToEmit()).containsExactly(NODE_FAILED);
		assertThat(original.maxBufferSize()).isEqualTo(1000);
	}

	@Test
	void eventTypesAreCopiedSoLaterChangesToTheCallersSetDoNotLeakIn() {
		EnumSet<GraphExecutionEventType> types = EnumSet.of(NODE_STARTED);
		StreamingExecutionOptions options = this.builder.withEventTypes(types).build();

		types.add(NODE_COMPLETED);

		assertThat(options.eventTypesToEmit()).containsExactly(NODE_STARTED);
	}

	@Test
	void presetsMatchTheGuidesConfigurations() {
		StreamingExecutionOptions basic = StreamingExecutionOptions.basic();
		StreamingExecutionOptions throughput = StreamingExecutionOptions.highThroughput();
		StreamingExecutionOptions monitoring = StreamingExecutionOptions.monitoring();

		assertThat(basic.bufferSize()).isEqualTo(50);
		assertThat(basic.eventTypesToEmit()).containsExactlyInAnyOrder(NODE_STARTED, NODE_COMPLETED);
		assertThat(basic.emits(EXECUTION_COMPLETED)).isTrue();
		assertThat(throughput.bufferSize()).isEqualTo(1000);
		assertThat(throughput.maxBufferSize()).isEqualTo(10_000);
		assertThat(throughput.producerBatchSize()).isEqualTo(20);
		assertThat(throughput.producerFlushInterval()).isEqualTo(Duration.ofMillis(50));
		assertThat(throughput.enableEventCompression()).isFalse();
		assertThat(monitoring.eventTypesToEmit()).containsExactlyInAnyOrder(EXECUTION_STARTED, NODE_STARTED,
				NODE_COMPLETED, NODE_FAILED);
		assertThat(monitoring.enableHeartbeat()).isTrue();
		assertThat(monitoring.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
		assertThat(monitoring.enableMetrics()).isTrue();
		assertThat(monitoring.metricsListener()).as("metrics on record somewhere readable")
			.isSameAs(InMemoryStreamingMetrics.shared());
	}

	@Test
	void sizeSettersRejectNonPositiveValuesNamingTheOption() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.builder.withBufferSize(0))
			.withMessage("bufferSize must be strictly positive but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> this.builder.withMaxBufferSize(-1))
			.withMessage("maxBufferSize must be strictly positive but was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> this.builder.withProducerBatchSize(0))
			.withMessage("producerBatchSize must be strictly positive but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> this.builder.withJournalMaxEvents(0))
			.withMessage("journalMaxEvents must be strictly positive but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> this.builder.withCompressionThreshold(-1))
			.withMessage("compressionThresholdBytes must be >= 0 but was -1");
	}

	@Test
	void durationSettersRejectZeroAndNegativeValuesNamingTheOption() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.builder.withProducerFlushInterval(Duration.ZERO))
			.withMessage("producerFlushInterval must be strictly positive but was PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> this.builder.withHeartbeat(Duration.ofSeconds(-1)))
			.withMessage("heartbeatInterval must be strictly positive but was PT-1S");
		assertThatIllegalArgumentException().isThrownBy(() -> this.builder.withHeartbeatInterval(Duration.ZERO))
			.withMessage("heartbeatInterval must be strictly positive but was PT0S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.builder.withJournalRetention(Duration.ofMillis(-1)))
			.withMessage("journalRetention must be >= 0 but was PT-0.001S");
	}

	@Test
	void settersRejectNullNamingTheOption() {
		assertThatNullPointerException().isThrownBy(() -> this.builder.withOverflowPolicy(null))
			.withMessage("overflowPolicy");
		assertThatNullPointerException().isThrownBy(() -> this.builder.withProducerFlushInterval(null))
			.withMessage("producerFlushInterval");
		assertThatNullPointerException().isThrownBy(() -> this.builder.withMetricsListener(null))
			.withMessage("metricsListener");
		assertThatNullPointerException().isThrownBy(() -> this.builder.withEventHandler(null)).withMessage("handler");
		assertThatNullPointerException()
			.isThrownBy(() -> this.builder.withEventHandlers(java.util.Arrays.asList((GraphExecutionEventHandler) null)))
			.withMessage("eventHandlers must not contain null");
		assertThatNullPointerException().isThrownBy(() -> this.builder.withCompression(null))
			.withMessage("compressionAlgorithm");
	}

	@Test
	void emptyEventTypesAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.builder.withEventTypes())
			.withMessage("eventTypesToEmit must name at least one event type");
		assertThatIllegalArgumentException().isThrownBy(() -> this.builder.withEventTypes(List.of()))
			.withMessage("eventTypesToEmit must name at least one event type");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "Graph.Streaming", "graph streaming", "graph..streaming", "1graph", "graph." })
	void meterNameMustBeADotSeparatedLowerCaseName(String name) {
		assertThatIllegalArgumentException().isThrownBy(() -> this.builder.withMetricsMeterName(name))
			.withMessage("metricsMeterName must be a dot-separated lower-case name such as 'graph.streaming' but was '"
					+ name + "'");
	}

	@Test
	void reconnectSettingsAreCheckedTogether() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.builder.withReconnect(-1, Duration.ofSeconds(1), Duration.ofSeconds(2)))
			.withMessage("maxReconnectAttempts must be >= 0 but was -1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.builder.withReconnect(1, Duration.ZERO, Duration.ofSeconds(2)))
			.withMessage("initialReconnectDelay must be strictly positive but was PT0S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.builder.withReconnect(1, Duration.ofSeconds(1), Duration.ofSeconds(-2)))
			.withMessage("maxReconnectDelay must be strictly positive but was PT-2S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.builder.withReconnect(1, Duration.ofSeconds(2), Duration.ofSeconds(1)))
			.withMessage("maxReconnectDelay (PT1S) must be >= initialReconnectDelay (PT2S)");
		assertThat(this.builder.withReconnect(0, Duration.ofSeconds(1), Duration.ofSeconds(1)).build()
			.maxReconnectAttempts()).isZero();
	}

	@Test
	void adaptiveCompressionSettingsAreChecked() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.builder.withAdaptiveCompression(false, 0, 0.1, 1, 2))
			.withMessage("adaptiveCompressionWindowSize must be strictly positive but was 0");
		for (double ratio : new double[] { -0.1, 1.0, Double.NaN }) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> this.builder.withAdaptiveCompression(false, 1, ratio, 1, 2))
				.withMessage("adaptiveCompressionMinSavingsRatio must be in [0, 1) but was " + ratio);
		}
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.builder.withAdaptiveCompression(false, 1, 0.1, -1, 2))
			.withMessage("adaptiveCompressionMinThresholdBytes must be >= 0 but was -1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.builder.withAdaptiveCompression(false, 1, 0.1, 10, 9))
			.withMessage("adaptiveCompressionMaxThresholdBytes (9) must be >= adaptiveCompressionMinThresholdBytes (10)");
	}

	@Test
	void memoryMappedSegmentsMustBeAtLeast64KiB() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.builder.withMemoryMappedBuffers(false, 65_535, null))
			.withMessage("memoryMappedFileSizeBytes must be >= 65536 but was 65535");
	}

	@Test
	void buildRejectsAMaximumBufferBelowTheBufferSize() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.builder.withBufferSize(10).withMaxBufferSize(5).build())
			.withMessage("maxBufferSize (5) must be >= bufferSize (10)");
		assertThatIllegalArgumentException().isThrownBy(() -> StreamingExecutionOptions.builder().withBufferSize(2000).build())
			.withMessage("maxBufferSize (1000) must be >= bufferSize (2000)");
		assertThat(StreamingExecutionOptions.builder().withBufferSize(5).withMaxBufferSize(5).build().maxBufferSize())
			.isEqualTo(5);
	}

	@Test
	void buildAcceptsEventCompressionWithEveryAvailableAlgorithm() {
		for (CompressionAlgorithm algorithm : CompressionAlgorithm.values()) {
			StreamingExecutionOptions options = StreamingExecutionOptions.builder().withCompression(algorithm).build();

			assertThat(options.enableEventCompression()).isTrue();
			assertThat(options.compressionAlgorithm()).isEqualTo(algorithm);
		}
		assertThat(StreamingExecutionOptions.builder().withCompressionEnabled(true).build().compressionAlgorithm())
			.isEqualTo(CompressionAlgorithm.GZIP);
	}

	@Test
	void buildAcceptsAdaptiveCompression() {
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withCompression(CompressionAlgorithm.GZIP)
			.withAdaptiveCompression(true, 10, 0.2, 1024, 4096)
			.build();

		assertThat(options.enableAdaptiveCompression()).isTrue();
		assertThat(options.adaptiveCompressionWindowSize()).isEqualTo(10);
	}

	@Test
	void buildRejectsBrotliWhereItCannotLoadNamingThePlatformAndSuggestingGzip() {
		System.setProperty("graphstreaming.brotli.disabled", "true");
		try {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> StreamingExecutionOptions.builder().withCompression(CompressionAlgorithm.BROTLI).build())
				.withMessageStartingWith("compressionAlgorithm brotli is not available on "
						+ System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT) + "/"
						+ System.getProperty("os.arch") + ": it is disabled by the system property")
				.withMessageEndingWith("or use compression algorithm gzip");
			assertThat(StreamingExecutionOptions.builder()
				.withCompressionAlgorithm(CompressionAlgorithm.BROTLI)
				.build()
				.enableEventCompression()).as("brotli configured but compression off builds").isFalse();
		}
		finally {
			System.clearProperty("graphstreaming.brotli.disabled");
		}
	}

	@Test
	void buildRejectsMemoryMappedBuffersWithoutASerializer() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StreamingExecutionOptions.builder().withMemoryMappedBuffers(true, 1 << 20, null).build())
			.withMessageStartingWith("enableMemoryMappedBuffers needs an EventSerializer");
	}

	@Test
	void memoryMappedBuffersBuildWithASerializerAndValidatedLimits() {
		EventSerializer serializer = new EventSerializer() {
			@Override
			public byte[] serialize(GraphExecutionEvent event) {
				return new byte[0];
			}

			@Override
			public GraphExecutionEvent deserialize(byte[] bytes) {
				throw new UnsupportedOperationException();
			}
		};
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withMemoryMappedBuffers(true, 1 << 20, null)
			.withMemoryMappedLimits(10, 4 << 20, 8 << 20)
			.withEventSerializer(serializer)
			.build();
		assertThat(options.enableMemoryMappedBuffers()).isTrue();
		assertThat(options.memoryMappedInMemoryEvents()).isEqualTo(10);
		assertThat(options.memoryMappedMaxBytesPerExecution()).isEqualTo(4 << 20);
		assertThat(options.memoryMappedMaxTotalBytes()).isEqualTo(8 << 20);
		assertThat(options.eventSerializer()).isSameAs(serializer);
		assertThat(StreamingExecutionOptions.builder().build().memoryMappedInMemoryEvents()).isEqualTo(1000);
		assertThatIllegalArgumentException().isThrownBy(() -> this.builder.withMemoryMappedLimits(0, 1, 1))
			.withMessage("memoryMappedInMemoryEvents must be strictly positive but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> this.builder.withMemoryMappedLimits(1, 0, 1))
			.withMessage("memoryMappedMaxBytesPerExecution must be strictly positive but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> this.builder.withMemoryMappedLimits(1, 2, 1))
			.withMessage("memoryMappedMaxTotalBytes (1) must be >= memoryMappedMaxBytesPerExecution (2)");
		assertThatIllegalArgumentException().isThrownBy(() -> StreamingExecutionOptions.builder()
			.withMemoryMappedBuffers(true, 1 << 20, null)
			.withMemoryMappedLimits(10, 1 << 19, 1 << 20)
			.withEventSerializer(serializer)
			.build())
			.withMessage("memoryMappedMaxBytesPerExecution (524288) must be >= memoryMappedFileSizeBytes (1048576)");
	}

	@Test
	void buildAcceptsAutoReconnectForTheRemoteClient() {
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withAutoReconnect(true)
			.withReconnect(5, Duration.ofMillis(10), Duration.ofMillis(200))
			.build();

		assertThat(options.enableAutoReconnect()).isTrue();
		assertThat(options.maxReconnectAttempts()).isEqualTo(5);
		assertThat(options.initialReconnectDelay()).isEqualTo(Duration.ofMillis(10));
		assertThat(options.maxReconnectDelay()).isEqualTo(Duration.ofMillis(200));
		assertThat(options.configure().build().enableAutoReconnect()).isTrue();
	}

	@Test
	void turningAnUnsupportedFeatureBackOffBuilds() {
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withCompression(CompressionAlgorithm.BROTLI)
			.withCompressionEnabled(false)
			.withAutoReconnect(true)
			.withAutoReconnect(false)
			.build();

		assertThat(options.compressionAlgorithm()).isEqualTo(CompressionAlgorithm.BROTLI);
		assertThat(options.enableEventCompression()).isFalse();
	}

	@Test
	void overflowPolicyParsesKebabCaseAndEnumNames() {
		assertThat(OverflowPolicy.fromValue("block")).isEqualTo(OverflowPolicy.BLOCK);
		assertThat(OverflowPolicy.fromValue("drop-oldest")).isEqualTo(OverflowPolicy.DROP_OLDEST);
		assertThat(OverflowPolicy.fromValue(" DROP_NEWEST ")).isEqualTo(OverflowPolicy.DROP_NEWEST);
		assertThat(OverflowPolicy.fromValue("Fail")).isEqualTo(OverflowPolicy.FAIL);
		assertThat(OverflowPolicy.DROP_OLDEST.value()).isEqualTo("drop-oldest");
		assertThatIllegalArgumentException().isThrownBy(() -> OverflowPolicy.fromValue("spill"))
			.withMessage("Unknown overflow policy 'spill'; expected one of block, drop-oldest, drop-newest, fail");
	}

	@Test
	void compressionAlgorithmParsesCaseInsensitively() {
		assertThat(CompressionAlgorithm.fromValue("Brotli")).isEqualTo(CompressionAlgorithm.BROTLI);
		assertThat(CompressionAlgorithm.fromValue(" gzip")).isEqualTo(CompressionAlgorithm.GZIP);
		assertThatIllegalArgumentException().isThrownBy(() -> CompressionAlgorithm.fromValue("zstd"))
			.withMessage("Unknown compression algorithm 'zstd'; expected one of none, gzip, brotli");
	}

}
