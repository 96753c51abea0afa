package io.graphstreaming.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.options.CompressionAlgorithm;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.spring.registry.DisconnectPolicy;
import io.graphstreaming.spring.registry.ShutdownMode;

/**
 * Configuration of graph streaming, under {@code graph.streaming}. The execution options
 * at the root apply to every graph; {@code graphs.<graphId>.*} overrides them for one
 * graph.
 */
@ConfigurationProperties("graph.streaming")
public class GraphStreamingProperties {

	/**
	 * Events a consumer may fall behind before its stream reports buffering.
	 */
	private int bufferSize = 100;

	/**
	 * Events a consumer may fall behind before the overflow policy acts.
	 */
	private int maxBufferSize = 1000;

	/**
	 * What a full consumer buffer does: block (lossless, the execution waits), drop-oldest,
	 * drop-newest or fail.
	 */
	private OverflowPolicy overflowPolicy = OverflowPolicy.BLOCK;

	/**
	 * Event types executions emit (wire names such as NodeStarted); empty for all.
	 * Terminal events are always emitted.
	 */
	private List<GraphExecutionEventType> eventTypesToEmit = new ArrayList<>();

	/**
	 * Events gathered before they are handed to a consumer; 1 for no batching.
	 */
	private int producerBatchSize = 1;

	/**
	 * Longest time a partial producer batch waits.
	 */
	private Duration producerFlushInterval = Duration.ofMillis(100);

	/**
	 * Whether ExecutionCompleted events and non-streaming results carry the final state.
	 */
	private boolean includeFinalState = true;

	private final Heartbeat heartbeat = new Heartbeat();

	private final Compression compression = new Compression();

	private final MemoryMappedBuffers memoryMappedBuffers = new MemoryMappedBuffers();

	private final Reconnect reconnect = new Reconnect();

	private final Metrics metrics = new Metrics();

	private final Journal journal = new Journal();

	private final Execution execution = new Execution();

	private final Web web = new Web();

	private final Dashboard dashboard = new Dashboard();

	private final Checkpoints checkpoints = new Checkpoints();

	private final Shutdown shutdown = new Shutdown();

	private final Security security = new Security();

	/**
	 * Per-graph overrides of the execution options, by graph id.
	 */
	private Map<String, GraphOverrides> graphs = new LinkedHashMap<>();

	public int getBufferSize() {
		return this.bufferSize;
	}

	public void setBufferSize(int bufferSize) {
		this.bufferSize = bufferSize;
	}

	public int getMaxBufferSize() {
		return this.maxBufferSize;
	}

	public void setMaxBufferSize(int maxBufferSize) {
		this.maxBufferSize = maxBufferSize;
	}

	public OverflowPolicy getOverflowPolicy() {
		return this.overflowPolicy;
	}

	public void setOverflowPolicy(OverflowPolicy overflowPolicy) {
		this.overflowPolicy = overflowPolicy;
	}

	public List<GraphExecutionEventType> getEventTypesToEmit() {
		return this.eventTypesToEmit;
	}

	public void setEventTypesToEmit(List<GraphExecutionEventType> eventTypesToEmit) {
		this.eventTypesToEmit = eventTypesToEmit;
	}

	public int getProducerBatchSize() {
		return this.producerBatchSize;
	}

	public void setProducerBatchSize(int producerBatchSize) {
		this.producerBatchSize = producerBatchSize;
	}

	public Duration getProducerFlushInterval() {
		return this.producerFlushInterval;
	}

	public void setProducerFlushInterval(Duration producerFlushInterval) {
		this.producerFlushInterval = producerFlushInterval;
	}

	public boolean isIncludeFinalState() {
		return this.includeFinalState;
	}

	public void setIncludeFinalState(boolean includeFinalState) {
		this.includeFinalState = includeFinalState;
	}

	public Heartbeat getHeartbeat() {
		return this.heartbeat;
	}

	public Compression getCompression() {
		return this.compression;
	}

	public MemoryMappedBuffers getMemoryMappedBuffers() {
		return this.memoryMappedBuffers;
	}

	public Reconnect getReconnect() {
		return this.reconnect;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Journal getJournal() {
		return this.journal;
	}

	public Execution getExecution() {
		return this.execution;
	}

	public Web getWeb() {
		return this.web;
	}

	public Dashboard getDashboard() {
		return this.dashboard;
	}

	public Checkpoints getCheckpoints() {
		return this.checkpoints;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	public Security getSecurity() {
		return this.security;
	}

	public Map<String, GraphOverrides> getGraphs() {
		return this.graphs;
	}

	public void setGraphs(Map<String, GraphOverrides> graphs) {
		this.graphs = graphs;
	}

	/**
	 * Heartbeats sent to idle consumers.
	 */
	public static class Heartbeat {

		/**
		 * Whether idle streams get heartbeats (an SSE comment line, a WebSocket ping).
		 */
		private boolean enabled = false;

		/**
		 * Idle time after which a heartbeat is sent.
		 */
		private Duration interval = Duration.ofSeconds(30);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

	}

	/**
	 * Event-level compression: SSE responses with Content-Encoding br or gzip negotiated
	 * from Accept-Encoding, and binary WebSocket frames for clients that ask for them.
	 */
	public static class Compression {

		/**
		 * Whether events are compressed for clients that accept it.
		 */
		private boolean enabled = false;

		/**
		 * Compression algorithm: gzip or brotli (brotli needs brotli4j and its native
		 * library for the platform; where it cannot load, start-up fails).
		 */
		private CompressionAlgorithm algorithm = CompressionAlgorithm.GZIP;

		/**
		 * Serialized events below this size are not compressed (the starting threshold
		 * when adaptive compression is on).
		 */
		private DataSize threshold = DataSize.ofKilobytes(8);

		private final Adaptive adaptive = new Adaptive();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public CompressionAlgorithm getAlgorithm() {
			return this.algorithm;
		}

		public void setAlgorithm(CompressionAlgorithm algorithm) {
			this.algorithm = algorithm;
		}

		public DataSize getThreshold() {
			return this.threshold;
		}

		public void setThreshold(DataSize threshold) {
			this.threshold = threshold;
		}

		public Adaptive getAdaptive() {
			return this.adaptive;
		}

		/**
		 * Adaptive compression threshold.
		 */
		public static class Adaptive {

			/**
			 * Whether the threshold adapts to the savings achieved.
			 */
			private boolean enabled = false;

			/**
			 * Compressed events whose mean savings decide each threshold step.
			 */
			private int windowSize = 100;

			/**
			 * Mean savings ratio (1 - compressed/original) below which the threshold
			 * doubles; at or above it, the threshold halves.
			 */
			private double minSavingsRatio = 0.1;

			/**
			 * Lowest adaptive threshold; smaller events are never compressed.
			 */
			private DataSize minThreshold = DataSize.ofKilobytes(2);

			/**
			 * Highest adaptive threshold; past it, compression pauses (every 10th
			 * candidate is still compressed as a probe).
			 */
			private DataSize maxThreshold = DataSize.ofKilobytes(64);

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

			public int getWindowSize() {
				return this.windowSize;
			}

			public void setWindowSize(int windowSize) {
				this.windowSize = windowSize;
			}

			public double getMinSavingsRatio() {
				return this.minSavingsRatio;
			}

			public void setMinSavingsRatio(double minSavingsRatio) {
				this.minSavingsRatio = minSavingsRatio;
			}

			public DataSize getMinThreshold() {
				return this.minThreshold;
			}

			public void setMinThreshold(DataSize minThreshold) {
				this.minThreshold = minThreshold;
			}

			public DataSize getMaxThreshold() {
				return this.maxThreshold;
			}

			public void setMaxThreshold(DataSize maxThreshold) {
				this.maxThreshold = maxThreshold;
			}

		}

	}

	/**
	 * Memory-mapped journal segments: past {@code in-memory-events}, a journal's older
	 * events spill (as event JSON) to segment files, within the byte budgets.
	 */
	public static class MemoryMappedBuffers {

		/**
		 * Whether journals spill to memory-mapped segment files.
		 */
		private boolean enabled = false;

		/**
		 * Size of one segment file.
		 */
		private DataSize fileSize = DataSize.ofMegabytes(64);

		/**
		 * Directory of segment files; the system temporary directory when unset.
		 */
		private @Nullable Path directory;

		/**
		 * Newest events of an execution kept in memory; older ones spill to segments.
		 */
		private int inMemoryEvents = 1000;

		/**
		 * Most segment bytes one execution may hold; then the overflow policy applies.
		 */
		private DataSize maxBytesPerExecution = DataSize.ofGigabytes(1);

		/**
		 * Most segment bytes all executions may hold together; then the overflow policy applies.
		 */
		private DataSize maxTotalBytes = DataSize.ofGigabytes(4);

		public int getInMemoryEvents() {
			return this.inMemoryEvents;
		}

		public void setInMemoryEvents(int inMemoryEvents) {
			this.inMemoryEvents = inMemoryEvents;
		}

		public DataSize getMaxBytesPerExecution() {
			return this.maxBytesPerExecution;
		}

		public void setMaxBytesPerExecution(DataSize maxBytesPerExecution) {
			this.maxBytesPerExecution = maxBytesPerExecution;
		}

		public DataSize getMaxTotalBytes() {
			return this.maxTotalBytes;
		}

		public void setMaxTotalBytes(DataSize maxTotalBytes) {
			this.maxTotalBytes = maxTotalBytes;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public DataSize getFileSize() {
			return this.fileSize;
		}

		public void setFileSize(DataSize fileSize) {
			this.fileSize = fileSize;
		}

		public @Nullable Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(@Nullable Path directory) {
			this.directory = directory;
		}

	}

	/**
	 * Reconnection of the remote client ({@code GraphStreamClient}) built from the
	 * auto-configured builder.
	 */
	public static class Reconnect {

		/**
		 * Whether remote clients reconnect by themselves.
		 */
		private boolean enabled = false;

		/**
		 * Reconnect attempts in a row before a stream fails.
		 */
		private int maxAttempts = 3;

		/**
		 * First reconnect back-off.
		 */
		private Duration initialDelay = Duration.ofSeconds(1);

		/**
		 * Largest reconnect back-off.
		 */
		private Duration maxDelay = Duration.ofSeconds(30);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

	}

	/**
	 * Metrics.
	 */
	public static class Metrics {

		/**
		 * Whether executions report metrics (to Micrometer when it is present).
		 */
		private boolean enabled = true;

		/**
		 * Common prefix of the meters.
		 */
		private String meterName = "graph.streaming";

		/**
		 * Histogram buckets of the node and execution duration timers; empty for
		 * Micrometer's default percentile histogram buckets.
		 */
		private List<Duration> durationBuckets = new ArrayList<>();

		public List<Duration> getDurationBuckets() {
			return this.durationBuckets;
		}

		public void setDurationBuckets(List<Duration> durationBuckets) {
			this.durationBuckets = durationBuckets;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getMeterName() {
			return this.meterName;
		}

		public void setMeterName(String meterName) {
			this.meterName = meterName;
		}

	}

	/**
	 * The event journal kept for replay and resume.
	 */
	public static class Journal {

		/**
		 * Where executions' events are journaled: 'memory' (this instance only) or 'redis'
		 * (Redis Streams shared by every instance; needs graph-streaming-redis).
		 */
		private JournalType type = JournalType.MEMORY;

		/**
		 * How long a finished execution and its events are kept for late consumers.
		 */
		private Duration retention = Duration.ofMinutes(5);

		/**
		 * Most events of one execution kept for replay.
		 */
		private int maxEvents = 10_000;

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		public int getMaxEvents() {
			return this.maxEvents;
		}

		public void setMaxEvents(int maxEvents) {
			this.maxEvents = maxEvents;
		}

		public JournalType getType() {
			return this.type;
		}

		public void setType(JournalType type) {
			this.type = type;
		}

		/**
		 * Where the journal lives.
		 */
		public enum JournalType {

			/** In this instance's memory (and spill files): the embedded default. */
			MEMORY,

			/** In Redis Streams, shared by every instance (module graph-streaming-redis). */
			REDIS

		}

	}

	/**
	 * Executions.
	 */
	public static class Execution {

		/**
		 * Executions that may run at once; more are refused with 429.
		 */
		private int maxConcurrent = 1000;

		/**
		 * What happens to an execution when its last streaming consumer disconnects:
		 * continue (it runs on and a consumer may resume while it is retained) or cancel.
		 */
		private DisconnectPolicy disconnectPolicy = DisconnectPolicy.CONTINUE;

		/**
		 * How long a started execution may wait for its first consumer before it is
		 * cancelled.
		 */
		private Duration unconsumedTimeout = Duration.ofSeconds(30);

		public int getMaxConcurrent() {
			return this.maxConcurrent;
		}

		public void setMaxConcurrent(int maxConcurrent) {
			this.maxConcurrent = maxConcurrent;
		}

		public DisconnectPolicy getDisconnectPolicy() {
			return this.disconnectPolicy;
		}

		public void setDisconnectPolicy(DisconnectPolicy disconnectPolicy) {
			this.disconnectPolicy = disconnectPolicy;
		}

		public Duration getUnconsumedTimeout() {
			return this.unconsumedTimeout;
		}

		public void setUnconsumedTimeout(Duration unconsumedTimeout) {
			this.unconsumedTimeout = unconsumedTimeout;
		}

	}

	/**
	 * The HTTP and WebSocket endpoints.
	 */
	public static class Web {

		/**
		 * Base path of the endpoints.
		 */
		private String basePath = "/graphs";

		/**
		 * Whether the Server-Sent Events endpoints are served.
		 */
		private boolean sseEnabled = true;

		/**
		 * Whether the WebSocket endpoint is served.
		 */
		private boolean websocketEnabled = true;

		/**
		 * Whether the polling endpoints are served.
		 */
		private boolean pollingEnabled = true;

		/**
		 * Longest wait of a long poll; a poll asking for more (waitMs) gets a 400 naming it.
		 */
		private Duration longPollMaxWait = Duration.ofSeconds(30);

		/**
		 * Most events one poll returns (limit is capped to it).
		 */
		private int pollMaxEvents = 1000;

		/**
		 * Largest accepted request body; larger ones get 413.
		 */
		private DataSize maxRequestBody = DataSize.ofKilobytes(256);

		/**
		 * Streams (SSE responses and WebSocket sessions) open at once; more get 429.
		 */
		private int maxConcurrentStreams = 10_000;

		/**
		 * Streams (SSE responses and WebSocket sessions) open at once to one client (its
		 * principal, else its address); more get 429.
		 */
		private int maxConcurrentStreamsPerClient = 1000;

		/**
		 * Executions one client (its principal, else its address) may start per minute,
		 * in bursts of up to this many; more get 429.
		 */
		private int maxExecutionsPerMinutePerClient = 600;

		/**
		 * Deepest nesting of objects and arrays in an execution's input (the input
		 * object is level 1); deeper input gets 400.
		 */
		private int maxInputDepth = 32;

		/**
		 * Most values (object members and array elements, at any depth) in an
		 * execution's input; more get 413.
		 */
		private int maxInputElements = 10_000;

		/**
		 * WebSocket sessions open at once; more handshakes get 429.
		 */
		private int websocketMaxSessions = 5000;

		/**
		 * WebSocket sessions open at once to one client (its principal, else its
		 * address); more handshakes get 429.
		 */
		private int websocketMaxSessionsPerClient = 500;

		/**
		 * Largest message a WebSocket client may send; a larger one gets an error message
		 * (413) and the socket is closed with 1008, and a frame over twice the size is cut
		 * off with 1009. Independent of max-request-body.
		 */
		private DataSize websocketMaxMessageSize = DataSize.ofKilobytes(256);

		/**
		 * Retry-After sent with 429 answers.
		 */
		private Duration retryAfter = Duration.ofSeconds(1);

		/**
		 * Interval of WebSocket keep-alive pings.
		 */
		private Duration websocketPingInterval = Duration.ofSeconds(30);

		/**
		 * Whether WebSocket clients may negotiate permessage-deflate (RFC 7692), which
		 * compresses every frame in both directions (Reactor Netty only).
		 */
		private boolean websocketPermessageDeflate = false;

		private final Cors cors = new Cors();

		/**
		 * Whether to set Reactor Netty's reactor.netty.http.server.lastFlushWhenNoRead
		 * system property (when it is not set already), which avoids keep-alive requests
		 * left unread after a response completed off the event loop (Reactor Netty 1.3.6).
		 */
		private boolean nettyKeepAliveFix = true;

		public boolean isNettyKeepAliveFix() {
			return this.nettyKeepAliveFix;
		}

		public void setNettyKeepAliveFix(boolean nettyKeepAliveFix) {
			this.nettyKeepAliveFix = nettyKeepAliveFix;
		}

		public String getBasePath() {
			return this.basePath;
		}

		public void setBasePath(String basePath) {
			this.basePath = basePath;
		}

		public boolean isSseEnabled() {
			return this.sseEnabled;
		}

		public void setSseEnabled(boolean sseEnabled) {
			this.sseEnabled = sseEnabled;
		}

		public boolean isWebsocketEnabled() {
			return this.websocketEnabled;
		}

		public void setWebsocketEnabled(boolean websocketEnabled) {
			this.websocketEnabled = websocketEnabled;
		}

		public boolean isPollingEnabled() {
			return this.pollingEnabled;
		}

		public void setPollingEnabled(boolean pollingEnabled) {
			this.pollingEnabled = pollingEnabled;
		}

		public Duration getLongPollMaxWait() {
			return this.longPollMaxWait;
		}

		public void setLongPollMaxWait(Duration longPollMaxWait) {
			this.longPollMaxWait = longPollMaxWait;
		}

		public int getPollMaxEvents() {
			return this.pollMaxEvents;
		}

		public void setPollMaxEvents(int pollMaxEvents) {
			this.pollMaxEvents = pollMaxEvents;
		}

		public DataSize getMaxRequestBody() {
			return this.maxRequestBody;
		}

		public void setMaxRequestBody(DataSize maxRequestBody) {
			this.maxRequestBody = maxRequestBody;
		}

		public int getMaxConcurrentStreams() {
			return this.maxConcurrentStreams;
		}

		public void setMaxConcurrentStreams(int maxConcurrentStreams) {
			this.maxConcurrentStreams = maxConcurrentStreams;
		}

		public Duration getRetryAfter() {
			return this.retryAfter;
		}

		public int getMaxConcurrentStreamsPerClient() {
			return this.maxConcurrentStreamsPerClient;
		}

		public void setMaxConcurrentStreamsPerClient(int maxConcurrentStreamsPerClient) {
			this.maxConcurrentStreamsPerClient = maxConcurrentStreamsPerClient;
		}

		public int getMaxExecutionsPerMinutePerClient() {
			return this.maxExecutionsPerMinutePerClient;
		}

		public void setMaxExecutionsPerMinutePerClient(int maxExecutionsPerMinutePerClient) {
			this.maxExecutionsPerMinutePerClient = maxExecutionsPerMinutePerClient;
		}

		public int getMaxInputDepth() {
			return this.maxInputDepth;
		}

		public void setMaxInputDepth(int maxInputDepth) {
			this.maxInputDepth = maxInputDepth;
		}

		public int getMaxInputElements() {
			return this.maxInputElements;
		}

		public void setMaxInputElements(int maxInputElements) {
			this.maxInputElements = maxInputElements;
		}

		public int getWebsocketMaxSessions() {
			return this.websocketMaxSessions;
		}

		public void setWebsocketMaxSessions(int websocketMaxSessions) {
			this.websocketMaxSessions = websocketMaxSessions;
		}

		public int getWebsocketMaxSessionsPerClient() {
			return this.websocketMaxSessionsPerClient;
		}

		public void setWebsocketMaxSessionsPerClient(int websocketMaxSessionsPerClient) {
			this.websocketMaxSessionsPerClient = websocketMaxSessionsPerClient;
		}

		public void setRetryAfter(Duration retryAfter) {
			this.retryAfter = retryAfter;
		}

		public DataSize getWebsocketMaxMessageSize() {
			return this.websocketMaxMessageSize;
		}

		public void setWebsocketMaxMessageSize(DataSize websocketMaxMessageSize) {
			this.websocketMaxMessageSize = websocketMaxMessageSize;
		}

		public Duration getWebsocketPingInterval() {
			return this.websocketPingInterval;
		}

		public void setWebsocketPingInterval(Duration websocketPingInterval) {
			this.websocketPingInterval = websocketPingInterval;
		}

		public boolean isWebsocketPermessageDeflate() {
			return this.websocketPermessageDeflate;
		}

		public void setWebsocketPermessageDeflate(boolean websocketPermessageDeflate) {
			this.websocketPermessageDeflate = websocketPermessageDeflate;
		}

		public Cors getCors() {
			return this.cors;
		}

		/**
		 * Cross-origin access to the endpoints under the base path; off until an allowed
		 * origin or origin pattern is set.
		 */
		public static class Cors {

			/**
			 * Origins allowed to call the endpoints, such as https://app.example.com; '*'
			 * for any (not with allow-credentials).
			 */
			private List<String> allowedOrigins = new ArrayList<>();

			/**
			 * Origin patterns allowed to call the endpoints, such as
			 * https://*.example.com or http://localhost:[*].
			 */
			private List<String> allowedOriginPatterns = new ArrayList<>();

			/**
			 * HTTP methods allowed in cross-origin requests; '*' for any.
			 */
			private List<String> allowedMethods = new ArrayList<>(List.of("GET", "HEAD", "POST", "DELETE"));

			/**
			 * Request headers allowed in cross-origin requests; '*' for any.
			 */
			private List<String> allowedHeaders = new ArrayList<>(
					List.of("Accept", "Authorization", "Content-Type", "Last-Event-ID"));

			/**
			 * Response headers that cross-origin scripts may read.
			 */
			private List<String> exposedHeaders = new ArrayList<>(
					List.of("Location", "Retry-After", "X-Execution-Id", "X-Resumed-From"));

			/**
			 * Whether cross-origin requests may carry credentials (cookies, HTTP
			 * authentication).
			 */
			private boolean allowCredentials = false;

			/**
			 * How long browsers may cache a preflight answer.
			 */
			private Duration maxAge = Duration.ofMinutes(30);

			public List<String> getAllowedOrigins() {
				return this.allowedOrigins;
			}

			public void setAllowedOrigins(List<String> allowedOrigins) {
				this.allowedOrigins = allowedOrigins;
			}

			public List<String> getAllowedOriginPatterns() {
				return this.allowedOriginPatterns;
			}

			public void setAllowedOriginPatterns(List<String> allowedOriginPatterns) {
				this.allowedOriginPatterns = allowedOriginPatterns;
			}

			public List<String> getAllowedMethods() {
				return this.allowedMethods;
			}

			public void setAllowedMethods(List<String> allowedMethods) {
				this.allowedMethods = allowedMethods;
			}

			public List<String> getAllowedHeaders() {
				return this.allowedHeaders;
			}

			public void setAllowedHeaders(List<String> allowedHeaders) {
				this.allowedHeaders = allowedHeaders;
			}

			public List<String> getExposedHeaders() {
				return this.exposedHeaders;
			}

			public void setExposedHeaders(List<String> exposedHeaders) {
				this.exposedHeaders = exposedHeaders;
			}

			public boolean isAllowCredentials() {
				return this.allowCredentials;
			}

			public void setAllowCredentials(boolean allowCredentials) {
				this.allowCredentials = allowCredentials;
			}

			public Duration getMaxAge() {
				return this.maxAge;
			}

			public void setMaxAge(Duration maxAge) {
				this.maxAge = maxAge;
			}

		}

	}

	/**
	 * What happens to running executions when the application stops. Either way, new
	 * executions are refused (503), and every open stream gets its terminal event before
	 * the web server closes its connections.
	 */
	public static class Shutdown {

		/**
		 * What stopping the application does to running executions: cancel (each ends
		 * with ExecutionCancelled at once) or drain (they may finish within the await
		 * period; the rest are then cancelled).
		 */
		private ShutdownMode mode = ShutdownMode.CANCEL;

		/**
		 * How long the drain mode lets running executions finish before it cancels them.
		 */
		private Duration await = Duration.ofSeconds(30);

		public ShutdownMode getMode() {
			return this.mode;
		}

		public void setMode(ShutdownMode mode) {
			this.mode = mode;
		}

		public Duration getAwait() {
			return this.await;
		}

		public void setAwait(Duration await) {
			this.await = await;
		}

	}

	/**
	 * The live dashboard page (reactive web applications only).
	 */
	public static class Dashboard {

		/**
		 * Whether the dashboard page is served.
		 */
		private boolean enabled = false;

		/**
		 * Path of the dashboard page; its scripts and styles are served below it.
		 */
		private String path = "/graph-dashboard";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

	}

	/**
	 * Authorization of graph operations by the default GraphAuthorizer (who reaches the
	 * endpoints at all is the application's security chain's business).
	 */
	public static class Security {

		/**
		 * Role that may read and cancel every execution, matched against the authorities
		 * ROLE_<role> and <role>; empty for none.
		 */
		private String adminRole = "GRAPH_ADMIN";

		public String getAdminRole() {
			return this.adminRole;
		}

		public void setAdminRole(String adminRole) {
			this.adminRole = adminRole;
		}

	}

	/**
	 * Checkpoints: the CheckpointStore bean, and whether graphs without a store of their
	 * own save checkpoints to it.
	 */
	public static class Checkpoints {

		/**
		 * Whether every graph without a checkpoint store of its own saves checkpoints to
		 * the CheckpointStore bean.
		 */
		private boolean enabled = false;

		/**
		 * Where the CheckpointStore bean keeps checkpoints: memory (lost on restart) or
		 * file (one file per checkpoint, JSON by default; survives restarts).
		 */
		private StoreType store = StoreType.MEMORY;

		/**
		 * Directory of the file store; one subdirectory per execution.
		 */
		private Path directory = Path.of(System.getProperty("java.io.tmpdir"), "graph-streaming", "checkpoints");

		/**
		 * Top-level nodes between two checkpoints of a graph that uses the CheckpointStore
		 * bean through checkpoints.enabled.
		 */
		private int everyNodes = 1;

		/**
		 * Most checkpoints kept per execution; older ones are deleted.
		 */
		private int maxPerExecution = 100;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public StoreType getStore() {
			return this.store;
		}

		public void setStore(StoreType store) {
			this.store = store;
		}

		public Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(Path directory) {
			this.directory = directory;
		}

		public int getEveryNodes() {
			return this.everyNodes;
		}

		public void setEveryNodes(int everyNodes) {
			this.everyNodes = everyNodes;
		}

		public int getMaxPerExecution() {
			return this.maxPerExecution;
		}

		public void setMaxPerExecution(int maxPerExecution) {
			this.maxPerExecution = maxPerExecution;
		}

		/**
		 * Kinds of CheckpointStore bean.
		 */
		public enum StoreType {

			/** In memory ({@code InMemoryCheckpointStore}): lost when the JVM stops. */
			MEMORY,

			/** In files ({@code FileCheckpointStore}, JSON): survives restarts. */
			FILE,

			/**
			 * In Redis, shared by every instance (module graph-streaming-redis): what a
			 * takeover after the loss of an instance resumes from.
			 */
			REDIS

		}

	}

	/**
	 * Execution options of one graph; unset values fall back to the root ones.
	 */
	public static class GraphOverrides {

		/**
		 * Events a consumer may fall behind before its stream reports buffering.
		 */
		private @Nullable Integer bufferSize;

		/**
		 * Events a consumer may fall behind before the overflow policy acts.
		 */
		private @Nullable Integer maxBufferSize;

		/**
		 * What a full consumer buffer does.
		 */
		private @Nullable OverflowPolicy overflowPolicy;

		/**
		 * Event types this graph's executions emit.
		 */
		private @Nullable List<GraphExecutionEventType> eventTypesToEmit;

		/**
		 * Events gathered before they are handed to a consumer.
		 */
		private @Nullable Integer producerBatchSize;

		/**
		 * Longest time a partial producer batch waits.
		 */
		private @Nullable Duration producerFlushInterval;

		/**
		 * Whether ExecutionCompleted carries the final state.
		 */
		private @Nullable Boolean includeFinalState;

		private final HeartbeatOverrides heartbeat = new HeartbeatOverrides();

		private final JournalOverrides journal = new JournalOverrides();

		private final CompressionOverrides compression = new CompressionOverrides();

		private final MemoryMappedBuffersOverrides memoryMappedBuffers = new MemoryMappedBuffersOverrides();

		private final ReconnectOverrides reconnect = new ReconnectOverrides();

		private final MetricsOverrides metrics = new MetricsOverrides();

		public @Nullable Integer getBufferSize() {
			return this.bufferSize;
		}

		public void setBufferSize(@Nullable Integer bufferSize) {
			this.bufferSize = bufferSize;
		}

		public @Nullable Integer getMaxBufferSize() {
			return this.maxBufferSize;
		}

		public void setMaxBufferSize(@Nullable Integer maxBufferSize) {
			this.maxBufferSize = maxBufferSize;
		}

		public @Nullable OverflowPolicy getOverflowPolicy() {
			return this.overflowPolicy;
		}

		public void setOverflowPolicy(@Nullable OverflowPolicy overflowPolicy) {
			this.overflowPolicy = overflowPolicy;
		}

		public @Nullable List<GraphExecutionEventType> getEventTypesToEmit() {
			return this.eventTypesToEmit;
		}

		public void setEventTypesToEmit(@Nullable List<GraphExecutionEventType> eventTypesToEmit) {
			this.eventTypesToEmit = eventTypesToEmit;
		}

		public @Nullable Integer getProducerBatchSize() {
			return this.producerBatchSize;
		}

		public void setProducerBatchSize(@Nullable Integer producerBatchSize) {
			this.producerBatchSize = producerBatchSize;
		}

		public @Nullable Duration getProducerFlushInterval() {
			return this.producerFlushInterval;
		}

		public void setProducerFlushInterval(@Nullable Duration producerFlushInterval) {
			this.producerFlushInterval = producerFlushInterval;
		}

		public @Nullable Boolean getIncludeFinalState() {
			return this.includeFinalState;
		}

		public void setIncludeFinalState(@Nullable Boolean includeFinalState) {
			this.includeFinalState = includeFinalState;
		}

		public HeartbeatOverrides getHeartbeat() {
			return this.heartbeat;
		}

		public JournalOverrides getJournal() {
			return this.journal;
		}

		public CompressionOverrides getCompression() {
			return this.compression;
		}

		public MemoryMappedBuffersOverrides getMemoryMappedBuffers() {
			return this.memoryMappedBuffers;
		}

		public ReconnectOverrides getReconnect() {
			return this.reconnect;
		}

		public MetricsOverrides getMetrics() {
			return this.metrics;
		}

	}

	/**
	 * Per-graph heartbeat settings.
	 */
	public static class HeartbeatOverrides {

		/**
		 * Whether idle streams of this graph get heartbeats.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Idle time after which a heartbeat is sent.
		 */
		private @Nullable Duration interval;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Duration getInterval() {
			return this.interval;
		}

		public void setInterval(@Nullable Duration interval) {
			this.interval = interval;
		}

	}

	/**
	 * Per-graph journal settings.
	 */
	public static class JournalOverrides {

		/**
		 * How long a finished execution of this graph is kept.
		 */
		private @Nullable Duration retention;

		/**
		 * Most events of one execution of this graph kept for replay.
		 */
		private @Nullable Integer maxEvents;

		public @Nullable Duration getRetention() {
			return this.retention;
		}

		public void setRetention(@Nullable Duration retention) {
			this.retention = retention;
		}

		public @Nullable Integer getMaxEvents() {
			return this.maxEvents;
		}

		public void setMaxEvents(@Nullable Integer maxEvents) {
			this.maxEvents = maxEvents;
		}

	}

	/**
	 * Per-graph compression settings.
	 */
	public static class CompressionOverrides {

		/**
		 * Whether large serialized events of this graph are compressed.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Compression algorithm for this graph.
		 */
		private @Nullable CompressionAlgorithm algorithm;

		/**
		 * Compression threshold for this graph.
		 */
		private @Nullable DataSize threshold;

		private final Adaptive adaptive = new Adaptive();

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable CompressionAlgorithm getAlgorithm() {
			return this.algorithm;
		}

		public void setAlgorithm(@Nullable CompressionAlgorithm algorithm) {
			this.algorithm = algorithm;
		}

		public @Nullable DataSize getThreshold() {
			return this.threshold;
		}

		public void setThreshold(@Nullable DataSize threshold) {
			this.threshold = threshold;
		}

		public Adaptive getAdaptive() {
			return this.adaptive;
		}

		/**
		 * Per-graph adaptive compression threshold; each stream of the graph adapts on its
		 * own.
		 */
		public static class Adaptive {

			/**
			 * Whether the threshold adapts to the savings achieved on this graph's streams.
			 */
			private @Nullable Boolean enabled;

			/**
			 * Compressed events whose mean savings decide each threshold step.
			 */
			private @Nullable Integer windowSize;

			/**
			 * Mean savings ratio below which the threshold doubles.
			 */
			private @Nullable Double minSavingsRatio;

			/**
			 * Lowest adaptive threshold for this graph.
			 */
			private @Nullable DataSize minThreshold;

			/**
			 * Highest adaptive threshold for this graph.
			 */
			private @Nullable DataSize maxThreshold;

			public @Nullable Boolean getEnabled() {
				return this.enabled;
			}

			public void setEnabled(@Nullable Boolean enabled) {
				this.enabled = enabled;
			}

			public @Nullable Integer getWindowSize() {
				return this.windowSize;
			}

			public void setWindowSize(@Nullable Integer windowSize) {
				this.windowSize = windowSize;
			}

			public @Nullable Double getMinSavingsRatio() {
				return this.minSavingsRatio;
			}

			public void setMinSavingsRatio(@Nullable Double minSavingsRatio) {
				this.minSavingsRatio = minSavingsRatio;
			}

			public @Nullable DataSize getMinThreshold() {
				return this.minThreshold;
			}

			public void setMinThreshold(@Nullable DataSize minThreshold) {
				this.minThreshold = minThreshold;
			}

			public @Nullable DataSize getMaxThreshold() {
				return this.maxThreshold;
			}

			public void setMaxThreshold(@Nullable DataSize maxThreshold) {
				this.maxThreshold = maxThreshold;
			}

		}

	}

	/**
	 * Per-graph memory-mapped journal segments. The JVM-wide budget,
	 * {@code memory-mapped-buffers.max-total-bytes}, exists at the root only.
	 */
	public static class MemoryMappedBuffersOverrides {

		/**
		 * Whether journals of this graph's executions spill to memory-mapped segment files.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Size of one segment file of this graph's executions.
		 */
		private @Nullable DataSize fileSize;

		/**
		 * Directory of this graph's segment files.
		 */
		private @Nullable Path directory;

		/**
		 * Newest events of an execution of this graph kept in memory.
		 */
		private @Nullable Integer inMemoryEvents;

		/**
		 * Most segment bytes one execution of this graph may hold.
		 */
		private @Nullable DataSize maxBytesPerExecution;

		/**
		 * Not settable per graph (the budget of all executions of the JVM together):
		 * setting it fails start-up.
		 */
		private @Nullable DataSize maxTotalBytes;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable DataSize getFileSize() {
			return this.fileSize;
		}

		public void setFileSize(@Nullable DataSize fileSize) {
			this.fileSize = fileSize;
		}

		public @Nullable Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(@Nullable Path directory) {
			this.directory = directory;
		}

		public @Nullable Integer getInMemoryEvents() {
			return this.inMemoryEvents;
		}

		public void setInMemoryEvents(@Nullable Integer inMemoryEvents) {
			this.inMemoryEvents = inMemoryEvents;
		}

		public @Nullable DataSize getMaxBytesPerExecution() {
			return this.maxBytesPerExecution;
		}

		public void setMaxBytesPerExecution(@Nullable DataSize maxBytesPerExecution) {
			this.maxBytesPerExecution = maxBytesPerExecution;
		}

		public @Nullable DataSize getMaxTotalBytes() {
			return this.maxTotalBytes;
		}

		public void setMaxTotalBytes(@Nullable DataSize maxTotalBytes) {
			this.maxTotalBytes = maxTotalBytes;
		}

	}

	/**
	 * Per-graph reconnection of the remote client, for streams of the graph with this id.
	 */
	public static class ReconnectOverrides {

		/**
		 * Whether remote streams of this graph reconnect by themselves.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Reconnect attempts in a row before a stream of this graph fails.
		 */
		private @Nullable Integer maxAttempts;

		/**
		 * First reconnect back-off for this graph.
		 */
		private @Nullable Duration initialDelay;

		/**
		 * Largest reconnect back-off for this graph.
		 */
		private @Nullable Duration maxDelay;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(@Nullable Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public @Nullable Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(@Nullable Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public @Nullable Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(@Nullable Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

	}

	/**
	 * Per-graph metrics settings. The Micrometer meters' histogram buckets,
	 * {@code metrics.duration-buckets}, exist at the root only.
	 */
	public static class MetricsOverrides {

		/**
		 * Whether this graph's executions report metrics.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Common prefix of the meters this graph's executions report.
		 */
		private @Nullable String meterName;

		/**
		 * Not settable per graph (the Micrometer timers of all graphs share one set of
		 * buckets): setting it fails start-up.
		 */
		private @Nullable List<Duration> durationBuckets;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getMeterName() {
			return this.meterName;
		}

		public void setMeterName(@Nullable String meterName) {
			this.meterName = meterName;
		}

		public @Nullable List<Duration> getDurationBuckets() {
			return this.durationBuckets;
		}

		public void setDurationBuckets(@Nullable List<Duration> durationBuckets) {
			this.durationBuckets = durationBuckets;
		}

	}

}
