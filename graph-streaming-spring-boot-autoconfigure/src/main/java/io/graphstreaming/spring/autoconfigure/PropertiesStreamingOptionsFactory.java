package io.graphstreaming.spring.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.journal.EventSerializer;
import io.graphstreaming.core.metrics.StreamingMetricsListener;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.spring.autoconfigure.GraphStreamingProperties.GraphOverrides;
import io.graphstreaming.spring.registry.StreamingOptionsFactory;

/**
 * Builds each graph's {@link StreamingExecutionOptions} from {@code graph.streaming.*},
 * applying {@code graph.streaming.graphs.<id>.*} on top. Every value goes through the
 * options builder's validation; a rejected value fails start-up with an
 * {@link InvalidConfigurationPropertyValueException} naming the property key.
 */
public class PropertiesStreamingOptionsFactory implements StreamingOptionsFactory {

	private static final String PREFIX = "graph.streaming.";

	private final GraphStreamingProperties properties;

	private final StreamingMetricsListener metricsListener;

	private final @Nullable EventSerializer eventSerializer;

	/**
	 * Creates the factory, without an event serializer (memory-mapped buffers then fail
	 * validation).
	 * @param properties the bound properties
	 * @param metricsListener the listener metrics go to when enabled;
	 * {@link StreamingMetricsListener#NONE} (the application has none, for example no
	 * Micrometer) keeps the core's default, {@code InMemoryStreamingMetrics.shared()}
	 */
	public PropertiesStreamingOptionsFactory(GraphStreamingProperties properties,
			StreamingMetricsListener metricsListener) {
		this(properties, metricsListener, null);
	}

	/**
	 * Creates the factory.
	 * @param properties the bound properties
	 * @param metricsListener the listener metrics go to when enabled;
	 * {@link StreamingMetricsListener#NONE} (the application has none, for example no
	 * Micrometer) keeps the core's default, {@code InMemoryStreamingMetrics.shared()}
	 * @param eventSerializer what memory-mapped journal segments are written with
	 */
	public PropertiesStreamingOptionsFactory(GraphStreamingProperties properties,
			StreamingMetricsListener metricsListener, @Nullable EventSerializer eventSerializer) {
		this.properties = Objects.requireNonNull(properties, "properties");
		this.metricsListener = Objects.requireNonNull(metricsListener, "metricsListener");
		this.eventSerializer = eventSerializer;
	}

	@Override
	public StreamingExecutionOptions optionsFor(String graphId) {
		GraphStreamingProperties root = this.properties;
		StreamingExecutionOptions.Builder builder = StreamingExecutionOptions.builder();
		applyRoot(builder, root);
		GraphOverrides overrides = root.getGraphs().get(graphId);
		if (overrides != null) {
			applyOverrides(builder, PREFIX + "graphs." + graphId + ".", overrides);
		}
		String prefix = (overrides != null) ? PREFIX + "graphs." + graphId + "." : PREFIX;
		try {
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(keyOf(prefix, ex.getMessage()), "(see reason)",
					ex.getMessage());
		}
	}

	/**
	 * Builds the options of every configured override, so that a bad value fails start-up
	 * even for a graph that has no bean.
	 */
	void validateAll() {
		optionsFor("\u0000default");
		for (String graphId : this.properties.getGraphs().keySet()) {
			optionsFor(graphId);
		}
	}

	private void applyRoot(StreamingExecutionOptions.Builder builder, GraphStreamingProperties root) {
		set(PREFIX + "buffer-size", root.getBufferSize(), builder::withBufferSize);
		set(PREFIX + "max-buffer-size", root.getMaxBufferSize(), builder::withMaxBufferSize);
		set(PREFIX + "overflow-policy", root.getOverflowPolicy(), builder::withOverflowPolicy);
		if (!root.getEventTypesToEmit().isEmpty()) {
			set(PREFIX + "event-types-to-emit", root.getEventTypesToEmit(), builder::withEventTypes);
		}
		set(PREFIX + "producer-batch-size", root.getProducerBatchSize(), builder::withProducerBatchSize);
		set(PREFIX + "producer-flush-interval", root.getProducerFlushInterval(), builder::withProducerFlushInterval);
		builder.withFinalState(root.isIncludeFinalState());
		builder.withHeartbeatEnabled(root.getHeartbeat().isEnabled());
		set(PREFIX + "heartbeat.interval", root.getHeartbeat().getInterval(), builder::withHeartbeatInterval);
		GraphStreamingProperties.Compression compression = root.getCompression();
		builder.withCompressionEnabled(compression.isEnabled());
		set(PREFIX + "compression.algorithm", compression.getAlgorithm(), builder::withCompressionAlgorithm);
		set(PREFIX + "compression.threshold", compression.getThreshold(),
				(size) -> builder.withCompressionThreshold(toIntBytes(size.toBytes())));
		GraphStreamingProperties.Compression.Adaptive adaptive = compression.getAdaptive();
		String adaptiveKey = PREFIX + "compression.adaptive.";
		setGroup(() -> builder.withAdaptiveCompression(adaptive.isEnabled(), adaptive.getWindowSize(),
				adaptive.getMinSavingsRatio(), toIntBytes(adaptive.getMinThreshold().toBytes()),
				toIntBytes(adaptive.getMaxThreshold().toBytes())),
				new GroupKey("adaptiveCompressionWindowSize", adaptiveKey + "window-size", adaptive.getWindowSize()),
				new GroupKey("adaptiveCompressionMinSavingsRatio", adaptiveKey + "min-savings-ratio",
						adaptive.getMinSavingsRatio()),
				new GroupKey("adaptiveCompressionMinThresholdBytes", adaptiveKey + "min-threshold",
						adaptive.getMinThreshold()),
				new GroupKey("adaptiveCompressionMaxThresholdBytes", adaptiveKey + "max-threshold",
						adaptive.getMaxThreshold()),
				new GroupKey("must be between", adaptiveKey + "max-threshold", adaptive.getMaxThreshold()));
		GraphStreamingProperties.MemoryMappedBuffers mapped = root.getMemoryMappedBuffers();
		setGroup(() -> builder.withMemoryMappedBuffers(mapped.isEnabled(), mapped.getFileSize().toBytes(),
				mapped.getDirectory()),
				new GroupKey("memoryMappedFileSizeBytes", PREFIX + "memory-mapped-buffers.file-size",
						mapped.getFileSize()));
		setGroup(() -> builder.withMemoryMappedLimits(mapped.getInMemoryEvents(),
				mapped.getMaxBytesPerExecution().toBytes(), mapped.getMaxTotalBytes().toBytes()),
				new GroupKey("memoryMappedInMemoryEvents", PREFIX + "memory-mapped-buffers.in-memory-events",
						mapped.getInMemoryEvents()),
				new GroupKey("memoryMappedMaxBytesPerExecution",
						PREFIX + "memory-mapped-buffers.max-bytes-per-execution", mapped.getMaxBytesPerExecution()),
				new GroupKey("memoryMappedMaxTotalBytes", PREFIX + "memory-mapped-buffers.max-total-bytes",
						mapped.getMaxTotalBytes()));
		builder.withEventSerializer(this.eventSerializer);
		GraphStreamingProperties.Reconnect reconnect = root.getReconnect();
		builder.withAutoReconnect(reconnect.isEnabled());
		setGroup(() -> builder.withReconnect(reconnect.getMaxAttempts(), reconnect.getInitialDelay(),
				reconnect.getMaxDelay()),
				new GroupKey("maxReconnectAttempts", PREFIX + "reconnect.max-attempts", reconnect.getMaxAttempts()),
				new GroupKey("initialReconnectDelay", PREFIX + "reconnect.initial-delay", reconnect.getInitialDelay()),
				new GroupKey("maxReconnectDelay", PREFIX + "reconnect.max-delay", reconnect.getMaxDelay()));
		builder.withMetricsEnabled(root.getMetrics().isEnabled());
		set(PREFIX + "metrics.meter-name", root.getMetrics().getMeterName(), builder::withMetricsMeterName);
		if (this.metricsListener != StreamingMetricsListener.NONE) {
			// otherwise enabled metrics go to the core's in-memory default, never to nobody
			builder.withMetricsListener(this.metricsListener);
		}
		set(PREFIX + "journal.max-events", root.getJournal().getMaxEvents(), builder::withJournalMaxEvents);
		set(PREFIX + "journal.retention", root.getJournal().getRetention(), builder::withJournalRetention);
	}

	private void applyOverrides(StreamingExecutionOptions.Builder builder, String prefix, GraphOverrides overrides) {
		setIfPresent(prefix + "buffer-size", overrides.getBufferSize(), builder::withBufferSize);
		setIfPresent(prefix + "max-buffer-size", overrides.getMaxBufferSize(), builder::withMaxBufferSize);
		setIfPresent(prefix + "overflow-policy", overrides.getOverflowPolicy(), builder::withOverflowPolicy);
		List<GraphExecutionEventType> types = overrides.getEventTypesToEmit();
		if (types != null && !types.isEmpty()) {
			set(prefix + "event-types-to-emit", types, builder::withEventTypes);
		}
		setIfPresent(prefix + "producer-batch-size", overrides.getProducerBatchSize(), builder::withProducerBatchSize);
		setIfPresent(prefix + "producer-flush-interval", overrides.getProducerFlushInterval(),
				builder::withProducerFlushInterval);
		setIfPresent(prefix + "include-final-state", overrides.getIncludeFinalState(), builder::withFinalState);
		setIfPresent(prefix + "heartbeat.enabled", overrides.getHeartbeat().getEnabled(),
				builder::withHeartbeatEnabled);
		setIfPresent(prefix + "heartbeat.interval", overrides.getHeartbeat().getInterval(),
				builder::withHeartbeatInterval);
		setIfPresent(prefix + "journal.retention", overrides.getJournal().getRetention(),
				builder::withJournalRetention);
		setIfPresent(prefix + "journal.max-events", overrides.getJournal().getMaxEvents(),
				builder::withJournalMaxEvents);
		setIfPresent(prefix + "compression.enabled", overrides.getCompression().getEnabled(),
				builder::withCompressionEnabled);
		setIfPresent(prefix + "compression.algorithm", overrides.getCompression().getAlgorithm(),
				builder::withCompressionAlgorithm);
		setIfPresent(prefix + "compression.threshold", overrides.getCompression().getThreshold(),
				(size) -> builder.withCompressionThreshold(toIntBytes(size.toBytes())));
		setIfPresent(prefix + "metrics.enabled", overrides.getMetrics().getEnabled(), builder::withMetricsEnabled);
	}

	private static int toIntBytes(long bytes) {
		if (bytes > Integer.MAX_VALUE || bytes < 0) {
			throw new IllegalArgumentException("must be between 0B and 2GB but was " + bytes + "B");
		}
		return (int) bytes;
	}

	/**
	 * Applies a setter that takes several keys at once, and reports a rejection under the
	 * key whose option name starts the builder's message.
	 */
	private static void setGroup(Runnable apply, GroupKey... keys) {
		try {
			apply.run();
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			String message = String.valueOf(ex.getMessage());
			for (GroupKey key : keys) {
				if (message.startsWith(key.optionName())) {
					throw new InvalidConfigurationPropertyValueException(key.propertyKey(), key.value(), message);
				}
			}
			GroupKey first = keys[0];
			throw new InvalidConfigurationPropertyValueException(first.propertyKey(), first.value(), message);
		}
	}

	private record GroupKey(String optionName, String propertyKey, Object value) {
	}

	private static <T> void setIfPresent(String key, @Nullable T value, Consumer<T> setter) {
		if (value != null) {
			set(key, value, setter);
		}
	}

	private static <T> void set(String key, T value, Consumer<T> setter) {
		try {
			setter.accept(value);
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw new InvalidConfigurationPropertyValueException(key, value, String.valueOf(ex.getMessage()));
		}
	}

	private static String keyOf(String prefix, @Nullable String message) {
		Map<String, String> keys = Map.of("maxBufferSize", "max-buffer-size", "enableEventCompression",
				"compression.enabled", "enableAdaptiveCompression", "compression.adaptive.enabled",
				"compressionAlgorithm", "compression.algorithm", "enableMemoryMappedBuffers",
				"memory-mapped-buffers.enabled", "enableAutoReconnect", "reconnect.enabled");
		if (message != null) {
			for (Map.Entry<String, String> entry : keys.entrySet()) {
				if (message.startsWith(entry.getKey())) {
					return prefix + entry.getValue();
				}
			}
		}
		return prefix.substring(0, prefix.length() - 1);
	}

}
