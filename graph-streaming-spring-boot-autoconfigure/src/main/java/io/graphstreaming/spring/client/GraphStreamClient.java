package io.graphstreaming.spring.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.execution.ExecutionResult;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.graph.GraphDescription;
import io.graphstreaming.core.options.CompressionAlgorithm;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.core.stream.GraphExecutionEventStream;
import io.graphstreaming.spring.json.GraphEventJsonReader;

/**
 * A client of another application's graph-streaming endpoints ({@code graph.streaming.web.*}):
 * lists and describes its graphs, runs them, and streams their events as the same
 * {@link GraphExecutionEventStream} an in-process {@code StreamingGraphExecutor} returns,
 * so that code consuming events (filters, batches, adaptive buffering, heartbeats,
 * status) does not care where the graph runs. Immutable and thread-safe; build one with
 * {@link #builder()} (or inject the auto-configured {@link Builder}).
 *
 * <p>Streams connect over SSE, WebSocket or long polling ({@link ConnectionType}; AUTO
 * tries them in that order of preference: WebSocket, SSE, polling). When the options
 * enable auto-reconnect, a stream survives connection failures: it reconnects with
 * exponential back-off and jitter ({@link ReconnectJitter}) between the options'
 * {@code initialReconnectDelay} and {@code maxReconnectDelay}, at most
 * {@code maxReconnectAttempts} times in a row (an event or heartbeat received after a
 * reconnect starts the count over), and resumes after the last sequence it received: each
 * event reaches the consumer exactly once and in order. Answers that refuse a request
 * (4xx other than 429) are not retried; 429 and 503 wait at least their
 * {@code Retry-After}. With heartbeats enabled in the options, a connection on which
 * nothing arrives (no event, heartbeat, ping or poll answer) for
 * {@code heartbeatSilenceFactor} heartbeat intervals while the consumer waits for events
 * counts as failed. The stream's status goes {@code CONNECTING -> CONNECTED ->
 * (RECONNECTING -> CONNECTED)* -> COMPLETED | FAILED | CANCELLED}, each change with a
 * reason; after the last failure it errors with a {@link GraphStreamClientException}.
 *
 * <p>{@link #stream} starts an execution with {@code POST {base}/{graphId}/executions}
 * and then attaches to it, so that every connection, the first included, is a resume of a
 * known execution: a reconnect never starts a second run. The start request carries a
 * random {@code Idempotency-Key} (one per subscription), so it is retried like a
 * connection (same back-off, attempts and statuses), also when it was cut off after it
 * was sent: the server answers a repeated key with the execution it already started.
 * When the attempts run out after such a cut, the stream's exception says so
 * ({@link GraphStreamClientException#executionMayHaveStarted()}).
 *
 * <p>Between the network and the consumer, each remote stream has a local buffer with
 * the options' {@code bufferSize}, {@code maxBufferSize} and {@code overflowPolicy} (see
 * {@link RemoteBuffer}): {@code block} stops reading from the network while
 * {@code maxBufferSize} events wait (the connection then paces the server), the drop
 * policies count what they drop ({@link GraphExecutionEventStream#droppedEvents()}),
 * {@code fail} ends the stream with a
 * {@link io.graphstreaming.core.journal.BufferOverflowException}, and the status is
 * {@code BUFFERING} while more than {@code bufferSize} events wait.
 */
public final class GraphStreamClient {

	private final ClientSettings settings;

	private final Function<String, StreamingExecutionOptions> options;

	private final SseTransport sse;

	private final WebSocketTransport webSocket;

	private final PollingTransport polling;

	private final ObjectReader descriptionReader;

	private final HttpRequests requests;

	GraphStreamClient(ClientSettings settings, Function<String, StreamingExecutionOptions> options) {
		this.settings = settings;
		this.options = options;
		this.sse = new SseTransport(settings);
		this.webSocket = new WebSocketTransport(settings);
		this.polling = new PollingTransport(settings);
		this.requests = new HttpRequests(settings);
		this.descriptionReader = settings.mapper()
			.readerFor(GraphDescription.class)
			.without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
	}

	/**
	 * A builder with the defaults: {@link ConnectionType#AUTO}, the default
	 * {@link StreamingExecutionOptions} (auto-reconnect off), a silence factor of 3, full
	 * jitter, HTTP compression accepted, uncompressed WebSocket frames, 10 s long polls
	 * and 30 s request timeouts.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The base URL of the server's endpoints.
	 * @return for example {@code http://localhost:8080/graphs}
	 */
	public String baseUrl() {
		return this.settings.baseUri().toString();
	}

	/**
	 * How streams connect.
	 * @return the connection type
	 */
	public ConnectionType connectionType() {
		return this.settings.connectionType();
	}

	/**
	 * The options a graph's streams use (reconnect, heartbeat, buffers).
	 * @param graphId the graph
	 * @return the options
	 */
	public StreamingExecutionOptions options(String graphId) {
		return Objects.requireNonNull(this.options.apply(graphId), "options");
	}

	/**
	 * {@code GET {base}}: the server's graphs.
	 * @return the descriptions; errors with a {@link GraphStreamClientException}
	 */
	public Mono<List<GraphDescription>> graphs() {
		return request(HttpMethod.GET, this.settings.url(), null, this.settings.requestTimeout()).map((root) -> {
			List<GraphDescription> descriptions = new ArrayList<>();
			for (JsonNode graph : root) {
				descriptions.add(description(graph));
			}
			return Collections.unmodifiableList(descriptions);
		});
	}

	/**
	 * {@code GET {base}/{graphId}}: one graph.
	 * @param graphId the graph
	 * @return the description; errors with a {@link GraphStreamClientException} (status
	 * 404 for an unknown graph)
	 */
	public Mono<GraphDescription> describe(String graphId) {
		Objects.requireNonNull(graphId, "graphId");
		return request(HttpMethod.GET, this.settings.url(graphId), null, this.settings.requestTimeout())
			.map(this::description);
	}

	/**
	 * {@code POST {base}/{graphId}/execute}: runs an execution to its end without
	 * streaming. Not retried (a retry would run the graph again); no timeout, since a run
	 * takes as long as it takes. Cancelling the subscription disconnects, which cancels
	 * the run on the server.
	 * @param graphId the graph
	 * @param input the input values
	 * @return the result (a failed or cancelled run is a result too); errors with a
	 * {@link GraphStreamClientException} when the request fails
	 */
	public Mono<ExecutionResult> execute(String graphId, Map<String, ?> input) {
		Objects.requireNonNull(graphId, "graphId");
		byte[] body = inputBody(input);
		return request(HttpMethod.POST, this.settings.url(graphId, "execute"), body, null).map((root) -> {
			JsonNode output = root.get("output");
			return new ExecutionResult(root.path("executionId").asString(), graphId,
					status(root.path("status").asString()),
					(output != null && output.isObject()) ? map(output) : null,
					Duration.ofNanos(Math.round(root.path("durationMs").asDouble(0) * 1_000_000)),
					text(root, "nodeId"), text(root, "errorType"), text(root, "errorMessage"));
		});
	}

	/**
	 * Starts an execution and streams its events, with the graph's options (those of the
	 * builder). Each subscription starts a new execution, as a local
	 * {@code executeStream} does; cancelling a subscription before the end cancels its
	 * execution on the server.
	 * @param graphId the graph
	 * @param input the input values
	 * @return the stream
	 */
	public GraphExecutionEventStream stream(String graphId, Map<String, ?> input) {
		return stream(graphId, input, options(graphId));
	}

	/**
	 * {@link #stream(String, Map)} with explicit options.
	 * @param graphId the graph
	 * @param input the input values
	 * @param options reconnect, heartbeat and buffer settings of this stream
	 * @return the stream
	 */
	public GraphExecutionEventStream stream(String graphId, Map<String, ?> input, StreamingExecutionOptions options) {
		Objects.requireNonNull(graphId, "graphId");
		Map<String, ?> copy = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(input, "input")));
		return GraphExecutionEventStream.create(graphId, options,
				new RemoteEventSource(this, graphId, copy, null, 0, options));
	}

	/**
	 * Streams an execution that already runs (or ran, within the server's retention) from
	 * its first event. Cancelling a subscription only disconnects.
	 * @param graphId the graph
	 * @param executionId the execution
	 * @return the stream
	 */
	public GraphExecutionEventStream attach(String graphId, String executionId) {
		return attach(graphId, executionId, 0);
	}

	/**
	 * Streams an execution's events after a sequence.
	 * @param graphId the graph
	 * @param executionId the execution
	 * @param afterSequence the last sequence already seen; 0 for all events
	 * @return the stream
	 */
	public GraphExecutionEventStream attach(String graphId, String executionId, long afterSequence) {
		return attach(graphId, executionId, afterSequence, options(graphId));
	}

	/**
	 * {@link #attach(String, String, long)} with explicit options.
	 * @param graphId the graph
	 * @param executionId the execution
	 * @param afterSequence the last sequence already seen; 0 for all events
	 * @param options reconnect, heartbeat and buffer settings of this stream
	 * @return the stream
	 * @throws IllegalArgumentException for a negative sequence
	 */
	public GraphExecutionEventStream attach(String graphId, String executionId, long afterSequence,
			StreamingExecutionOptions options) {
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(executionId, "executionId");
		if (afterSequence < 0) {
			throw new IllegalArgumentException("afterSequence must be >= 0 but was " + afterSequence);
		}
		return GraphExecutionEventStream.create(graphId, options,
				new RemoteEventSource(this, graphId, null, executionId, afterSequence, options));
	}

	/**
	 * {@code DELETE {base}/{graphId}/executions/{executionId}}: cancels an execution; its
	 * streams end with {@code ExecutionCancelled}. Idempotent.
	 * @param graphId the graph
	 * @param executionId the execution
	 * @return the execution's status afterwards ({@code CANCELLED}, or how it had ended)
	 */
	public Mono<ExecutionStatus> cancel(String graphId, String executionId) {
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(executionId, "executionId");
		return request(HttpMethod.DELETE, this.settings.url(graphId, "executions", executionId), null,
				this.settings.requestTimeout())
			.map((root) -> status(root.path("status").asString()));
	}

	ClientSettings settings() {
		return this.settings;
	}

	Transport transport(ConnectionType type) {
		return switch (type) {
			case SSE -> this.sse;
			case WEBSOCKET -> this.webSocket;
			case POLLING -> this.polling;
			case AUTO -> throw new IllegalArgumentException("AUTO is resolved per stream");
		};
	}

	/**
	 * {@code POST {base}/{graphId}/executions}: starts an execution (see
	 * {@link HttpRequests#startExecution}).
	 * @param graphId the graph
	 * @param input the input values
	 * @param idempotencyKey the key of this start, the same for each of its repetitions
	 * @return the execution id
	 */
	Mono<String> startExecution(String graphId, Map<String, ?> input, String idempotencyKey) {
		return this.requests.startExecution(graphId, inputBody(input), idempotencyKey);
	}

	private Mono<JsonNode> request(HttpMethod method, String url, byte @Nullable [] body,
			@Nullable Duration timeout) {
		return this.requests.request(method, url, body, timeout);
	}

	private byte[] inputBody(Map<String, ?> input) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("input", Objects.requireNonNull(input, "input"));
		return this.settings.mapper().writeValueAsBytes(body);
	}

	private GraphDescription description(JsonNode json) {
		try {
			return this.descriptionReader.readValue(json);
		}
		catch (JacksonException ex) {
			throw new GraphStreamClientException("The graph description from " + this.settings.address()
					+ " is not readable: " + ex.getOriginalMessage(), ex, this.settings.address(), 0, 0, false);
		}
	}

	@SuppressWarnings("unchecked")
	private Map<String, @Nullable Object> map(JsonNode json) {
		return this.settings.mapper().convertValue(json, Map.class);
	}

	private static @Nullable String text(JsonNode root, String field) {
		JsonNode value = root.get(field);
		return (value != null && value.isString()) ? value.stringValue() : null;
	}

	private static ExecutionStatus status(String wireValue) {
		try {
			return ExecutionStatus.valueOf(wireValue.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			return ExecutionStatus.RUNNING;
		}
	}

	/**
	 * Builds a {@link GraphStreamClient}. Mutable and not thread-safe; every setter
	 * validates its argument. The auto-configured builder bean (prototype scope: each
	 * injection point gets a new one) starts from the {@code graph.streaming.*} options.
	 */
	public static final class Builder {

		/** The largest WebSocket message accepted by default: 16 MiB. */
		public static final int DEFAULT_MAX_FRAME_PAYLOAD = 16 * 1024 * 1024;

		private static final boolean BROTLI4J_PRESENT = isPresent("com.aayushatharva.brotli4j.decoder.DecoderJNI");

		private @Nullable URI baseUrl;

		private ConnectionType connectionType = ConnectionType.AUTO;

		private Function<String, StreamingExecutionOptions> options = (graphId) -> StreamingExecutionOptions.defaults();

		private double heartbeatSilenceFactor = 3;

		private ReconnectJitter jitter = ReconnectJitter.FULL;

		private boolean httpCompression = true;

		private CompressionAlgorithm webSocketCompression = CompressionAlgorithm.NONE;

		private Duration pollWait = Duration.ofSeconds(10);

		private Duration requestTimeout = Duration.ofSeconds(30);

		private @Nullable HttpClient httpClient;

		private final List<UnaryOperator<HttpClient>> httpClientCustomizers = new ArrayList<>();

		private final List<Consumer<WebsocketClientSpec.Builder>> webSocketCustomizers = new ArrayList<>();

		private @Nullable JsonMapper jsonMapper;

		private Scheduler timer = Schedulers.parallel();

		Builder() {
		}

		/**
		 * Sets the base URL of the server's endpoints (required): scheme, host, port and
		 * {@code graph.streaming.web.base-path}, such as
		 * {@code http://localhost:8080/graphs}. WebSocket streams use the same URL with
		 * {@code ws} / {@code wss}.
		 * @param baseUrl an absolute {@code http} or {@code https} URL
		 * @return this builder
		 * @throws IllegalArgumentException if the URL is not absolute http(s) or has a
		 * query
		 */
		public Builder baseUrl(String baseUrl) {
			Objects.requireNonNull(baseUrl, "baseUrl");
			URI uri;
			try {
				uri = new URI(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
			}
			catch (URISyntaxException ex) {
				throw new IllegalArgumentException("baseUrl is not a URL: " + ex.getMessage(), ex);
			}
			String scheme = uri.getScheme();
			if (scheme == null || uri.getHost() == null
					|| !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
				throw new IllegalArgumentException(
						"baseUrl must be an absolute http or https URL, such as http://localhost:8080/graphs, but was '"
								+ baseUrl + "'");
			}
			if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
				throw new IllegalArgumentException("baseUrl must not have a query or fragment but was '" + baseUrl + "'");
			}
			this.baseUrl = uri;
			return this;
		}

		/**
		 * Sets how streams connect (default {@link ConnectionType#AUTO}).
		 * @param connectionType the connection type
		 * @return this builder
		 */
		public Builder connectionType(ConnectionType connectionType) {
			this.connectionType = Objects.requireNonNull(connectionType, "connectionType");
			return this;
		}

		/**
		 * Sets the options of every graph's streams (default
		 * {@link StreamingExecutionOptions#defaults()}): auto-reconnect and its limits,
		 * heartbeats (whose interval sets the silence timeout), and the local buffer of
		 * each stream: {@code bufferSize} (more events waiting reports
		 * {@code BUFFERING}), {@code maxBufferSize} (the most events held, and read ahead
		 * under {@code block}) and {@code overflowPolicy}, honoured over every connection
		 * type.
		 * @param options the options
		 * @return this builder
		 */
		public Builder options(StreamingExecutionOptions options) {
			Objects.requireNonNull(options, "options");
			this.options = (graphId) -> options;
			return this;
		}

		/**
		 * Sets the options of each graph's streams, for example from
		 * {@code graph.streaming.graphs.<graphId>.*}.
		 * @param optionsForGraph the options of a graph id
		 * @return this builder
		 */
		public Builder options(Function<String, StreamingExecutionOptions> optionsForGraph) {
			this.options = Objects.requireNonNull(optionsForGraph, "optionsForGraph");
			return this;
		}

		/**
		 * Sets how many heartbeat intervals of silence fail a connection (default 3), when
		 * the options enable heartbeats. This server sends a heartbeat once an interval has
		 * passed with nothing sent, so an idle stream hears something every interval; the
		 * factor must exceed 2 to leave room for network delay and for servers that time
		 * heartbeats on fixed ticks (up to two intervals apart); over
		 * WebSocket the server's pings ({@code graph.streaming.web.websocket-ping-interval})
		 * are the heartbeats, so set the heartbeat interval to the ping interval.
		 * @param factor a number greater than 2
		 * @return this builder
		 * @throws IllegalArgumentException if the factor is not greater than 2
		 */
		public Builder heartbeatSilenceFactor(double factor) {
			if (!(factor > 2) || Double.isInfinite(factor)) {
				throw new IllegalArgumentException("heartbeatSilenceFactor must be greater than 2 (heartbeats of an "
						+ "idle stream may be two intervals apart) but was " + factor);
			}
			this.heartbeatSilenceFactor = factor;
			return this;
		}

		/**
		 * Sets how reconnect delays are randomised (default {@link ReconnectJitter#FULL}).
		 * @param jitter the jitter
		 * @return this builder
		 */
		public Builder jitter(ReconnectJitter jitter) {
			this.jitter = Objects.requireNonNull(jitter, "jitter");
			return this;
		}

		/**
		 * Sets whether HTTP answers may be compressed (default {@code true}): requests
		 * send {@code Accept-Encoding: gzip} (and {@code br} when brotli4j is on the class
		 * path) and compressed bodies, event streams included, are decoded as they
		 * arrive ({@code br} by brotli4j's streaming decoder, since Netty's does not work
		 * with brotli4j 1.20).
		 * @param enabled the switch
		 * @return this builder
		 */
		public Builder httpCompression(boolean enabled) {
			this.httpCompression = enabled;
			return this;
		}

		/**
		 * Sets the compression WebSocket streams ask the server for (default
		 * {@link CompressionAlgorithm#NONE}): the {@code compression} field of the
		 * {@code resume} message. Compressed events arrive as binary frames, which are
		 * decoded whatever this setting is.
		 * @param algorithm the algorithm
		 * @return this builder
		 */
		public Builder webSocketCompression(CompressionAlgorithm algorithm) {
			this.webSocketCompression = Objects.requireNonNull(algorithm, "algorithm");
			return this;
		}

		/**
		 * Sets the longest wait of one long poll (default 10 s). Keep it at most the
		 * server's {@code graph.streaming.web.long-poll-max-wait} (default 30 s): the
		 * server refuses a longer wait with a 400 that names its maximum
		 * ({@code maxWaitMs}), after which the stream polls with that wait instead. With
		 * heartbeats enabled in the options, polls wait at most one heartbeat interval,
		 * so that each answer works as a heartbeat.
		 * @param wait a duration of at least 1 ms
		 * @return this builder
		 * @throws IllegalArgumentException for a shorter duration
		 */
		public Builder pollWait(Duration wait) {
			this.pollWait = atLeastOneMillisecond("pollWait", wait);
			return this;
		}

		/**
		 * Sets the longest silence while waiting for the answer of a short request:
		 * graphs, a description, a start, a cancel (default 30 s). Non-streaming
		 * {@link GraphStreamClient#execute} has no timeout.
		 * @param timeout a duration of at least 1 ms
		 * @return this builder
		 * @throws IllegalArgumentException for a shorter duration
		 */
		public Builder requestTimeout(Duration timeout) {
			this.requestTimeout = atLeastOneMillisecond("requestTimeout", timeout);
			return this;
		}

		/**
		 * Sets the Reactor Netty client to start from (default {@code HttpClient.create()}
		 * with its shared connection pool).
		 * @param httpClient the client
		 * @return this builder
		 */
		public Builder httpClient(HttpClient httpClient) {
			this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
			return this;
		}

		/**
		 * Adds a customisation of the Reactor Netty client (TLS, proxy, connection pool,
		 * wiretap, headers), applied in order after the builder's own settings.
		 * @param customizer returns the customised client
		 * @return this builder
		 */
		public Builder httpClient(UnaryOperator<HttpClient> customizer) {
			this.httpClientCustomizers.add(Objects.requireNonNull(customizer, "customizer"));
			return this;
		}

		/**
		 * Adds a customisation of the WebSocket settings (sub-protocols, frame size,
		 * permessage-deflate), applied in order. Pings are always handed to the client,
		 * which answers them and counts them as heartbeats.
		 * @param customizer changes the settings
		 * @return this builder
		 */
		public Builder webSocket(Consumer<WebsocketClientSpec.Builder> customizer) {
			this.webSocketCustomizers.add(Objects.requireNonNull(customizer, "customizer"));
			return this;
		}

		/**
		 * Sets the mapper that reads answers and event JSON and writes inputs (default: a
		 * plain {@code JsonMapper}; the auto-configured builder uses the application's).
		 * @param jsonMapper the mapper
		 * @return this builder
		 */
		public Builder jsonMapper(JsonMapper jsonMapper) {
			this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
			return this;
		}

		/**
		 * Sets the scheduler of reconnect delays and silence checks (default
		 * {@link Schedulers#parallel()}).
		 * @param timer the scheduler
		 * @return this builder
		 */
		public Builder timer(Scheduler timer) {
			this.timer = Objects.requireNonNull(timer, "timer");
			return this;
		}

		/**
		 * Builds the client.
		 * @return the client
		 * @throws IllegalStateException if no base URL was set
		 */
		public GraphStreamClient build() {
			URI base = this.baseUrl;
			if (base == null) {
				throw new IllegalStateException("baseUrl is required, such as http://localhost:8080/graphs");
			}
			HttpClient client = (this.httpClient != null) ? this.httpClient : HttpClient.create();
			client = client.compress(this.httpCompression);
			if (this.httpCompression && BROTLI4J_PRESENT) {
				client = BrotliContentDecompressor.install(client);
			}
			for (UnaryOperator<HttpClient> customizer : this.httpClientCustomizers) {
				client = Objects.requireNonNull(customizer.apply(client), "customized HttpClient");
			}
			WebsocketClientSpec.Builder webSocket = WebsocketClientSpec.builder()
				.maxFramePayloadLength(DEFAULT_MAX_FRAME_PAYLOAD);
			this.webSocketCustomizers.forEach((customizer) -> customizer.accept(webSocket));
			webSocket.handlePing(true);
			JsonMapper mapper = (this.jsonMapper != null) ? this.jsonMapper : new JsonMapper();
			ClientSettings settings = new ClientSettings(base, client, webSocket.build(), mapper,
					new GraphEventJsonReader(mapper), this.connectionType, this.heartbeatSilenceFactor, this.jitter,
					this.pollWait, this.requestTimeout, this.webSocketCompression, this.timer);
			return new GraphStreamClient(settings, this.options);
		}

		private static boolean isPresent(String className) {
			try {
				Class.forName(className, false, Builder.class.getClassLoader());
				return true;
			}
			catch (ClassNotFoundException | LinkageError ex) {
				return false;
			}
		}

		private static Duration atLeastOneMillisecond(String name, Duration value) {
			Objects.requireNonNull(value, name);
			if (value.toMillis() < 1) {
				throw new IllegalArgumentException(name + " must be at least 1ms but was " + value);
			}
			return value;
		}

	}

}
