package io.graphstreaming.spring.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClientResponse;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;

/**
 * Receives events as Server-Sent Events from
 * {@code GET {base}/{graphId}/executions/{executionId}/stream}, resuming with
 * {@code Last-Event-ID: <executionId>:<sequence>}. {@code : heartbeat} comments count as
 * progress. A 204 means that nothing is left; a body that ends before the terminal event
 * is a {@link ClientFailures.PrematureEnd} (the resume that follows tells why). Bodies
 * compressed with gzip or Brotli ({@code Content-Encoding}) are decoded by the HTTP client.
 */
final class SseTransport implements Transport {

	/** The SSE media type. */
	static final String EVENT_STREAM = "text/event-stream";

	private final ClientSettings settings;

	SseTransport(ClientSettings settings) {
		this.settings = settings;
	}

	@Override
	public Flux<GraphExecutionEvent> open(Attempt attempt) {
		String url = this.settings.url(attempt.graphId(), "executions", attempt.executionId(), "stream")
				+ query(attempt.eventTypes(), attempt.nodes(), "?");
		return this.settings.httpClient().headers((headers) -> {
			headers.set(HttpHeaderNames.ACCEPT, EVENT_STREAM);
			headers.set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
			if (attempt.after() > 0) {
				headers.set("Last-Event-ID", attempt.executionId() + ":" + attempt.after());
			}
		}).get().uri(url).response((response, body) -> {
			int status = response.status().code();
			if (status == 204) {
				attempt.connected();
				return Flux.empty();
			}
			if (status != 200) {
				return body.aggregate().asByteArray().defaultIfEmpty(new byte[0])
					.flatMapMany((bytes) -> Flux.error(statusFailure(response, bytes)));
			}
			String contentType = response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE, "");
			if (!contentType.regionMatches(true, 0, EVENT_STREAM, 0, EVENT_STREAM.length())) {
				return Flux.error(new ClientFailures.ProtocolFailure("The server answered 200 with content type '"
						+ contentType + "' instead of " + EVENT_STREAM, true));
			}
			attempt.connected();
			SseParser parser = new SseParser();
			return body.asByteArray()
				.concatMapIterable((chunk) -> events(attempt, parser, chunk))
				.concatWith(Mono.error(() -> new ClientFailures.PrematureEnd(
						"the event stream ended before the terminal event")));
		});
	}

	private List<GraphExecutionEvent> events(Attempt attempt, SseParser parser, byte[] chunk) {
		attempt.heard();
		List<byte[]> messages = parser.feed(chunk);
		if (parser.takeComments() > 0) {
			attempt.progressed();
		}
		List<GraphExecutionEvent> events = new ArrayList<>(messages.size());
		for (byte[] data : messages) {
			events.add(EventParsing.event(this.settings, data));
		}
		return events;
	}

	private ClientFailures.StatusFailure statusFailure(HttpClientResponse response, byte[] body) {
		HttpHeaders headers = response.responseHeaders();
		int status = response.status().code();
		String detail = ClientFailures.problemDetail(this.settings.mapper(), body);
		// A server without SSE, or a proxy refusing event streams, answers anything from 404
		// to 502; only answers about the request itself would be the same over polling. An
		// unknown execution is a 404 too: AUTO then asks the polling endpoint, whose 404
		// ends the stream.
		boolean handshake = status != 400 && status != 410 && status != 429;
		return new ClientFailures.StatusFailure(status, ClientFailures.retryAfter(headers.get("Retry-After")),
				"the server answered " + response.status() + (detail.isEmpty() ? "" : ": " + detail), handshake);
	}

	/**
	 * The filter query parameters.
	 * @param eventTypes the types, or {@code null}
	 * @param nodes the nodes, or {@code null}
	 * @param first the separator before the first parameter
	 * @return the query string, empty without filters
	 */
	static String query(@Nullable Set<GraphExecutionEventType> eventTypes, @Nullable Set<String> nodes,
			String first) {
		StringBuilder query = new StringBuilder();
		if (eventTypes != null && !eventTypes.isEmpty()) {
			List<String> names = new ArrayList<>(eventTypes.size());
			eventTypes.forEach((type) -> names.add(type.wireName()));
			query.append(first).append("eventTypes=").append(ClientSettings.join(names));
		}
		if (nodes != null && !nodes.isEmpty()) {
			query.append(query.isEmpty() ? first : "&").append("nodes=").append(ClientSettings.join(nodes));
		}
		return query.toString();
	}

}
