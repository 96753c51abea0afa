package io.graphstreaming.spring.web.compression;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import io.graphstreaming.spring.web.compression.RawStreamClient.RawResponse;

import static io.graphstreaming.spring.web.compression.RawStreamClient.blocks;
import static io.graphstreaming.spring.web.compression.RawStreamClient.count;
import static io.graphstreaming.spring.web.compression.RawStreamClient.streamUri;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Compressed SSE over a real port, decoded by independent decoders (the JDK's
 * {@link GZIPInputStream}, the Debian {@code brotli} command): {@code Content-Encoding}
 * negotiated from {@code Accept-Encoding} and the configured algorithm, one compressed
 * stream per response flushed per event, so that event N is received and decoded while
 * the execution is still waiting for the test to let event N+1 be produced. Boot's own
 * response compression is on and must not compress these streams a second time.
 */
class SseCompressionTests extends AbstractCompressionTests {

	private static final String STEPS = "{\"steps\":%d,\"textBytes\":%d,\"gate\":\"%s\"}";

	@Test
	void brotliIsNegotiatedAndEachEventIsDecodedByTheBrotliCommandBeforeTheNextIsProduced() {
		String gate = UUID.randomUUID().toString();
		try (RawResponse response = client().get(streamUri(CompressionTestApplication.BROTLI,
				STEPS.formatted(3, 4096, gate)), Map.of("Accept-Encoding", "gzip, deflate, br"))) {
			HttpHeaders headers = response.headers();
			assertThat(headers.get("Content-Encoding")).isEqualTo("br");
			assertThat(headers.get("Vary")).contains("Accept-Encoding");
			assertThat(headers.get("Content-Type")).isEqualTo("text/event-stream");

			ByteArrayOutputStream stream = new ByteArrayOutputStream();
			GateKeeper keeper = new GateKeeper(gate);
			byte[] chunk;
			while ((chunk = response.next()) != RawResponse.END) {
				stream.writeBytes(chunk);
				byte[] decoded = RawStreamClient.brotliCli(stream.toByteArray(), true);
				if (decoded != null) {
					String text = new String(decoded, StandardCharsets.UTF_8);
					assertThat(text).as("every flush ends at a frame boundary").endsWith("\n\n");
					keeper.decoded(text);
				}
			}
			String whole = new String(RawStreamClient.brotliCli(stream.toByteArray(), false), StandardCharsets.UTF_8);
			assertCompleteRun(whole, 3);
			assertThat(keeper.opened).isEqualTo(3);
		}
	}

	@Test
	void gzipIsNegotiatedWhenBrIsNotAcceptedAndEachEventIsDecodedByGzipInputStreamBeforeTheNextIsProduced()
			throws Exception {
		String gate = UUID.randomUUID().toString();
		try (RawResponse response = client().get(streamUri(CompressionTestApplication.BROTLI,
				STEPS.formatted(3, 4096, gate)), Map.of("Accept-Encoding", "gzip"))) {
			assertThat(response.headers().get("Content-Encoding")).isEqualTo("gzip");
			assertThat(response.headers().get("Vary")).contains("Accept-Encoding");
			BlockingQueue<String> decoded = gunzipInBackground(response.asInputStream());
			GateKeeper keeper = new GateKeeper(gate);
			StringBuilder text = new StringBuilder();
			String piece;
			while ((piece = poll(decoded)) != END_OF_STREAM) {
				text.append(piece);
				keeper.decoded(text.toString());
			}
			assertCompleteRun(text.toString(), 3);
			assertThat(keeper.opened).isEqualTo(3);
		}
	}

	@Test
	void aGzipGraphNeverAnswersBrEvenWhenTheClientPrefersIt() throws IOException {
		try (RawResponse response = client().get(streamUri(CompressionTestApplication.GZIP,
				"{\"steps\":2,\"textBytes\":2000}"), Map.of("Accept-Encoding", "br;q=1, gzip;q=0.5"))) {
			assertThat(response.headers().get("Content-Encoding")).isEqualTo("gzip");
			assertCompleteRun(gunzip(response.readAll()), 2);
		}
	}

	@Test
	void withoutAcceptEncodingTheStreamIsPlainButVaries() {
		try (RawResponse response = client().get(streamUri(CompressionTestApplication.BROTLI,
				"{\"steps\":2,\"textBytes\":2000}"), Map.of())) {
			assertThat(response.headers().get("Content-Encoding")).isNull();
			assertThat(response.headers().get("Vary")).contains("Accept-Encoding");
			assertCompleteRun(new String(response.readAll(), StandardCharsets.UTF_8), 2);
		}
	}

	@Test
	void aGraphWithoutEventCompressionIsLeftToTheServersResponseCompression() throws IOException {
		try (RawResponse response = client().get(streamUri(CompressionTestApplication.PLAIN,
				"{\"steps\":2,\"textBytes\":2000}"), Map.of("Accept-Encoding", "gzip"))) {
			assertThat(response.headers().get("Content-Encoding")).as("server.compression").isEqualTo("gzip");
			assertCompleteRun(gunzip(response.readAll()), 2);
		}
	}

	@Test
	void ndjsonIsCompressedToo() throws IOException {
		try (RawResponse response = client().get(streamUri(CompressionTestApplication.BROTLI,
				"{\"steps\":2,\"textBytes\":2000}"),
				Map.of("Accept-Encoding", "gzip", "Accept", "application/x-ndjson"))) {
			assertThat(response.headers().get("Content-Type")).isEqualTo("application/x-ndjson");
			assertThat(response.headers().get("Content-Encoding")).isEqualTo("gzip");
			String[] lines = gunzip(response.readAll()).split("\n");
			assertThat(lines[0]).startsWith("{\"eventType\":\"ExecutionStarted\"");
			assertThat(lines[lines.length - 1]).startsWith("{\"eventType\":\"ExecutionCompleted\"");
		}
	}

	@Test
	void heartbeatsGoThroughTheSameCompressorAndArriveWhileTheStreamIsIdle() throws Exception {
		String gate = UUID.randomUUID().toString();
		try (RawResponse response = client().get(streamUri(CompressionTestApplication.GZIP,
				STEPS.formatted(1, 0, gate)), Map.of("Accept-Encoding", "gzip"))) {
			BlockingQueue<String> decoded = gunzipInBackground(response.asInputStream());
			StringBuilder text = new StringBuilder();
			while (!text.toString().contains(": heartbeat\n\n")) {
				String piece = poll(decoded);
				assertThat(piece).as("stream ended before a heartbeat").isNotSameAs(END_OF_STREAM);
				text.append(piece);
			}
			assertThat(count(blocks(text.toString()), "NodeCompleted")).isZero();
			this.gates.open(gate, 0);
			String piece;
			while ((piece = poll(decoded)) != END_OF_STREAM) {
				text.append(piece);
			}
			assertThat(blocks(text.toString())).last().asString().contains("event: ExecutionCompleted");
		}
	}

	@Test
	void eventsBelowTheThresholdAreStoredAndCountedAsSkippedLargerOnesCompressed() throws IOException {
		double compressed = events("gzip", "compressed");
		double skipped = events("gzip", "skipped");
		double in = counter("graph.streaming.compression.bytes.in", "gzip");
		double out = counter("graph.streaming.compression.bytes.out", "gzip");
		byte[] wire;
		try (RawResponse response = client().get(streamUri(CompressionTestApplication.GZIP,
				"{\"steps\":4,\"textBytes\":4000}"), Map.of("Accept-Encoding", "gzip"))) {
			wire = response.readAll();
		}
		String text = gunzip(wire);
		assertCompleteRun(text, 4);

		// NodeCompleted frames (about 4.3 KB) and ExecutionCompleted (the final state) reach 1 KB.
		assertThat(events("gzip", "compressed") - compressed).isEqualTo(5);
		assertThat(events("gzip", "skipped") - skipped).isEqualTo(blocks(text).size() - 5);
		double bytesIn = counter("graph.streaming.compression.bytes.in", "gzip") - in;
		double bytesOut = counter("graph.streaming.compression.bytes.out", "gzip") - out;
		assertThat(bytesIn).isGreaterThan(5 * 4000);
		assertThat(bytesOut).isLessThan(bytesIn / 3);
		assertThat(wire.length).isLessThan(text.length() / 2);
	}

	private RawStreamClient client() {
		return new RawStreamClient(this.port);
	}

	/**
	 * A whole run of the step graph: ExecutionStarted first, {@code steps} NodeCompleted
	 * with their text, ExecutionCompleted last, sequences contiguous.
	 */
	private static void assertCompleteRun(String text, int steps) {
		List<String> events = blocks(text).stream().filter((block) -> !block.startsWith(":")).toList();
		assertThat(events).first().asString().startsWith("id: ").contains("event: ExecutionStarted");
		assertThat(events).last().asString().contains("event: ExecutionCompleted");
		assertThat(count(events, "NodeCompleted")).isEqualTo(steps);
		for (int i = 0; i < events.size(); i++) {
			assertThat(events.get(i)).contains(":" + (i + 1) + "\nevent: ");
		}
	}

	private static final String END_OF_STREAM = new String("<end>");

	/**
	 * Decodes the stream with {@link GZIPInputStream} on its own thread, handing out the
	 * text as soon as the decoder produces it.
	 */
	private static BlockingQueue<String> gunzipInBackground(InputStream raw) {
		BlockingQueue<String> decoded = new LinkedBlockingQueue<>();
		Thread reader = new Thread(() -> {
			try (GZIPInputStream in = new GZIPInputStream(raw, 512)) {
				byte[] buffer = new byte[64 * 1024];
				int read;
				while ((read = in.read(buffer)) > 0) {
					decoded.add(new String(buffer, 0, read, StandardCharsets.UTF_8));
				}
			}
			catch (IOException | RuntimeException ex) {
				decoded.add("<decoding failed: " + ex + ">");
			}
			finally {
				decoded.add(END_OF_STREAM);
			}
		}, "gunzip");
		reader.setDaemon(true);
		reader.start();
		return decoded;
	}

	private static String poll(BlockingQueue<String> decoded) throws InterruptedException {
		String piece = decoded.poll(RawStreamClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		if (piece == null) {
			fail("Nothing decoded within " + RawStreamClient.TIMEOUT);
		}
		assertThat(piece).doesNotStartWith("<decoding failed");
		return piece;
	}

	/**
	 * Opens gate {@code i} (letting step {@code i} complete) only once the client has
	 * decoded the (i+1)th NodeStarted event, the last event the execution produces before
	 * it waits at that gate; and checks, at that moment, that the gate was still closed
	 * and the step's NodeCompleted not yet decoded.
	 */
	private final class GateKeeper {

		private final String gate;

		private int opened;

		GateKeeper(String gate) {
			this.gate = gate;
		}

		void decoded(String text) {
			List<String> blocks = blocks(text);
			long started = count(blocks, "NodeStarted");
			long completed = count(blocks, "NodeCompleted");
			while (this.opened < started) {
				assertThat(SseCompressionTests.this.gates.isOpen(this.gate, this.opened))
					.as("gate %d still closed when NodeStarted %d was decoded", this.opened, this.opened + 1)
					.isFalse();
				assertThat(completed).as("NodeCompleted %d not produced yet", this.opened + 1).isEqualTo(this.opened);
				SseCompressionTests.this.gates.open(this.gate, this.opened);
				this.opened++;
			}
		}

	}

}
