package io.graphstreaming.spring.web.compression;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

import io.graphstreaming.spring.web.websocket.CompressedEventFrames;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebSocket event compression over a real port: a client that asks for gzip or Brotli
 * gets events at or above the threshold as binary frames (tag byte, then the compressed
 * JSON, decoded here by the JDK's gzip and the {@code brotli} command) and smaller ones
 * as text; decoded, they are exactly the JSON an uncompressed client receives.
 */
class WebSocketCompressionTests extends AbstractCompressionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String RUN = "{\"steps\":3,\"textBytes\":4096}";

	private final ReactorNettyWebSocketClient client = new ReactorNettyWebSocketClient(HttpClient.create(),
			() -> WebsocketClientSpec.builder().maxFramePayloadLength(1 << 20));

	@Test
	void gzipClientGetsLargeEventsAsTaggedBinaryFramesAndSmallOnesAsText() throws Exception {
		List<Frame> frames = exchange(CompressionTestApplication.BROTLI,
				"{\"type\":\"execute\",\"input\":" + RUN + ",\"compression\":\"gzip\"}");

		List<Frame> binary = frames.stream().filter(Frame::binary).toList();
		assertThat(binary).hasSize(4).allSatisfy((frame) -> assertThat(frame.bytes()[0]).isEqualTo((byte) 0x01));
		List<String> decoded = decodeAll(frames, (frame) -> gunzipUnchecked(Arrays.copyOfRange(frame, 1, frame.length)));
		assertThat(decoded.stream().filter((json) -> json.contains("\"eventType\":\"NodeCompleted\"")).count())
			.isEqualTo(3);
		frames.stream().filter((frame) -> !frame.binary()).forEach((frame) -> assertThat(frame.bytes().length)
			.as("text frames are below the 1 KB threshold").isLessThan(1024));
		assertThat(decoded).isEqualTo(uncompressedReplay(CompressionTestApplication.BROTLI, executionId(decoded.get(0))));
	}

	@Test
	void brotliClientGetsBinaryFramesDecodedByTheBrotliCommand() {
		List<Frame> frames = exchange(CompressionTestApplication.GZIP,
				"{\"type\":\"execute\",\"input\":" + RUN + ",\"compression\":\"brotli\"}");

		assertThat(frames.stream().filter(Frame::binary)).hasSize(4)
			.allSatisfy((frame) -> assertThat(frame.bytes()[0]).isEqualTo((byte) 0x02));
		List<String> decoded = decodeAll(frames, (frame) -> new String(
				RawStreamClient.brotliCli(Arrays.copyOfRange(frame, 1, frame.length), false), StandardCharsets.UTF_8));
		assertThat(decoded).isEqualTo(uncompressedReplay(CompressionTestApplication.GZIP, executionId(decoded.get(0))));
	}

	@Test
	void resumeWithCompressionSendsBinaryFramesToo() {
		List<Frame> first = exchange(CompressionTestApplication.BROTLI, "{\"type\":\"execute\",\"input\":" + RUN + "}");
		assertThat(first).noneMatch(Frame::binary);
		String executionId = executionId(first.get(0).text());

		List<Frame> resumed = exchange(CompressionTestApplication.BROTLI,
				"{\"type\":\"resume\",\"executionId\":\"" + executionId + "\",\"after\":0,\"compression\":\"brotli\"}");

		assertThat(resumed.stream().filter(Frame::binary)).hasSize(4);
		assertThat(decodeAll(resumed, (frame) -> new String(CompressedEventFrames.decode(frame), StandardCharsets.UTF_8)))
			.isEqualTo(first.stream().map(Frame::text).toList());
	}

	@Test
	void aGraphWithoutEventCompressionSendsTextFramesOnly() {
		List<Frame> frames = exchange(CompressionTestApplication.PLAIN,
				"{\"type\":\"execute\",\"input\":" + RUN + ",\"compression\":\"gzip\"}");

		assertThat(frames).isNotEmpty().noneMatch(Frame::binary);
		assertThat(frames.get(frames.size() - 1).text()).contains("\"eventType\":\"ExecutionCompleted\"");
	}

	@Test
	void anUnknownAlgorithmIsA400AndTheSocketStaysUsable() {
		List<Frame> frames = exchange(CompressionTestApplication.BROTLI,
				"{\"type\":\"execute\",\"input\":{},\"compression\":\"zstd\"}",
				"{\"type\":\"execute\",\"input\":{},\"compression\":7}",
				"{\"type\":\"execute\",\"input\":{\"steps\":1},\"compression\":\"GZIP\"}");

		assertThat(frames.get(0).text()).isEqualTo("{\"type\":\"error\",\"status\":400,\"detail\":\"Field "
				+ "'compression': unknown algorithm 'zstd'; expected gzip, brotli or none\"}");
		assertThat(frames.get(1).text()).isEqualTo("{\"type\":\"error\",\"status\":400,\"detail\":\"Field "
				+ "'compression' must be a string (gzip or brotli) but was a number\"}");
		assertThat(frames.get(2).text()).contains("\"eventType\":\"ExecutionStarted\"");
		assertThat(frames.get(frames.size() - 1).binary()).as("ExecutionCompleted is small here").isFalse();
	}

	@Test
	void brotliWhereItCannotLoadIsA400() {
		System.setProperty("graphstreaming.brotli.disabled", "true");
		List<Frame> frames;
		try {
			frames = exchange(CompressionTestApplication.BROTLI,
					"{\"type\":\"execute\",\"input\":{},\"compression\":\"brotli\"}",
					"{\"type\":\"execute\",\"input\":{\"steps\":1},\"compression\":\"none\"}");
		}
		finally {
			System.clearProperty("graphstreaming.brotli.disabled");
		}
		assertThat(frames.get(0).text()).isEqualTo("{\"type\":\"error\",\"status\":400,\"detail\":\"Field "
				+ "'compression': brotli is not available on this server; use gzip\"}");
		assertThat(frames.subList(1, frames.size())).noneMatch(Frame::binary);
	}

	@Test
	void compressedFramesAreCountedByAlgorithmAndOutcome() {
		double compressed = events("brotli", "compressed");
		double skipped = events("brotli", "skipped");

		List<Frame> frames = exchange(CompressionTestApplication.GZIP,
				"{\"type\":\"execute\",\"input\":" + RUN + ",\"compression\":\"brotli\"}");

		assertThat(events("brotli", "compressed") - compressed).isEqualTo(4);
		assertThat(events("brotli", "skipped") - skipped).isEqualTo(frames.size() - 4);
	}

	/**
	 * Opens a socket to a graph, sends the messages, and collects every frame until the
	 * server closes it.
	 */
	private List<Frame> exchange(String graphId, String... messages) {
		List<Frame> frames = new CopyOnWriteArrayList<>();
		this.client.execute(URI.create("ws://localhost:" + this.port + "/graphs/" + graphId + "/ws"),
				(session) -> session.send(Flux.fromArray(messages).map(session::textMessage))
					.and(session.receive().doOnNext((message) -> frames.add(Frame.of(message))).then()))
			.block(TIMEOUT);
		return frames;
	}

	/**
	 * The JSON of every frame: text as it is, binary through the decoder.
	 */
	private static List<String> decodeAll(List<Frame> frames, Decoder decoder) {
		return frames.stream().map((frame) -> frame.binary() ? decoder.decode(frame.bytes()) : frame.text()).toList();
	}

	/**
	 * The events of an execution as an uncompressed client receives them.
	 */
	private List<String> uncompressedReplay(String graphId, String executionId) {
		return exchange(graphId,
				"{\"type\":\"resume\",\"executionId\":\"" + executionId + "\",\"after\":0}")
			.stream()
			.map(Frame::text)
			.toList();
	}

	private static String executionId(String json) {
		int start = json.indexOf("\"executionId\":\"") + 15;
		return json.substring(start, json.indexOf('"', start));
	}

	private static String gunzipUnchecked(byte[] bytes) {
		try {
			return gunzip(bytes);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@FunctionalInterface
	private interface Decoder {

		String decode(byte[] frame);

	}

	private record Frame(boolean binary, byte[] bytes) {

		static Frame of(WebSocketMessage message) {
			byte[] bytes = new byte[message.getPayload().readableByteCount()];
			message.getPayload().read(bytes);
			return new Frame(message.getType() == WebSocketMessage.Type.BINARY, bytes);
		}

		String text() {
			assertThat(this.binary).as("a text frame").isFalse();
			return new String(this.bytes, StandardCharsets.UTF_8);
		}

	}

}
