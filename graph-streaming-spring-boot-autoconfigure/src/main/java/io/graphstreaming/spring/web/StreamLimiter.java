package io.graphstreaming.spring.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open streams, in total and per transport, and refuses one past the limit. A
 * transport takes a permit before it answers and gives it back on every terminal path
 * of the stream (complete, error, cancel), so the count cannot drift.
 */
public class StreamLimiter {

	private final int maxConcurrentStreams;

	private final Duration retryAfter;

	private final AtomicInteger total = new AtomicInteger();

	private final Map<String, AtomicInteger> byTransport = new ConcurrentHashMap<>();

	/**
	 * Creates a limiter.
	 * @param maxConcurrentStreams open streams allowed at once, strictly positive
	 * @param retryAfter what 429 answers advise
	 */
	public StreamLimiter(int maxConcurrentStreams, Duration retryAfter) {
		if (maxConcurrentStreams <= 0) {
			throw new IllegalArgumentException(
					"maxConcurrentStreams must be strictly positive but was " + maxConcurrentStreams);
		}
		this.maxConcurrentStreams = maxConcurrentStreams;
		this.retryAfter = retryAfter;
	}

	/**
	 * Takes a permit for one stream.
	 * @param transport the transport, for example {@code sse}
	 * @return the permit; release it exactly once (further calls do nothing)
	 * @throws TooManyStreamsException at the limit
	 */
	public Permit acquire(String transport) {
		if (this.total.incrementAndGet() > this.maxConcurrentStreams) {
			this.total.decrementAndGet();
			throw new TooManyStreamsException(this.maxConcurrentStreams, this.retryAfter);
		}
		AtomicInteger counter = this.byTransport.computeIfAbsent(transport, (key) -> new AtomicInteger());
		counter.incrementAndGet();
		return new Permit(counter);
	}

	/**
	 * Streams open now, all transports.
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

		private final AtomicInteger released = new AtomicInteger();

		private Permit(AtomicInteger counter) {
			this.counter = counter;
		}

		/**
		 * Gives the permit back; idempotent.
		 */
		public void release() {
			if (this.released.compareAndSet(0, 1)) {
				this.counter.decrementAndGet();
				StreamLimiter.this.total.decrementAndGet();
			}
		}

	}

}
