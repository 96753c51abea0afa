package io.graphstreaming.spring.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;

/**
 * A real HTTP client for the transport tests: Reactor Netty, one new connection per
 * request (so cancelling a response really cuts its connection), raw bodies.
 */
final class HttpTestClient {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final HttpClient http;

	HttpTestClient(int port) {
		this(HttpClient.create(ConnectionProvider.newConnection()).baseUrl("http://localhost:" + port));
	}

	HttpTestClient(HttpClient http) {
		this.http = http;
	}

	HttpClient http() {
		return this.http;
	}

	/**
	 * Sends a request and reads the whole response (for a stream: until it ends).
	 */
	Mono<Reply> exchange(String method, String uri, Map<String, String> headers, @Nullable String body) {
		return sender(method, uri, headers, body).responseSingle((response, bytes) -> bytes.asString(StandardCharsets.UTF_8)
			.defaultIfEmpty("")
			.map((text) -> new Reply(response.status().code(), response.responseHeaders(), text)));
	}

	Reply get(String uri, Map<String, String> headers) {
		return exchange("GET", uri, headers, null).block(TIMEOUT);
	}

	Reply get(String uri) {
		return get(uri, Map.of());
	}

	Reply post(String uri, @Nullable String body) {
		return exchange("POST", uri, Map.of(), body).block(TIMEOUT);
	}

	Reply delete(String uri) {
		return exchange("DELETE", uri, Map.of(), null).block(TIMEOUT);
	}

	/**
	 * The SSE frames of a response as they arrive; cancelling the flux cuts the
	 * connection.
	 */
	Flux<SseFrame> frames(String method, String uri, Map<String, String> headers, @Nullable String body,
			Consumer<HttpClientResponse> onResponse) {
		return sender(method, uri, headers, body).response((response, content) -> {
			onResponse.accept(response);
			return SseFrame.split(content.asString(StandardCharsets.UTF_8));
		});
	}

	private HttpClient.ResponseReceiver<?> sender(String method, String uri, Map<String, String> headers,
			@Nullable String body) {
		HttpClient client = this.http.headers((h) -> headers.forEach(h::set));
		HttpClient.RequestSender sender = client.request(HttpMethod.valueOf(method)).uri(uri);
		return (body != null) ? sender.send(ByteBufFlux.fromString(Mono.just(body))) : sender;
	}

	/**
	 * A whole response.
	 */
	record Reply(int status, HttpHeaders headers, String body) {

		String header(String name) {
			return this.headers.get(name);
		}

		List<SseFrame> frames() {
			return SseFrame.parse(this.body);
		}

	}

	/**
	 * One SSE block: an event (id, event, data) or a comment.
	 */
	record SseFrame(@Nullable String id, @Nullable String event, @Nullable String data, @Nullable String comment) {

		long sequence() {
			return Long.parseLong(this.id.substring(this.id.lastIndexOf(':') + 1));
		}

		String executionId() {
			return this.id.substring(0, this.id.lastIndexOf(':'));
		}

		boolean isComment() {
			return this.comment != null;
		}

		static SseFrame of(String block) {
			String id = null;
			String event = null;
			String data = null;
			String comment = null;
			for (String line : block.split("\n")) {
				if (line.startsWith(":")) {
					comment = line.substring(1).strip();
				}
				else if (line.startsWith("id: ")) {
					id = line.substring(4);
				}
				else if (line.startsWith("event: ")) {
					event = line.substring(7);
				}
				else if (line.startsWith("data: ")) {
					data = line.substring(6);
				}
				else {
					throw new IllegalStateException("Unexpected SSE line '" + line + "' in block '" + block + "'");
				}
			}
			return new SseFrame(id, event, data, comment);
		}

		static List<SseFrame> parse(String text) {
			List<SseFrame> frames = new ArrayList<>();
			int start = 0;
			int end;
			while ((end = text.indexOf("\n\n", start)) >= 0) {
				frames.add(of(text.substring(start, end)));
				start = end + 2;
			}
			if (start != text.length()) {
				throw new IllegalStateException("Incomplete SSE block at the end: '" + text.substring(start) + "'");
			}
			return frames;
		}

		/**
		 * Splits arbitrary chunks into frames.
		 */
		static Flux<SseFrame> split(Flux<String> chunks) {
			return Flux.defer(() -> {
				StringBuilder pending = new StringBuilder();
				return chunks.concatMapIterable((chunk) -> {
					pending.append(chunk);
					List<SseFrame> frames = new ArrayList<>();
					int end;
					while ((end = pending.indexOf("\n\n")) >= 0) {
						frames.add(of(pending.substring(0, end)));
						pending.delete(0, end + 2);
					}
					return frames;
				});
			});
		}

	}

}
