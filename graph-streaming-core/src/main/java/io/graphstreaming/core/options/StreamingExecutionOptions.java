package io.graphstreaming.core.options;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.codec.CompressionCodec;
import io.graphstreaming.core.journal.EventSerializer;
import io.graphstreaming.core.event.GraphExecutionEventHandler;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.metrics.InMemoryStreamingMetrics;
import io.graphstreaming.core.metrics.StreamingMetricsListener;

/**
 * How one streaming execution buffers, batches, filters and reports its events: the
 * reference guide's {@code StreamingExecutionOptions}, immutable. Build one with
 * {@link #builder()} (or {@link #configure()} from an existing instance); every setter
 * of the builder validates its argument, and {@link Builder#build()} checks the options
 * against each other.
 *
 * <p>An option is never accepted and then ignored: a feature this release cannot honour
 * is rejected by {@code build()} with a message that says so. Event compression is
 * applied by the transports (see {@code io.graphstreaming.core.codec}); memory-mapped
 * buffers by the execution journal, which then needs an {@link EventSerializer};
 * metrics by the {@linkplain #metricsListener() metrics listener}, by default the core's
 * in-memory {@link InMemoryStreamingMetrics#shared()}.
 */
public final class StreamingExecutionOptions {

	private static final StreamingExecutionOptions DEFAULTS = new Builder().build();

	private final int bufferSize;

	private final int maxBufferSize;

	private final OverflowPolicy overflowPolicy;

	private final Set<GraphExecutionEventType> eventTypesToEmit;

	private final int producerBatchSize;

	private final Duration producerFlushInterval;

	private final boolean enableHeartbeat;

	private final Duration heartbeatInterval;

	private final List<GraphExecutionEventHandler> eventHandlers;

	private final boolean enableMetrics;

	private final String metricsMeterName;

	private final StreamingMetricsListener metricsListener;

	private final boolean enableAutoReconnect;

	private final int maxReconnectAttempts;

	private final Duration initialReconnectDelay;

	private final Duration maxReconnectDelay;

	private final boolean enableEventCompression;

	private final CompressionAlgorithm compressionAlgorithm;

	private final int compressionThresholdBytes;

	private final boolean enableAdaptiveCompression;

	private final int adaptiveCompressionWindowSize;

	private final double adaptiveCompressionMinSavingsRatio;

	private final int adaptiveCompressionMinThresholdBytes;

	private final int adaptiveCompressionMaxThresholdBytes;

	private final boolean enableMemoryMappedBuffers;

	private final long memoryMappedFileSizeBytes;

	private final @Nullable Path memoryMappedDirectory;

	private final int memoryMappedInMemoryEvents;

	private final long memoryMappedMaxBytesPerExecution;

	private final long memoryMappedMaxTotalBytes;

	private final @Nullable EventSerializer eventSerializer;

	private final int journalMaxEvents;

	private final Duration journalRetention;

	private final boolean includeFinalState;

	private StreamingExecutionOptions(Builder builder) {
		this.bufferSize = builder.bufferSize;
		this.maxBufferSize = builder.maxBufferSize;
		this.overflowPolicy = builder.overflowPolicy;
		this.eventTypesToEmit = Set.copyOf(builder.eventTypesToEmit);
		this.producerBatchSize = builder.producerBatchSize;
		this.producerFlushInterval = builder.producerFlushInterval;
		this.enableHeartbeat = builder.enableHeartbeat;
		this.heartbeatInterval = builder.heartbeatInterval;
		this.eventHandlers = List.copyOf(builder.eventHandlers);
		this.enableMetrics = builder.enableMetrics;
		this.metricsMeterName = builder.metricsMeterName;
		this.metricsListener = builder.metricsListener;
		this.enableAutoReconnect = builder.enableAutoReconnect;
		this.maxReconnectAttempts = builder.maxReconnectAttempts;
		this.initialReconnectDelay = builder.initialReconnectDelay;
		this.maxReconnectDelay = builder.maxReconnectDelay;
		this.enableEventCompression = builder.enableEventCompression;
		this.compressionAlgorithm = builder.compressionAlgorithm;
		this.compressionThresholdBytes = builder.compressionThresholdBytes;
		this.enableAdaptiveCompression = builder.enableAdaptiveCompression;
		this.adaptiveCompressionWindowSize = builder.adaptiveCompressionWindowSize;
		this.adaptiveCompressionMinSavingsRatio = builder.adaptiveCompressionMinSavingsRatio;
		this.adaptiveCompressionMinThresholdBytes = builder.adaptiveCompressionMinThresholdBytes;
		this.adaptiveCompressionMaxThresholdBytes = builder.adaptiveCompressionMaxThresholdBytes;
		this.enableMemoryMappedBuffers = builder.enableMemoryMappedBuffers;
		this.memoryMappedFileSizeBytes = builder.memoryMappedFileSizeBytes;
		this.memoryMappedDirectory = builder.memoryMappedDirectory;
		this.memoryMappedInMemoryEvents = builder.memoryMappedInMemoryEvents;
		this.memoryMappedMaxBytesPerExecution = builder.memoryMappedMaxBytesPerExecution;
		this.memoryMappedMaxTotalBytes = builder.memoryMappedMaxTotalBytes;
		this.eventSerializer = builder.eventSerializer;
		this.journalMaxEvents = builder.journalMaxEvents;
		this.journalRetention = builder.journalRetention;
		this.includeFinalState = builder.includeFinalState;
	}

	/**
	 * The defaults of the reference guide: buffer 100, max buffer 1000, lossless
	 * {@code block} policy, every event type, producer batch 1, heartbeat off (30 s
	 * when on), metrics off.
	 * @return the shared default options
	 */
	public static StreamingExecutionOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * A builder starting from the defaults.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * A builder starting from these options, for the guide's fluent
	 * {@code options.configure().withBufferSize(50).build()} style.
	 * @return a new builder holding a copy of these options
	 */
	public Builder configure() {
		return new Builder(this);
	}

	/**
	 * The guide's basic configuration: small buffers, node start and completion events,
	 * and the terminal events, which are always emitted.
	 * @return basic options
	 */
	public static StreamingExecutionOptions basic() {
		return builder().withBufferSize(50)
			.withEventTypes(GraphExecutionEventType.NODE_STARTED, GraphExecutionEventType.NODE_COMPLETED)
			.build();
	}

	/**
	 * The guide's high-throughput configuration: large buffers and producer batching of
	 * 20 events or 50 ms. (The guide also turns on Brotli compression; this preset leaves
	 * it off because Brotli needs an optional native library: add
	 * {@code .configure().withCompression(CompressionAlgorithm.BROTLI).build()}.)
	 * @return high-throughput options
	 */
	public static StreamingExecutionOptions highThroughput() {
		return builder().withBufferSize(1000)
			.withMaxBufferSize(10_000)
			.withProducerBatchSize(20)
			.withProducerFlushInterval(Duration.ofMillis(50))
			.build();
	}

	/**
	 * The guide's monitoring configuration: execution and node lifecycle events including
	 * failures, a 10 s heartbeat and metrics on, recorded in
	 * {@link InMemoryStreamingMetrics#shared()} (events by type, node durations); give
	 * another listener with {@code configure().withMetricsListener(...)}.
	 * @return monitoring options
	 */
	public static StreamingExecutionOptions monitoring() {
		return builder()
			.withEventTypes(GraphExecutionEventType.EXECUTION_STARTED, GraphExecutionEventType.NODE_STARTED,
					GraphExecutionEventType.NODE_COMPLETED, GraphExecutionEventType.NODE_FAILED)
			.withHeartbeat(Duration.ofSeconds(10))
			.withMetrics()
			.build();
	}

	/**
	 * Events a consumer may fall behind before its stream reports {@code BUFFERING}; also
	 * the initial capacity of the journal.
	 * @return the buffer size
	 */
	public int bufferSize() {
		return this.bufferSize;
	}

	/**
	 * Events a consumer may fall behind before the overflow policy acts.
	 * @return the maximum buffer size
	 */
	public int maxBufferSize() {
		return this.maxBufferSize;
	}

	/**
	 * What a full buffer does.
	 * @return the overflow policy
	 */
	public OverflowPolicy overflowPolicy() {
		return this.overflowPolicy;
	}

	/**
	 * The event types the execution emits; terminal events are always emitted.
	 * @return an immutable set
	 */
	public Set<GraphExecutionEventType> eventTypesToEmit() {
		return this.eventTypesToEmit;
	}

	/**
	 * Whether the execution emits events of a type.
	 * @param type the type
	 * @return {@code true} if listed in {@link #eventTypesToEmit()} or terminal
	 */
	public boolean emits(GraphExecutionEventType type) {
		return type.isTerminal() || this.eventTypesToEmit.contains(type);
	}

	/**
	 * Events gathered before they are handed to a consumer.
	 * @return the producer batch size, 1 for no batching
	 */
	public int producerBatchSize() {
		return this.producerBatchSize;
	}

	/**
	 * The longest time a partial producer batch waits.
	 * @return the flush interval
	 */
	public Duration producerFlushInterval() {
		return this.producerFlushInterval;
	}

	/**
	 * Whether consumers get heartbeats while idle.
	 * @return the heartbeat switch
	 */
	public boolean enableHeartbeat() {
		return this.enableHeartbeat;
	}

	/**
	 * The idle time after which a heartbeat is sent.
	 * @return the heartbeat interval
	 */
	public Duration heartbeatInterval() {
		return this.heartbeatInterval;
	}

	/**
	 * Handlers called for every event.
	 * @return an immutable list
	 */
	public List<GraphExecutionEventHandler> eventHandlers() {
		return this.eventHandlers;
	}

	/**
	 * Whether the metrics listener is called (with every event, pause, drop and consumer
	 * lag high-water mark).
	 * @return the metrics switch
	 */
	public boolean enableMetrics() {
		return this.enableMetrics;
	}

	/**
	 * The prefix of the meters.
	 * @return the meter name
	 */
	public String metricsMeterName() {
		return this.metricsMeterName;
	}

	/**
	 * The listener that receives metrics when they are enabled.
	 * @return the listener; by default {@link InMemoryStreamingMetrics#shared()}, whose
	 * counters and histograms application code can read
	 */
	public StreamingMetricsListener metricsListener() {
		return this.metricsListener;
	}

	/**
	 * Whether remote clients reconnect by themselves.
	 * @return the auto-reconnect switch
	 */
	public boolean enableAutoReconnect() {
		return this.enableAutoReconnect;
	}

	/**
	 * Reconnect attempts in a row before a remote stream fails.
	 * @return the maximum number of attempts
	 */
	public int maxReconnectAttempts() {
		return this.maxReconnectAttempts;
	}

	/**
	 * The first reconnect back-off.
	 * @return the initial delay
	 */
	public Duration initialReconnectDelay() {
		return this.initialReconnectDelay;
	}

	/**
	 * The longest reconnect back-off.
	 * @return the maximum delay
	 */
	public Duration maxReconnectDelay() {
		return this.maxReconnectDelay;
	}

	/**
	 * Whether large serialized events are compressed.
	 * @return the compression switch
	 */
	public boolean enableEventCompression() {
		return this.enableEventCompression;
	}

	/**
	 * The compression algorithm.
	 * @return the algorithm
	 */
	public CompressionAlgorithm compressionAlgorithm() {
		return this.compressionAlgorithm;
	}

	/**
	 * Serialized events below this size are never compressed.
	 * @return the threshold in bytes
	 */
	public int compressionThresholdBytes() {
		return this.compressionThresholdBytes;
	}

	/**
	 * Whether the compression threshold adapts to the savings achieved.
	 * @return the adaptive compression switch
	 */
	public boolean enableAdaptiveCompression() {
		return this.enableAdaptiveCompression;
	}

	/**
	 * Recent events whose savings adaptive compression looks at.
	 * @return the window size
	 */
	public int adaptiveCompressionWindowSize() {
		return this.adaptiveCompressionWindowSize;
	}

	/**
	 * The savings below which adaptive compression backs off.
	 * @return a ratio in [0, 1)
	 */
	public double adaptiveCompressionMinSavingsRatio() {
		return this.adaptiveCompressionMinSavingsRatio;
	}

	/**
	 * The lowest threshold adaptive compression uses.
	 * @return bytes
	 */
	public int adaptiveCompressionMinThresholdBytes() {
		return this.adaptiveCompressionMinThresholdBytes;
	}

	/**
	 * The highest threshold adaptive compression uses.
	 * @return bytes
	 */
	public int adaptiveCompressionMaxThresholdBytes() {
		return this.adaptiveCompressionMaxThresholdBytes;
	}

	/**
	 * Whether journals spill to memory-mapped segment files.
	 * @return the memory-mapped buffers switch
	 */
	public boolean enableMemoryMappedBuffers() {
		return this.enableMemoryMappedBuffers;
	}

	/**
	 * The size of one memory-mapped segment file.
	 * @return bytes
	 */
	public long memoryMappedFileSizeBytes() {
		return this.memoryMappedFileSizeBytes;
	}

	/**
	 * Where segment files go.
	 * @return the directory, or {@code null} for the system temporary directory
	 */
	public @Nullable Path memoryMappedDirectory() {
		return this.memoryMappedDirectory;
	}

	/**
	 * The newest events a spilling journal keeps in memory; older ones go to segments.
	 * @return events, 1,000 by default
	 */
	public int memoryMappedInMemoryEvents() {
		return this.memoryMappedInMemoryEvents;
	}

	/**
	 * The most segment bytes one execution may hold (whole segments are counted).
	 * @return bytes, 1 GiB by default
	 */
	public long memoryMappedMaxBytesPerExecution() {
		return this.memoryMappedMaxBytesPerExecution;
	}

	/**
	 * The most segment bytes all executions of this JVM may hold together.
	 * @return bytes, 4 GiB by default
	 */
	public long memoryMappedMaxTotalBytes() {
		return this.memoryMappedMaxTotalBytes;
	}

	/**
	 * Turns events into bytes and back for memory-mapped segments.
	 * @return the serializer, or {@code null} if none was set
	 */
	public @Nullable EventSerializer eventSerializer() {
		return this.eventSerializer;
	}

	/**
	 * The most events of one execution kept for replay and resume. Events that an
	 * attached consumer has not yet read under the {@code block} policy are kept even
	 * past this count.
	 * @return the maximum number of journal events
	 */
	public int journalMaxEvents() {
		return this.journalMaxEvents;
	}

	/**
	 * How long a finished execution's journal stays available for late consumers.
	 * @return the retention
	 */
	public Duration journalRetention() {
		return this.journalRetention;
	}

	/**
	 * Whether {@code ExecutionCompleted} carries the final state.
	 * @return the switch, {@code true} by default
	 */
	public boolean includeFinalState() {
		return this.includeFinalState;
	}

	@Override
	public String toString() {
		return "StreamingExecutionOptions[bufferSize=" + this.bufferSize + ", maxBufferSize=" + this.maxBufferSize
				+ ", overflowPolicy=" + this.overflowPolicy.value() + ", eventTypesToEmit=" + this.eventTypesToEmit
				+ ", producerBatchSize=" + this.producerBatchSize + ", producerFlushInterval="
				+ this.producerFlushInterval + ", enableHeartbeat=" + this.enableHeartbeat + ", heartbeatInterval="
				+ this.heartbeatInterval + ", enableMetrics=" + this.enableMetrics + ", metricsMeterName="
				+ this.metricsMeterName + ", journalMaxEvents=" + this.journalMaxEvents + ", journalRetention="
				+ this.journalRetention + "]";
	}

	/**
	 * Builds {@link StreamingExecutionOptions}. Each {@code with...} method validates its
	 * argument at once and throws {@link IllegalArgumentException} naming the option;
	 * {@link #build()} checks the options against each other.
	 */
	public static final class Builder {

		private int bufferSize = 100;

		private int maxBufferSize = 1000;

		private OverflowPolicy overflowPolicy = OverflowPolicy.BLOCK;

		private Set<GraphExecutionEventType> eventTypesToEmit = EnumSet.allOf(GraphExecutionEventType.class);

		private int producerBatchSize = 1;

		private Duration producerFlushInterval = Duration.ofMillis(100);

		private boolean enableHeartbeat;

		private Duration heartbeatInterval = Duration.ofSeconds(30);

		private List<GraphExecutionEventHandler> eventHandlers = List.of();

		private boolean enableMetrics;

		private String metricsMeterName = "graph.streaming";

		private StreamingMetricsListener metricsListener = InMemoryStreamingMetrics.shared();

		private boolean enableAutoReconnect;

		private int maxReconnectAttempts = 3;

		private Duration initialReconnectDelay = Duration.ofSeconds(1);

		private Duration maxReconnectDelay = Duration.ofSeconds(30);

		private boolean enableEventCompression;

		private CompressionAlgorithm compressionAlgorithm = CompressionAlgorithm.GZIP;

		private int compressionThresholdBytes = 8 * 1024;

		private boolean enableAdaptiveCompression;

		private int adaptiveCompressionWindowSize = 100;

		private double adaptiveCompressionMinSavingsRatio = 0.1;

		private int adaptiveCompressionMinThresholdBytes = 2 * 1024;

		private int adaptiveCompressionMaxThresholdBytes = 64 * 1024;

		private boolean enableMemoryMappedBuffers;

		private long memoryMappedFileSizeBytes = 64L * 1024 * 1024;

		private @Nullable Path memoryMappedDirectory;

		private int memoryMappedInMemoryEvents = 1000;

		private long memoryMappedMaxBytesPerExecution = 1024L * 1024 * 1024;

		private long memoryMappedMaxTotalBytes = 4L * 1024 * 1024 * 1024;

		private @Nullable EventSerializer eventSerializer;

		private int journalMaxEvents = 10_000;

		private Duration journalRetention = Duration.ofMinutes(5);

		private boolean includeFinalState = true;

		private Builder() {
		}

		private Builder(StreamingExecutionOptions options) {
			this.bufferSize = options.bufferSize;
			this.maxBufferSize = options.maxBufferSize;
			this.overflowPolicy = options.overflowPolicy;
			this.eventTypesToEmit = options.eventTypesToEmit.isEmpty() ? EnumSet.noneOf(GraphExecutionEventType.class)
					: EnumSet.copyOf(options.eventTypesToEmit);
			this.producerBatchSize = options.producerBatchSize;
			this.producerFlushInterval = options.producerFlushInterval;
			this.enableHeartbeat = options.enableHeartbeat;
			this.heartbeatInterval = options.heartbeatInterval;
			this.eventHandlers = options.eventHandlers;
			this.enableMetrics = options.enableMetrics;
			this.metricsMeterName = options.metricsMeterName;
			this.metricsListener = options.metricsListener;
			this.enableAutoReconnect = options.enableAutoReconnect;
			this.maxReconnectAttempts = options.maxReconnectAttempts;
			this.initialReconnectDelay = options.initialReconnectDelay;
			this.maxReconnectDelay = options.maxReconnectDelay;
			this.enableEventCompression = options.enableEventCompression;
			this.compressionAlgorithm = options.compressionAlgorithm;
			this.compressionThresholdBytes = options.compressionThresholdBytes;
			this.enableAdaptiveCompression = options.enableAdaptiveCompression;
			this.adaptiveCompressionWindowSize = options.adaptiveCompressionWindowSize;
			this.adaptiveCompressionMinSavingsRatio = options.adaptiveCompressionMinSavingsRatio;
			this.adaptiveCompressionMinThresholdBytes = options.adaptiveCompressionMinThresholdBytes;
			this.adaptiveCompressionMaxThresholdBytes = options.adaptiveCompressionMaxThresholdBytes;
			this.enableMemoryMappedBuffers = options.enableMemoryMappedBuffers;
			this.memoryMappedFileSizeBytes = options.memoryMappedFileSizeBytes;
			this.memoryMappedDirectory = options.memoryMappedDirectory;
			this.memoryMappedInMemoryEvents = options.memoryMappedInMemoryEvents;
			this.memoryMappedMaxBytesPerExecution = options.memoryMappedMaxBytesPerExecution;
			this.memoryMappedMaxTotalBytes = options.memoryMappedMaxTotalBytes;
			this.eventSerializer = options.eventSerializer;
			this.journalMaxEvents = options.journalMaxEvents;
			this.journalRetention = options.journalRetention;
			this.includeFinalState = options.includeFinalState;
		}

		/**
		 * Sets the buffer size (default 100).
		 * @param bufferSize events, strictly positive
		 * @return this builder
		 * @throws IllegalArgumentException if not strictly positive
		 */
		public Builder withBufferSize(int bufferSize) {
			this.bufferSize = positive("bufferSize", bufferSize);
			return this;
		}

		/**
		 * Sets the maximum buffer size (default 1000).
		 * @param maxBufferSize events, strictly positive and at least the buffer size
		 * @return this builder
		 * @throws IllegalArgumentException if not strictly positive
		 */
		public Builder withMaxBufferSize(int maxBufferSize) {
			this.maxBufferSize = positive("maxBufferSize", maxBufferSize);
			return this;
		}

		/**
		 * Sets the overflow policy (default {@link OverflowPolicy#BLOCK}).
		 * @param overflowPolicy the policy
		 * @return this builder
		 */
		public Builder withOverflowPolicy(OverflowPolicy overflowPolicy) {
			this.overflowPolicy = Objects.requireNonNull(overflowPolicy, "overflowPolicy");
			return this;
		}

		/**
		 * Restricts the emitted event types (default: all). Terminal events are always
		 * emitted so that every stream ends.
		 * @param types the types to emit, at least one
		 * @return this builder
		 * @throws IllegalArgumentException if empty
		 */
		public Builder withEventTypes(GraphExecutionEventType... types) {
			return withEventTypes(List.of(types));
		}

		/**
		 * Restricts the emitted event types (default: all).
		 * @param types the types to emit, at least one
		 * @return this builder
		 * @throws IllegalArgumentException if empty
		 */
		public Builder withEventTypes(Collection<GraphExecutionEventType> types) {
			Objects.requireNonNull(types, "types");
			if (types.isEmpty()) {
				throw new IllegalArgumentException("eventTypesToEmit must name at least one event type");
			}
			this.eventTypesToEmit = EnumSet.copyOf(types);
			return this;
		}

		/**
		 * Sets the producer batch size (default 1: no batching).
		 * @param producerBatchSize events, strictly positive
		 * @return this builder
		 * @throws IllegalArgumentException if not strictly positive
		 */
		public Builder withProducerBatchSize(int producerBatchSize) {
			this.producerBatchSize = positive("producerBatchSize", producerBatchSize);
			return this;
		}

		/**
		 * Sets the producer flush interval (default 100 ms).
		 * @param producerFlushInterval strictly positive
		 * @return this builder
		 * @throws IllegalArgumentException if not strictly positive
		 */
		public Builder withProducerFlushInterval(Duration producerFlushInterval) {
			this.producerFlushInterval = positive("producerFlushInterval", producerFlushInterval);
			return this;
		}

		/**
		 * Turns heartbeats on with the given interval.
		 * @param interval strictly positive
		 * @return this builder
		 * @throws IllegalArgumentException if not strictly positive
		 */
		public Builder withHeartbeat(Duration interval) {
			this.heartbeatInterval = positive("heartbeatInterval", interval);
			this.enableHeartbeat = true;
			return this;
		}

		/**
		 * Turns heartbeats on or off (default off; interval 30 s).
		 * @param enable the switch
		 * @return this builder
		 */
		public Builder withHeartbeatEnabled(boolean enable) {
			this.enableHeartbeat = enable;
			return this;
		}

		/**
		 * Sets the heartbeat interval without changing the switch.
		 * @param interval strictly positive
		 * @return this builder
		 * @throws IllegalArgumentException if not strictly positive
		 */
		public Builder withHeartbeatInterval(Duration interval) {
			this.heartbeatInterval = positive("heartbeatInterval", interval);
			return this;
		}

		/**
		 * Replaces the event handlers.
		 * @param handlers the handlers, called in order for every event
		 * @return this builder
		 */
		public Builder withEventHandlers(List<GraphExecutionEventHandler> handlers) {
			Objects.requireNonNull(handlers, "handlers");
			handlers.forEach((handler) -> Objects.requireNonNull(handler, "eventHandlers must not contain null"));
			this.eventHandlers = List.copyOf(handlers);
			return this;
		}

		/**
		 * Adds an event handler.
		 * @param handler called for every event
		 * @return this builder
		 */
		public Builder withEventHandler(GraphExecutionEventHandler handler) {
			Objects.requireNonNull(handler, "handler");
			this.eventHandlers = java.util.stream.Stream
				.concat(this.eventHandlers.stream(), java.util.stream.Stream.of(handler))
				.toList();
			return this;
		}

		/**
		 * Turns metrics on: they go to the metrics listener, by default the core's
		 * {@link InMemoryStreamingMetrics#shared()} (the Spring Boot starter sets its
		 * Micrometer listener when Micrometer is present).
		 * @return this builder
		 */
		public Builder withMetrics() {
			this.enableMetrics = true;
			return this;
		}

		/**
		 * Turns metrics on or off (default off); see {@link #withMetrics()}.
		 * @param enable the switch
		 * @return this builder
		 */
		public Builder withMetricsEnabled(boolean enable) {
			this.enableMetrics = enable;
			return this;
		}

		/**
		 * Sets the meter name prefix (default {@code graph.streaming}).
		 * @param meterName dot-separated, not blank
		 * @return this builder
		 * @throws IllegalArgumentException if blank or not a dot-separated lower-case name
		 */
		public Builder withMetricsMeterName(String meterName) {
			Objects.requireNonNull(meterName, "meterName");
			if (!meterName.matches("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*")) {
				throw new IllegalArgumentException("metricsMeterName must be a dot-separated lower-case name such as "
						+ "'graph.streaming' but was '" + meterName + "'");
			}
			this.metricsMeterName = meterName;
			return this;
		}

		/**
		 * Sets the listener that receives metrics when they are enabled (default
		 * {@link InMemoryStreamingMetrics#shared()}), for example a Micrometer binding, a
		 * {@link io.graphstreaming.core.metrics.CompositeStreamingMetricsListener} or an
		 * {@link InMemoryStreamingMetrics} of one's own.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder withMetricsListener(StreamingMetricsListener listener) {
			this.metricsListener = Objects.requireNonNull(listener, "metricsListener");
			return this;
		}

		/**
		 * Turns client auto-reconnect on or off (default off).
		 * @param enable the switch
		 * @return this builder
		 */
		public Builder withAutoReconnect(boolean enable) {
			this.enableAutoReconnect = enable;
			return this;
		}

		/**
		 * Sets the reconnect limits (defaults 3 attempts, 1 s, 30 s).
		 * @param maxAttempts attempts in a row, zero or more
		 * @param initialDelay the first back-off, strictly positive
		 * @param maxDelay the largest back-off, at least the initial delay
		 * @return this builder
		 * @throws IllegalArgumentException for a negative count, a non-positive delay, or a
		 * maximum below the initial delay
		 */
		public Builder withReconnect(int maxAttempts, Duration initialDelay, Duration maxDelay) {
			if (maxAttempts < 0) {
				throw new IllegalArgumentException("maxReconnectAttempts must be >= 0 but was " + maxAttempts);
			}
			positive("initialReconnectDelay", initialDelay);
			positive("maxReconnectDelay", maxDelay);
			if (maxDelay.compareTo(initialDelay) < 0) {
				throw new IllegalArgumentException("maxReconnectDelay (" + maxDelay
						+ ") must be >= initialReconnectDelay (" + initialDelay + ")");
			}
			this.maxReconnectAttempts = maxAttempts;
			this.initialReconnectDelay = initialDelay;
			this.maxReconnectDelay = maxDelay;
			return this;
		}

		/**
		 * Turns event compression on with an algorithm.
		 * @param algorithm the algorithm
		 * @return this builder
		 */
		public Builder withCompression(CompressionAlgorithm algorithm) {
			this.compressionAlgorithm = Objects.requireNonNull(algorithm, "compressionAlgorithm");
			this.enableEventCompression = true;
			return this;
		}

		/**
		 * Turns event compression on or off (default off).
		 * @param enable the switch
		 * @return this builder
		 */
		public Builder withCompressionEnabled(boolean enable) {
			this.enableEventCompression = enable;
			return this;
		}

		/**
		 * Sets the compression algorithm without changing the switch (default gzip).
		 * @param algorithm the algorithm
		 * @return this builder
		 */
		public Builder withCompressionAlgorithm(CompressionAlgorithm algorithm) {
			this.compressionAlgorithm = Objects.requireNonNull(algorithm, "compressionAlgorithm");
			return this;
		}

		/**
		 * Sets the compression threshold (default 8 KiB).
		 * @param bytes zero or more
		 * @return this builder
		 * @throws IllegalArgumentException if negative
		 */
		public Builder withCompressionThreshold(int bytes) {
			this.compressionThresholdBytes = nonNegative("compressionThresholdBytes", bytes);
			return this;
		}

		/**
		 * Configures adaptive compression (defaults: off, window 100, 10 % savings, 2 KiB to
		 * 64 KiB).
		 * @param enable the switch
		 * @param windowSize recent events considered, strictly positive
		 * @param minSavingsRatio in [0, 1)
		 * @param minThresholdBytes zero or more
		 * @param maxThresholdBytes at least the minimum
		 * @return this builder
		 * @throws IllegalArgumentException for any value out of range
		 */
		public Builder withAdaptiveCompression(boolean enable, int windowSize, double minSavingsRatio,
				int minThresholdBytes, int maxThresholdBytes) {
			positive("adaptiveCompressionWindowSize", windowSize);
			if (!(minSavingsRatio >= 0.0 && minSavingsRatio < 1.0)) {
				throw new IllegalArgumentException(
						"adaptiveCompressionMinSavingsRatio must be in [0, 1) but was " + minSavingsRatio);
			}
			nonNegative("adaptiveCompressionMinThresholdBytes", minThresholdBytes);
			if (maxThresholdBytes < minThresholdBytes) {
				throw new IllegalArgumentException("adaptiveCompressionMaxThresholdBytes (" + maxThresholdBytes
						+ ") must be >= adaptiveCompressionMinThresholdBytes (" + minThresholdBytes + ")");
			}
			this.enableAdaptiveCompression = enable;
			this.adaptiveCompressionWindowSize = windowSize;
			this.adaptiveCompressionMinSavingsRatio = minSavingsRatio;
			this.adaptiveCompressionMinThresholdBytes = minThresholdBytes;
			this.adaptiveCompressionMaxThresholdBytes = maxThresholdBytes;
			return this;
		}

		/**
		 * Configures memory-mapped buffers (defaults: off, 64 MiB segments, temporary
		 * directory).
		 * @param enable the switch
		 * @param fileSizeBytes bytes per segment file, at least 64 KiB
		 * @param directory where segment files go, or {@code null} for the temporary directory
		 * @return this builder
		 * @throws IllegalArgumentException if the size is below 64 KiB or above 2 GiB - 1
		 */
		public Builder withMemoryMappedBuffers(boolean enable, long fileSizeBytes, @Nullable Path directory) {
			if (fileSizeBytes < 64 * 1024) {
				throw new IllegalArgumentException(
						"memoryMappedFileSizeBytes must be >= 65536 but was " + fileSizeBytes);
			}
			if (fileSizeBytes > Integer.MAX_VALUE) {
				throw new IllegalArgumentException(
						"memoryMappedFileSizeBytes must be <= 2147483647 but was " + fileSizeBytes);
			}
			this.enableMemoryMappedBuffers = enable;
			this.memoryMappedFileSizeBytes = fileSizeBytes;
			this.memoryMappedDirectory = directory;
			return this;
		}

		/**
		 * Sets the spill limits of memory-mapped buffers (defaults: 1,000 events in memory,
		 * 1 GiB per execution, 4 GiB in total). Segments are counted whole; when a new one
		 * does not fit in either budget, the overflow policy applies as it does without
		 * spill ({@code block}: the run pauses).
		 * @param inMemoryEvents the newest events kept in memory, strictly positive
		 * @param maxBytesPerExecution segment bytes one execution may hold, strictly positive
		 * @param maxTotalBytes segment bytes all executions of the JVM may hold, at least the
		 * per-execution limit
		 * @return this builder
		 * @throws IllegalArgumentException if a limit is not strictly positive or the total
		 * is below the per-execution limit
		 */
		public Builder withMemoryMappedLimits(int inMemoryEvents, long maxBytesPerExecution, long maxTotalBytes) {
			positive("memoryMappedInMemoryEvents", inMemoryEvents);
			if (maxBytesPerExecution <= 0) {
				throw new IllegalArgumentException(
						"memoryMappedMaxBytesPerExecution must be strictly positive but was " + maxBytesPerExecution);
			}
			if (maxTotalBytes < maxBytesPerExecution) {
				throw new IllegalArgumentException("memoryMappedMaxTotalBytes (" + maxTotalBytes
						+ ") must be >= memoryMappedMaxBytesPerExecution (" + maxBytesPerExecution + ")");
			}
			this.memoryMappedInMemoryEvents = inMemoryEvents;
			this.memoryMappedMaxBytesPerExecution = maxBytesPerExecution;
			this.memoryMappedMaxTotalBytes = maxTotalBytes;
			return this;
		}

		/**
		 * Sets the serializer that memory-mapped buffers write events with (core has none;
		 * the Spring Boot starter supplies the event JSON).
		 * @param serializer the serializer, or {@code null} for none
		 * @return this builder
		 */
		public Builder withEventSerializer(@Nullable EventSerializer serializer) {
			this.eventSerializer = serializer;
			return this;
		}

		/**
		 * Sets how many events of an execution the journal keeps (default 10,000).
		 * @param maxEvents strictly positive
		 * @return this builder
		 * @throws IllegalArgumentException if not strictly positive
		 */
		public Builder withJournalMaxEvents(int maxEvents) {
			this.journalMaxEvents = positive("journalMaxEvents", maxEvents);
			return this;
		}

		/**
		 * Sets how long a finished execution's journal is kept (default 5 minutes).
		 * @param retention zero or more
		 * @return this builder
		 * @throws IllegalArgumentException if negative
		 */
		public Builder withJournalRetention(Duration retention) {
			Objects.requireNonNull(retention, "journalRetention");
			if (retention.isNegative()) {
				throw new IllegalArgumentException("journalRetention must be >= 0 but was " + retention);
			}
			this.journalRetention = retention;
			return this;
		}

		/**
		 * Sets whether {@code ExecutionCompleted} carries the final state (default yes).
		 * @param include the switch
		 * @return this builder
		 */
		public Builder withFinalState(boolean include) {
			this.includeFinalState = include;
			return this;
		}

		/**
		 * Checks the options against each other and builds them.
		 * @return immutable options
		 * @throws IllegalArgumentException if the maximum buffer is below the buffer size,
		 * event compression is enabled with {@code brotli} where Brotli cannot load (the
		 * message names the platform and suggests gzip), or memory-mapped buffers are
		 * enabled without an {@link EventSerializer} or with a per-execution budget below
		 * one segment
		 */
		public StreamingExecutionOptions build() {
			if (this.maxBufferSize < this.bufferSize) {
				throw new IllegalArgumentException("maxBufferSize (" + this.maxBufferSize
						+ ") must be >= bufferSize (" + this.bufferSize + ")");
			}
			if (this.enableEventCompression) {
				// Brotli where its native library cannot load is refused, never swapped for gzip.
				CompressionCodec.requireAvailable(this.compressionAlgorithm);
			}
			if (this.enableMemoryMappedBuffers) {
				if (this.eventSerializer == null) {
					throw new IllegalArgumentException("enableMemoryMappedBuffers needs an EventSerializer to write "
							+ "events to segment files: set one with withEventSerializer(...) (the Spring Boot "
							+ "starter supplies its JSON serializer)");
				}
				if (this.memoryMappedMaxBytesPerExecution < this.memoryMappedFileSizeBytes) {
					throw new IllegalArgumentException("memoryMappedMaxBytesPerExecution ("
							+ this.memoryMappedMaxBytesPerExecution + ") must be >= memoryMappedFileSizeBytes ("
							+ this.memoryMappedFileSizeBytes + ")");
				}
			}
			return new StreamingExecutionOptions(this);
		}

		private static int positive(String name, int value) {
			if (value <= 0) {
				throw new IllegalArgumentException(name + " must be strictly positive but was " + value);
			}
			return value;
		}

		private static int nonNegative(String name, int value) {
			if (value < 0) {
				throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
			}
			return value;
		}

		private static Duration positive(String name, Duration value) {
			Objects.requireNonNull(value, name);
			if (value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(name + " must be strictly positive but was " + value);
			}
			return value;
		}

	}

}
