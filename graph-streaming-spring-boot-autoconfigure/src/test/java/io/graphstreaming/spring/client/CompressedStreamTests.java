package io.graphstreaming.spring.client;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.options.CompressionAlgorithm;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.spring.client.testapp.ClientTestApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client decodes what a compressing server sends: SSE with
 * {@code Content-Encoding: br} or {@code gzip}, WebSocket binary frames, gzip poll
 * answers. Each run goes through a {@link FaultProxy} that only counts bytes, so that
 * the tests see the compression on the wire.
 */
@SpringBootTest(classes = ClientTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.compression.enabled=true", "graph.streaming.compression.algorithm=brotli",
				"graph.streaming.compression.threshold=64B", "server.compression.enabled=true",
				"server.compression.mime-types=application/json", "server.compression.min-response-size=0",
				"logging.level.reactor.netty=error" })
class CompressedStreamTests {

	private static final Map<String, Object> INPUT = Map.of("nodes", 5, "payloadBytes", 4000);

	/** This server sends no heartbeats: the clients expect none. */
	private static final StreamingExecutionOptions OPTIONS = AbstractRemoteClientTests.reconnecting(3)
		.configure()
		.withHeartbeatEnabled(false)
		.build();

	@LocalServerPort
	int port;

	private final List<FaultProxy> proxies = new CopyOnWriteArrayList<>();

	@AfterEach
	void closeProxies() {
		this.proxies.forEach(FaultProxy::close);
	}

	@Test
	void sseCompressedWithBrotliIsDecodedEventByEvent() throws IOException {
		Set<String> encodings = new HashSet<>();
		long compressed = bytesOf(ConnectionType.SSE, true, encodings, null);
		long plain = bytesOf(ConnectionType.SSE, false, new HashSet<>(), null);

		assertThat(encodings).contains("br");
		assertThat(compressed).isLessThan(plain / 4);
	}

	@Test
	void sseCompressedWithBrotliStillArrivesEventByEvent() throws IOException {
		FaultProxy proxy = proxy();
		GraphStreamClient client = AbstractRemoteClientTests.client(proxy.port(), ConnectionType.SSE, OPTIONS).build();
		List<Long> arrivals = new CopyOnWriteArrayList<>();

		List<GraphExecutionEvent> events = client
			.stream(ClientTestApplication.SYNTHETIC, Map.of("nodes", 3, "delayMs", 300, "payloadBytes", 4000))
			.flux()
			.doOnNext((event) -> arrivals.add(System.nanoTime()))
			.collectList()
			.block(Duration.ofSeconds(10));

		assertComplete(events);
		assertThat(proxy.contentEncodings()).containsExactly("br");
		assertThat(Duration.ofNanos(arrivals.get(arrivals.size() - 1) - arrivals.get(0)))
			.as("the first event arrives while the run goes on")
			.isGreaterThan(Duration.ofMillis(600));
	}

	@Test
	void sseCompressedWithGzipIsDecodedWhenTheClientOnlyAcceptsGzip() throws IOException {
		Set<String> encodings = new HashSet<>();
		long compressed = bytesOf(ConnectionType.SSE, true, encodings, "gzip");

		assertThat(encodings).contains("gzip").doesNotContain("br");
		assertThat(compressed).isLessThan(bytesOf(ConnectionType.SSE, false, new HashSet<>(), null) / 4);
	}

	@Test
	void webSocketBinaryFramesAreDecoded() throws IOException {
		for (CompressionAlgorithm algorithm : List.of(CompressionAlgorithm.GZIP, CompressionAlgorithm.BROTLI)) {
			long compressed = webSocketBytes(algorithm);
			long plain = webSocketBytes(CompressionAlgorithm.NONE);

			assertThat(compressed).as(algorithm.value()).isLessThan(plain / 4);
		}
	}

	@Test
	void pollAnswersCompressedByTheServerAreDecoded() throws IOException {
		Set<String> encodings = new HashSet<>();
		long compressed = bytesOf(ConnectionType.POLLING, true, encodings, null);
		long plain = bytesOf(ConnectionType.POLLING, false, new HashSet<>(), null);

		assertThat(encodings).containsAnyOf("br", "gzip");
		assertThat(compressed).isLessThan(plain / 4);
	}

	private long bytesOf(ConnectionType transport, boolean accept, Set<String> encodings,
			@Nullable String acceptEncoding) throws IOException {
		FaultProxy proxy = proxy();
		GraphStreamClient client = AbstractRemoteClientTests
			.client(proxy.port(), transport, OPTIONS)
			.httpCompression(accept)
			.httpClient((http) -> (acceptEncoding != null)
					? http.headers((headers) -> headers.set(HttpHeaderNames.ACCEPT_ENCODING, acceptEncoding)) : http)
			.build();
		assertComplete(client.stream(ClientTestApplication.SYNTHETIC, INPUT).flux().collectList().block(
				Duration.ofSeconds(10)));
		encodings.addAll(proxy.contentEncodings());
		return proxy.downstreamBytes();
	}

	private long webSocketBytes(CompressionAlgorithm algorithm) throws IOException {
		FaultProxy proxy = proxy();
		GraphStreamClient client = AbstractRemoteClientTests
			.client(proxy.port(), ConnectionType.WEBSOCKET, OPTIONS)
			.webSocketCompression(algorithm)
			.build();
		assertComplete(client.stream(ClientTestApplication.SYNTHETIC, INPUT).flux().collectList().block(
				Duration.ofSeconds(10)));
		return proxy.downstreamBytes();
	}

	private static void assertComplete(List<GraphExecutionEvent> events) {
		assertThat(events).extracting(GraphExecutionEvent::sequence)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
		assertThat(events.get(events.size() - 1).eventType()).isEqualTo(GraphExecutionEventType.EXECUTION_COMPLETED);
	}

	private FaultProxy proxy() throws IOException {
		FaultProxy proxy = new FaultProxy(this.port, 0);
		this.proxies.add(proxy);
		return proxy;
	}

}
