package io.graphstreaming.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.journal.EventSerializer;
import io.graphstreaming.core.metrics.StreamingMetricsListener;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.spring.autoconfigure.GraphStreamingProperties.CompressionOverrides;
import io.graphstreaming.spring.autoconfigure.GraphStreamingProperties.GraphOverrides;
import io.graphstreaming.spring.autoconfigure.GraphStreamingProperties.MemoryMappedBuffersOverrides;
import io.graphstreaming.spring.autoconfigure.GraphStreamingProperties.ReconnectOverrides;
import io.graphstreaming.spring.registry.StreamingOptionsFactory;

/**
 * Builds each graph's {@link StreamingExecutionOptions} from {@code graph.streaming.*},
 * applying {@code graph.streaming.graphs.<id>.*} on top (key by key, within the groups
 * the builder takes at once too). Every value goes through the
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
		@Nullable GraphOverrides overrides = root.getGraphs().get(graphId);
		String prefix = (overrides != null) ? PREFIX + "graphs." + graphId + "." : PREFIX;
		StreamingExecutionOptions.Builder builder = StreamingExecutionOptions.builder();
		applyRoot(builder, root);
		if (overrides != null) {
			applyOverrides(builder, prefix, overrides);
		}
		// The builder checks each of these groups' values against each other, so each gets
		// the values the graph will use: its own where set, the root's otherwise. A
		// rejection names the graph's key: the root values alone passed validateAll first.
		GraphOverrides graph = (overrides != null) ? overrides : new GraphOverrides();
		applyAdaptiveCompression(builder, prefix, root.getCompression().getAdaptive(),
				graph.getCompression().getAdaptive());
		applyMemoryMappedBuffers(builder, prefix, root.getMemoryMappedBuffers(), graph.getMemoryMappedBuffers());
		applyReconnect(builder, prefix, root.getReconnect(), graph.getReconnect());
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
		builder.withEventSerializer(this.eventSerializer);
		builder.withAutoReconnect(root.getReconnect().isEnabled());
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
		setIfPresent(prefix + "reconnect.enabled", overrides.getReconnect().getEnabled(), builder::withAutoReconnect);
		setIfPresent(prefix + "metrics.enabled", overrides.getMetrics().getEnabled(), builder::withMetricsEnabled);
		setIfPresent(prefix + "metrics.meter-name", overrides.getMetrics().getMeterName(),
				builder::withMetricsMeterName);
	}

	private static void applyAdaptiveCompression(StreamingExecutionOptions.Builder builder, String prefix,
			GraphStreamingProperties.Compression.Adaptive root, CompressionOverrides.Adaptive graph) {
		String key = prefix + "compression.adaptive.";
		boolean enabled = or(graph.getEnabled(), root.isEnabled());
		int windowSize = or(graph.getWindowSize(), root.getWindowSize());
		double minSavingsRatio = or(graph.getMinSavingsRatio(), root.getMinSavingsRatio());
		DataSize minThreshold = or(graph.getMinThreshold(), root.getMinThreshold());
		DataSize maxThreshold = or(graph.getMaxThreshold(), root.getMaxThreshold());
		int minBytes = intBytes(key + "min-threshold", minThreshold);
		int maxBytes = intBytes(key + "max-threshold", maxThreshold);
		setGroup(() -> builder.withAdaptiveCompression(enabled, windowSize, minSavingsRatio, minBytes, maxBytes),
				new GroupKey("adaptiveCompressionWindowSize", key + "window-size", windowSize),
				new GroupKey("adaptiveCompressionMinSavingsRatio", key + "min-savings-ratio", minSavingsRatio),
				new GroupKey("adaptiveCompressionMinThresholdBytes", key + "min-threshold", minThreshold),
				new GroupKey("adaptiveCompressionMaxThresholdBytes", key + "max-threshold", maxThreshold));
	}

	/**
	 * The spill keys; {@code max-total-bytes} is always the root's (the JVM-wide budget,
	 * refused per graph by {@link GraphStreamingPropertiesValidator}).
	 */
	private static void applyMemoryMappedBuffers(StreamingExecutionOptions.Builder builder, String prefix,
			GraphStreamingProperties.MemoryMappedBuffers root, MemoryMappedBuffersOverrides graph) {
		String key = prefix + "memory-mapped-buffers.";
		boolean enabled = or(graph.getEnabled(), root.isEnabled());
		DataSize fileSize = or(graph.getFileSize(), root.getFileSize());
		@Nullable Path directory = (graph.getDirectory() != null) ? graph.getDirectory() : root.getDirectory();
		int inMemoryEvents = or(graph.getInMemoryEvents(), root.getInMemoryEvents());
		DataSize maxBytesPerExecution = or(graph.getMaxBytesPerExecution(), root.getMaxBytesPerExecution());
		DataSize maxTotalBytes = root.getMaxTotalBytes();
		// per graph, only the per-execution budget can be what exceeds the JVM-wide one
		boolean atRoot = prefix.equals(PREFIX);
		setGroup(() -> builder.withMemoryMappedBuffers(enabled, fileSize.toBytes(), directory),
				new GroupKey("memoryMappedFileSizeBytes", key + "file-size", fileSize));
		setGroup(() -> builder.withMemoryMappedLimits(inMemoryEvents, maxBytesPerExecution.toBytes(),
				maxTotalBytes.toBytes()),
				new GroupKey("memoryMappedInMemoryEvents", key + "in-memory-events", inMemoryEvents),
				new GroupKey("memoryMappedMaxBytesPerExecution", key + "max-bytes-per-execution",
						maxBytesPerExecution),
				new GroupKey("memoryMappedMaxTotalBytes",
						key + (atRoot ? "max-total-bytes" : "max-bytes-per-execution"),
						atRoot ? maxTotalBytes : maxBytesPerExecution));
	}

	private static void applyReconnect(StreamingExecutionOptions.Builder builder, String prefix,
			GraphStreamingProperties.Reconnect root, ReconnectOverrides graph) {
		String key = prefix + "reconnect.";
		int maxAttempts = or(graph.getMaxAttempts(), root.getMaxAttempts());
		Duration initialDelay = or(graph.getInitialDelay(), root.getInitialDelay());
		Duration maxDelay = or(graph.getMaxDelay(), root.getMaxDelay());
		setGroup(() -> builder.withReconnect(maxAttempts, initialDelay, maxDelay),
				new GroupKey("maxReconnectAttempts", key + "max-attempts", maxAttempts),
				new GroupKey("initialReconnectDelay", key + "initial-delay", initialDelay),
				new GroupKey("maxReconnectDelay", key + "max-delay", maxDelay));
	}

	private static <T> T or(@Nullable T value, T fallback) {
		return (value != null) ? value : fallback;
	}

	private static int intBytes(String key, DataSize size) {
		try {
			return toIntBytes(size.toBytes());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(key, size, ex.getMessage());
		}
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
				"memory-mapped-buffers.enabled", "memoryMappedMaxBytesPerExecution",
				"memory-mapped-buffers.max-bytes-per-execution", "enableAutoReconnect", "reconnect.enabled");
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
