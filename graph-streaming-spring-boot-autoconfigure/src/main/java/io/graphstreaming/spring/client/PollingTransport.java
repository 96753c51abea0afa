package io.graphstreaming.spring.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClientResponse;
import tools.jackson.databind.JsonNode;

import io.graphstreaming.core.event.GraphExecutionEvent;

/**
 * Receives events by long polling
 * {@code GET {base}/{graphId}/executions/{executionId}/events?after=N&limit=L&waitMs=W}:
 * one page at a time, the next poll only after the consumer took the previous page,
 * {@code after} the page's {@code next} (which moves past events the server's filters
 * skipped), {@code limit} adapted to the network ({@link RemoteConsumer#pollLimit()}).
 * Every answer counts as progress; the connection is done when an answer says
 * {@code completed: true}. A 400 naming the server's longest wait ({@code maxWaitMs})
 * lowers the wait to it and polls again at once (see {@link RemoteConsumer#pollWait()}).
 */
final class PollingTransport implements Transport {

	private final ClientSettings settings;

	PollingTransport(ClientSettings settings) {
		this.settings = settings;
	}

	@Override
	public Flux<GraphExecutionEvent> open(Attempt attempt) {
		AtomicLong after = new AtomicLong(attempt.after());
		AtomicBoolean completed = new AtomicBoolean();
		String base = this.settings.url(attempt.graphId(), "executions", attempt.executionId(), "events")
				+ SseTransport.query(attempt.eventTypes(), attempt.nodes(), "?");
		String separator = (base.indexOf('?') < 0) ? "?" : "&";
		return Flux.defer(() -> {
			Duration wait = attempt.pollWait();
			String url = base + separator + "after=" + after.get() + "&limit=" + attempt.pollLimit() + "&waitMs="
					+ wait.toMillis();
			return poll(attempt, url, wait, after, completed).onErrorResume(WaitRefused.class,
					(refused) -> attempt.pollWaitRefused(refused.serverMax()) ? Flux.empty()
							: Flux.error(refused.failure()));
		}).repeat(() -> !completed.get());
	}

	private Flux<GraphExecutionEvent> poll(Attempt attempt, String url, Duration wait, AtomicLong after,
			AtomicBoolean completed) {
		return this.settings.httpClient()
			.responseTimeout(wait.plus(attempt.pollGrace()))
			.headers((headers) -> headers.set(HttpHeaderNames.ACCEPT, "application/json"))
			.get()
			.uri(url)
			.responseSingle((response, body) -> body.asByteArray()
				.defaultIfEmpty(new byte[0])
				.map((bytes) -> page(response, bytes)))
			.flatMapMany((page) -> {
				attempt.connected();
				attempt.progressed();
				attempt.pollAnswered();
				after.accumulateAndGet(page.next(), Math::max);
				if (page.completed()) {
					completed.set(true);
				}
				return Flux.fromIterable(page.events());
			});
	}

	private Page page(HttpClientResponse response, byte[] body) {
		int status = response.status().code();
		if (status != 200) {
			String detail = ClientFailures.problemDetail(this.settings.mapper(), body);
			ClientFailures.StatusFailure failure = new ClientFailures.StatusFailure(status,
					ClientFailures.retryAfter(response.responseHeaders().get("Retry-After")),
					"the server answered " + response.status() + (detail.isEmpty() ? "" : ": " + detail), false);
			Duration serverMax = (status == 400) ? serverMaxWait(body) : null;
			throw (serverMax != null) ? new WaitRefused(serverMax, failure) : failure;
		}
		JsonNode root = EventParsing.tree(this.settings, body, "a poll answer");
		JsonNode events = root.path("events");
		JsonNode next = root.path("next");
		if (!events.isArray() || !next.isIntegralNumber()) {
			throw new ClientFailures.ProtocolFailure(
					"The server sent a poll answer without an 'events' array and a 'next' sequence", false);
		}
		List<GraphExecutionEvent> parsed = new ArrayList<>(events.size());
		for (JsonNode event : events) {
			parsed.add(EventParsing.event(this.settings, event));
		}
		return new Page(parsed, next.longValue(), root.path("completed").asBoolean(false));
	}

	/**
	 * The {@code maxWaitMs} of a problem answer: the server's longest long poll, named
	 * when it refuses a longer {@code waitMs}.
	 */
	private @Nullable Duration serverMaxWait(byte[] body) {
		try {
			JsonNode maxWaitMs = this.settings.mapper().readTree(body).get("maxWaitMs");
			return (maxWaitMs != null && maxWaitMs.isIntegralNumber() && maxWaitMs.longValue() >= 0)
					? Duration.ofMillis(maxWaitMs.longValue()) : null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/**
	 * The server refused a poll's {@code waitMs} as longer than its longest.
	 */
	private static final class WaitRefused extends RuntimeException {

		private final Duration serverMax;

		private final ClientFailures.StatusFailure failure;

		WaitRefused(Duration serverMax, ClientFailures.StatusFailure failure) {
			super(failure.getMessage(), null, false, false);
			this.serverMax = serverMax;
			this.failure = failure;
		}

		Duration serverMax() {
			return this.serverMax;
		}

		ClientFailures.StatusFailure failure() {
			return this.failure;
		}

	}

	/**
	 * One poll answer.
	 */
	private record Page(List<GraphExecutionEvent> events, long next, boolean completed) {
	}

}
