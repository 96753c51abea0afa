package io.graphstreaming.spring.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event stream parser: messages, comments, line endings and chunk boundaries.
 */
class SseParserTests {

	@Test
	void messagesEndAtBlankLinesAndOnlyDataIsKept() {
		SseParser parser = new SseParser();

		List<byte[]> messages = parser.feed(bytes("""
				id: e:1
				event: ExecutionStarted
				data: {"sequence":1}

				id: e:2
				data: {"sequence":2}

				"""));

		assertThat(texts(messages)).containsExactly("{\"sequence\":1}", "{\"sequence\":2}");
	}

	@Test
	void commentsAreCountedAsHeartbeats() {
		SseParser parser = new SseParser();

		assertThat(parser.feed(bytes(": heartbeat\n\n: heartbeat\n"))).isEmpty();
		assertThat(parser.takeComments()).isEqualTo(2);
		assertThat(parser.takeComments()).isZero();
	}

	@Test
	void everyLineEndingIsAccepted() {
		SseParser parser = new SseParser();

		List<byte[]> messages = parser.feed(bytes("data: a\r\n\r\ndata: b\r\rdata: c\n\ndata:d\r\n\r\n"));

		assertThat(texts(messages)).containsExactly("a", "b", "c", "d");
	}

	@Test
	void severalDataLinesAreJoinedWithLineFeeds() {
		SseParser parser = new SseParser();

		assertThat(texts(parser.feed(bytes("data: one\ndata:  two\ndata\n\n")))).containsExactly("one\n two\n");
	}

	@Test
	void chunksMaySplitLinesLineEndingsAndCharacters() {
		byte[] body = bytes("data: {\"text\":\"h\u00e9llo \u2603\"}\r\n\r\n: heartbeat\r\ndata: 2\r\n\r\n");
		for (int size = 1; size <= body.length; size++) {
			SseParser parser = new SseParser();
			List<byte[]> messages = new ArrayList<>();
			for (int start = 0; start < body.length; start += size) {
				byte[] chunk = new byte[Math.min(size, body.length - start)];
				System.arraycopy(body, start, chunk, 0, chunk.length);
				messages.addAll(parser.feed(chunk));
			}
			assertThat(texts(messages)).as("chunks of %d bytes", size)
				.containsExactly("{\"text\":\"h\u00e9llo \u2603\"}", "2");
			assertThat(parser.takeComments()).isEqualTo(1);
		}
	}

	@Test
	void aMessageCutOffByTheEndOfTheBodyIsNeverReturned() {
		SseParser parser = new SseParser();

		assertThat(parser.feed(bytes("data: {\"sequence\":7}\n"))).isEmpty();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static List<String> texts(List<byte[]> messages) {
		return messages.stream().map((data) -> new String(data, StandardCharsets.UTF_8)).toList();
	}

}
