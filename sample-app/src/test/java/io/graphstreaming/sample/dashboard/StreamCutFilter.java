package io.graphstreaming.sample.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A test-only cut of the SSE stream that starts an execution ({@code GET
 * .../execute/stream}): once armed, the next such response ends cleanly after a number
 * of event frames, as a proxy or a flaky network would end it, while the execution goes
 * on (the disconnect policy is {@code continue}). The browser's {@code EventSource} then
 * reconnects to the same URL with {@code Last-Event-ID}. Optionally that resume is moved
 * a few events back, so the server sends events the page already has and the page must
 * drop them. Every request to the URL is recorded with its {@code Last-Event-ID}.
 */
final class StreamCutFilter implements WebFilter {

	private static final String LAST_EVENT_ID = "Last-Event-ID";

	private final AtomicInteger cutAfterEvents = new AtomicInteger();

	private final AtomicInteger rewindResumeBy = new AtomicInteger();

	private final AtomicInteger cuts = new AtomicInteger();

	private final List<String> requests = new CopyOnWriteArrayList<>();

	/**
	 * Arms one cut.
	 * @param events event frames the next starting stream delivers before it ends
	 * @param rewind how many events earlier than asked the next resume starts
	 */
	void arm(int events, int rewind) {
		this.requests.clear();
		this.cuts.set(0);
		this.rewindResumeBy.set(rewind);
		this.cutAfterEvents.set(events);
	}

	/**
	 * The {@code Last-Event-ID} of every request to an {@code execute/stream} URL since
	 * {@link #arm}, as sent by the browser ({@code ""} when it sent none).
	 */
	List<String> requests() {
		return List.copyOf(this.requests);
	}

	/**
	 * How many streams were cut since {@link #arm}.
	 */
	int cuts() {
		return this.cuts.get();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (!HttpMethod.GET.equals(request.getMethod()) || !request.getPath().value().endsWith("/execute/stream")) {
			return chain.filter(exchange);
		}
		String lastEventId = request.getHeaders().getFirst(LAST_EVENT_ID);
		this.requests.add((lastEventId != null) ? lastEventId : "");
		ServerWebExchange changed = exchange;
		if (lastEventId != null) {
			int rewind = this.rewindResumeBy.getAndSet(0);
			if (rewind > 0) {
				int colon = lastEventId.lastIndexOf(':');
				long sequence = Long.parseLong(lastEventId.substring(colon + 1));
				String earlier = lastEventId.substring(0, colon + 1) + Math.max(0, sequence - rewind);
				changed = changed.mutate().request((builder) -> builder.header(LAST_EVENT_ID, earlier)).build();
			}
		}
		else {
			int events = this.cutAfterEvents.getAndSet(0);
			if (events > 0) {
				changed = changed.mutate().response(new CutResponse(changed, events)).build();
			}
		}
		return chain.filter(changed);
	}

	/**
	 * Ends the body after a number of event frames. The server hands over one buffer per
	 * frame: plain ({@code id: ...}; heartbeat comments do not count) or, when the stream
	 * has a {@code Content-Encoding}, one compressed chunk per frame. A compressed stream
	 * cut this way also lacks its last chunk, as after a real network cut.
	 */
	private final class CutResponse extends ServerHttpResponseDecorator {

		private final int events;

		CutResponse(ServerWebExchange exchange, int events) {
			super(exchange.getResponse());
			this.events = events;
		}

		@Override
		public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
			boolean compressed = getHeaders().getFirst(HttpHeaders.CONTENT_ENCODING) != null;
			AtomicInteger frames = new AtomicInteger();
			Flux<DataBuffer> cut = Flux.<DataBuffer>from(body).takeUntil((buffer) -> {
				boolean event = compressed || (buffer.readableByteCount() >= 3
						&& buffer.toString(buffer.readPosition(), 3, StandardCharsets.US_ASCII).equals("id:"));
				if (event && frames.incrementAndGet() == this.events) {
					StreamCutFilter.this.cuts.incrementAndGet();
					return true;
				}
				return false;
			});
			return super.writeWith(cut);
		}

	}

}
