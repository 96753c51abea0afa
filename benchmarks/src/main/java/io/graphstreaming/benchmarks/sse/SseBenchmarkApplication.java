package io.graphstreaming.benchmarks.sse;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.journal.ConsumerSpec;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.registry.GraphRegistry;

/**
 * A small application with the starter, as a user would write it: graphs are beans, the
 * starter serves them under {@code /graphs}. Graphs: {@code chunks} and {@code batched}
 * (the same chunk streamer, the latter with {@code producer-batch-size} 64) and
 * {@code idle}. Next to them, the raw WebFlux baseline ({@link RawSseEndpoints}).
 * Listens on 127.0.0.1 only, on a random port.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class SseBenchmarkApplication {

	/** Frames per block of the raw batched endpoint, and our batched graph's producer batch size. */
	public static final int BATCH = 64;

	private static final int CAPTURED_CHUNKS = 1024;

	@Bean
	StreamingGraphExecutor chunksGraph() {
		return ChunkStreamer.chunks("chunks");
	}

	@Bean
	StreamingGraphExecutor batchedGraph() {
		return ChunkStreamer.chunks("batched");
	}

	@Bean
	StreamingGraphExecutor idleGraph() {
		return ChunkStreamer.idle("idle");
	}

	/**
	 * Captures the frames of a real run of {@code chunks} for the raw endpoint.
	 */
	@Bean
	RawSseEndpoints rawSseEndpoints(GraphRegistry registry, GraphEventJsonWriter jsonWriter) {
		GraphExecution execution = registry.create("chunks", Map.of("events", CAPTURED_CHUNKS));
		List<JournalEntry> chunks = execution
			.entries(ConsumerSpec.of(execution.options(), 0,
					EventFilter.all().withTypes(List.of(GraphExecutionEventType.NODE_OUTPUT_CHUNK))))
			.collectList()
			.block(Duration.ofSeconds(30));
		return new RawSseEndpoints(Objects.requireNonNull(chunks), execution.executionId(), jsonWriter, BATCH);
	}

	@Bean
	RouterFunction<ServerResponse> rawSseRoutes(RawSseEndpoints raw) {
		return raw.routes();
	}

	/**
	 * The properties every benchmark run uses; callers add or override.
	 * @return a mutable map
	 */
	public static Map<String, Object> defaultProperties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.address", "127.0.0.1");
		properties.put("server.port", "0");
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "warn");
		properties.put("graph.streaming.graphs.batched.producer-batch-size", String.valueOf(BATCH));
		properties.put("graph.streaming.execution.max-concurrent", "20000");
		properties.put("graph.streaming.execution.disconnect-policy", "cancel");
		properties.put("graph.streaming.web.max-concurrent-streams", "20000");
		// Every load client connects from 127.0.0.1: lift the per-client limits.
		properties.put("graph.streaming.web.max-concurrent-streams-per-client", "20000");
		properties.put("graph.streaming.web.max-executions-per-minute-per-client", "100000000");
		properties.put("graph.streaming.web.websocket-max-sessions", "20000");
		properties.put("graph.streaming.web.websocket-max-sessions-per-client", "20000");
		properties.put("graph.streaming.journal.retention", "10s");
		properties.put("graph.streaming.heartbeat.enabled", "false");
		return properties;
	}

	/**
	 * Starts the application.
	 * @param properties the properties (see {@link #defaultProperties()})
	 * @return the running server
	 */
	public static Server start(Map<String, Object> properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SseBenchmarkApplication.class)
			.properties(properties)
			.run();
		int port = Integer.parseInt(Objects.requireNonNull(context.getEnvironment().getProperty("local.server.port")));
		return new Server(context, port, context.getBean(RawSseEndpoints.class).frameSize());
	}

	/**
	 * A running benchmark server.
	 * @param context the application context
	 * @param port the port on 127.0.0.1
	 * @param frameSize bytes of one chunk frame
	 */
	public record Server(ConfigurableApplicationContext context, int port, int frameSize) implements AutoCloseable {

		/**
		 * The base URL.
		 * @return {@code http://127.0.0.1:<port>}
		 */
		public String baseUrl() {
			return "http://127.0.0.1:" + this.port;
		}

		@Override
		public void close() {
			this.context.close();
		}

	}

}
