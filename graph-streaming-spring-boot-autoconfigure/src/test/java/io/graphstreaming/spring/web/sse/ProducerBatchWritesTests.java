package io.graphstreaming.spring.web.sse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import io.graphstreaming.spring.web.testapp.WebTestApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A graph with producer batching writes each released batch as one HTTP chunk (one
 * message through the server's write path), while a graph without it writes one chunk
 * per event; the frames themselves are the same either way. The client here does not
 * merge chunks: Reactor Netty hands over each chunk's content as it arrives (a chunk
 * split by TCP may come in two pieces, never two chunks in one). Graph {@code synthetic}
 * batches 16 events and compresses with gzip when asked to; {@code demo} does neither.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.graphs.synthetic.producer-batch-size=16",
				"graph.streaming.graphs.synthetic.producer-flush-interval=50ms",
				"graph.streaming.graphs.synthetic.compression.enabled=true",
				"graph.streaming.graphs.synthetic.compression.algorithm=gzip",
				"graph.streaming.graphs.synthetic.compression.threshold=64B" })
class ProducerBatchWritesTests {

	private static final Pattern ID_LINE = Pattern.compile("(?m)^id: [0-9a-f-]{36}:(\\d+)$");

	@LocalServerPort
	int port;

	@Test
	void batchedGraphWritesAtMostOneChunkPerBatch() {
		List<byte[]> pieces = get("/graphs/synthetic/execute/stream?input=" + input("{\"nodes\":40}"), "identity");
		String body = concat(pieces);
		List<Long> sequences = sequences(body);

		assertThat(sequences).isEqualTo(LongStream.rangeClosed(1, sequences.size()).boxed().toList());
		assertThat(body).contains("event: ExecutionCompleted");
		assertThat(sequences.size()).isGreaterThan(100);
		// ceil(frames / 16) batches, doubled for pieces that TCP may split
		assertThat(pieces.size()).isLessThanOrEqualTo(2 * ((sequences.size() + 15) / 16) + 2);
		assertThat(pieces).allSatisfy((piece) -> assertThat(frameCount(piece)).isLessThanOrEqualTo(16));
	}

	@Test
	void unbatchedGraphWritesOneChunkPerEvent() {
		List<byte[]> pieces = get("/graphs/demo/execute/stream?input=" + input("{\"name\":\"Ada\"}"), "identity");
		List<Long> sequences = sequences(concat(pieces));

		assertThat(sequences).hasSizeGreaterThan(10);
		assertThat(pieces).hasSizeGreaterThanOrEqualTo(sequences.size());
	}

	@Test
	void batchedNdjsonCarriesEveryEventOncePerLine() {
		List<byte[]> pieces = get("/graphs/synthetic/execute/stream?input=" + input("{\"nodes\":40}"), "identity",
				"application/x-ndjson");
		String[] lines = concat(pieces).split("\n");

		assertThat(lines).hasSizeGreaterThan(100);
		for (int i = 0; i < lines.length; i++) {
			assertThat(lines[i]).startsWith("{\"eventType\":").contains("\"sequence\":" + (i + 1) + ",");
		}
	}

	@Test
	void batchedGzipStreamDecodesToEveryFrameInOrder() throws IOException {
		List<byte[]> pieces = gzipGet("/graphs/synthetic/execute/stream?input=" + input("{\"nodes\":40}"));
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		pieces.forEach(all::writeBytes);
		String body;
		try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(all.toByteArray()))) {
			body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		List<Long> sequences = sequences(body);

		assertThat(sequences).hasSizeGreaterThan(100);
		assertThat(sequences).isEqualTo(LongStream.rangeClosed(1, sequences.size()).boxed().toList());
		assertThat(body).contains("event: ExecutionCompleted");
	}

	private List<byte[]> gzipGet(String uri) {
		return get(uri, "gzip");
	}

	private List<byte[]> get(String uri, String acceptEncoding) {
		return get(uri, acceptEncoding, "text/event-stream");
	}

	private List<byte[]> get(String uri, String acceptEncoding, String accept) {
		return HttpClient.create(ConnectionProvider.newConnection())
			.baseUrl("http://localhost:" + this.port)
			.headers((headers) -> headers.set("Accept-Encoding", acceptEncoding).set("Accept", accept))
			.get()
			.uri(uri)
			.response((head, body) -> body.asByteArray())
			.collectList()
			.block(Duration.ofSeconds(20));
	}

	private static String input(String json) {
		return URLEncoder.encode(json, StandardCharsets.UTF_8);
	}

	private static String concat(List<byte[]> pieces) {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		pieces.forEach(all::writeBytes);
		return all.toString(StandardCharsets.UTF_8);
	}

	private static List<Long> sequences(String body) {
		Matcher matcher = ID_LINE.matcher(body);
		return matcher.results().map((result) -> Long.parseLong(result.group(1))).toList();
	}

	private static long frameCount(byte[] piece) {
		return ID_LINE.matcher(new String(piece, StandardCharsets.UTF_8)).results().count();
	}

}
