package io.graphstreaming.spring.web;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Counts open streams, in total, per transport and per client, and refuses one past a
 * limit. A transport takes a permit before it answers and gives it back on every terminal
 * path of the stream (complete, error, cancel), so the counts cannot drift. A client's
 * count is forgotten when it drops to zero, so memory follows the clients that have
 * streams open, not every client ever seen. Limits only refuse new streams: an open one
 * keeps its permit until it ends.
 */
public class StreamLimiter {

	private final int maxConcurrentStreams;

	private final int maxPerClient;

	private final Duration retryAfter;

	private final String what;

	private final AtomicInteger total = new AtomicInteger();

	private final Map<String, AtomicInteger> byTransport = new ConcurrentHashMap<>();

	private final Map<String, Integer> byClient = new ConcurrentHashMap<>();

	/**
	 * Creates a limiter without a per-client limit.
	 * @param maxConcurrentStreams open streams allowed at once, strictly positive
	 * @param retryAfter what 429 answers advise
	 */
	public StreamLimiter(int maxConcurrentStreams, Duration retryAfter) {
		this(maxConcurrentStreams, maxConcurrentStreams, retryAfter);
	}

	/**
	 * Creates a limiter.
	 * @param maxConcurrentStreams open streams allowed at once, strictly positive
	 * @param maxPerClient open streams allowed at once to one client, strictly positive
	 * @param retryAfter what 429 answers advise
	 */
	public StreamLimiter(int maxConcurrentStreams, int maxPerClient, Duration retryAfter) {
		this(maxConcurrentStreams, maxPerClient, retryAfter, "streams");
	}

	/**
	 * Creates a limiter of something else than streams, such as WebSocket sessions.
	 * @param maxConcurrent open ones allowed at once, strictly positive
	 * @param maxPerClient open ones allowed at once to one client, strictly positive
	 * @param retryAfter what 429 answers advise
	 * @param what what is counted, plural, for the 429 detail ("WebSocket sessions")
	 */
	public StreamLimiter(int maxConcurrent, int maxPerClient, Duration retryAfter, String what) {
		if (maxConcurrent <= 0) {
			throw new IllegalArgumentException("maxConcurrentStreams must be strictly positive but was " + maxConcurrent);
		}
		if (maxPerClient <= 0) {
			throw new IllegalArgumentException("maxPerClient must be strictly positive but was " + maxPerClient);
		}
		this.maxConcurrentStreams = maxConcurrent;
		this.maxPerClient = maxPerClient;
		this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
		this.what = Objects.requireNonNull(what, "what");
	}

	/**
	 * Takes a permit for one stream, counted for no client in particular.
	 * @param transport the transport, for example {@code sse}
	 * @return the permit; release it exactly once (further calls do nothing)
	 * @throws TooManyStreamsException at the limit
	 */
	public Permit acquire(String transport) {
		return acquire(transport, null);
	}

	/**
	 * Takes a permit for one stream of a client.
	 * @param transport the transport, for example {@code sse}
	 * @param client the client's key (see {@link ClientKeyResolver}), or {@code null} to
	 * count the stream in the total only
	 * @return the permit; release it exactly once (further calls do nothing)
	 * @throws TooManyStreamsException at the total limit or the client's
	 */
	public Permit acquire(String transport, @Nullable String client) {
		if (client != null && !takeClient(client)) {
			throw new TooManyStreamsException("Too many concurrent " + this.what + " for this client: the limit is "
					+ this.maxPerClient, this.retryAfter);
		}
		if (this.total.incrementAndGet() > this.maxConcurrentStreams) {
			this.total.decrementAndGet();
			if (client != null) {
				releaseClient(client);
			}
			throw new TooManyStreamsException("Too many concurrent " + this.what + ": the limit is "
					+ this.maxConcurrentStreams, this.retryAfter);
		}
		AtomicInteger counter = this.byTransport.computeIfAbsent(transport, (key) -> new AtomicInteger());
		counter.incrementAndGet();
		return new Permit(counter, client, true);
	}

	/**
	 * Counts one open request of a transport without limiting it: it shows in
	 * {@link #openStreams(String)} (and so in the {@code streams.active} gauge) but not in
	 * the total, the client's count or their limits. Long polls are counted so: each is
	 * short, and refusing one would only make its client poll again.
	 * @param transport the transport, for example {@code polling}
	 * @return the permit; release it exactly once (further calls do nothing)
	 */
	public Permit track(String transport) {
		AtomicInteger counter = this.byTransport.computeIfAbsent(transport, (key) -> new AtomicInteger());
		counter.incrementAndGet();
		return new Permit(counter, null, false);
	}

	private boolean takeClient(String client) {
		boolean[] taken = { false };
		this.byClient.compute(client, (key, count) -> {
			int current = (count != null) ? count : 0;
			if (current >= this.maxPerClient) {
				return count;
			}
			taken[0] = true;
			return current + 1;
		});
		return taken[0];
	}

	private void releaseClient(String client) {
		this.byClient.computeIfPresent(client, (key, count) -> (count > 1) ? count - 1 : null);
	}

	/**
	 * Streams open now to one client.
	 * @param client the client's key
	 * @return the count
	 */
	public int openStreamsOf(String client) {
		return this.byClient.getOrDefault(client, 0);
	}

	/**
	 * Clients with a stream open now.
	 * @return the number of client keys held
	 */
	public int clientsWithStreams() {
		return this.byClient.size();
	}

	/**
	 * The per-client limit.
	 * @return open streams allowed at once to one client
	 */
	public int maxPerClient() {
		return this.maxPerClient;
	}

	/**
	 * Streams open now, all transports (requests counted by {@link #track} are not).
	 * @return the count
	 */
	public int openStreams() {
		return this.total.get();
	}

	/**
	 * Streams open now on one transport.
	 * @param transport the transport
	 * @return the count
	 */
	public int openStreams(String transport) {
		AtomicInteger counter = this.byTransport.get(transport);
		return (counter != null) ? counter.get() : 0;
	}

	/**
	 * The limit.
	 * @return open streams allowed at once
	 */
	public int maxConcurrentStreams() {
		return this.maxConcurrentStreams;
	}

	/**
	 * One open stream's permit.
	 */
	public final class Permit {

		private final AtomicInteger counter;

		private final @Nullable String client;

		private final boolean counted;

		private final AtomicInteger released = new AtomicInteger();

		private Permit(AtomicInteger counter, @Nullable String client, boolean counted) {
			this.counter = counter;
			this.client = client;
			this.counted = counted;
		}

		/**
		 * Gives the permit back; idempotent.
		 */
		public void release() {
			if (this.released.compareAndSet(0, 1)) {
				this.counter.decrementAndGet();
				if (this.counted) {
					StreamLimiter.this.total.decrementAndGet();
				}
				if (this.client != null) {
					releaseClient(this.client);
				}
			}
		}

	}

}
