package io.graphstreaming.spring.web;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Limits how many executions one client may start per minute: a token bucket per client
 * key (see {@link ClientKeyResolver}) holding up to the per-minute allowance, refilled
 * continuously at that rate, so a client may start a burst of that many and then one
 * every {@code 60 s / allowance}. A refused start is answered 429 with the time until the
 * next token as {@code Retry-After}.
 *
 * <p>Memory is bounded: a bucket that has refilled completely is the same as none, so
 * such buckets are dropped whenever more than {@value #SWEEP_THRESHOLD} are held (at most
 * once per second); what is held is then the clients that started something within the
 * last minute. Should even that pass {@value #MAX_CLIENTS}, the excess buckets are dropped
 * (those clients get a fresh allowance) rather than let the map grow without bound.
 */
public class ExecutionRateLimiter {

	/** Buckets held before full ones are swept out. */
	static final int SWEEP_THRESHOLD = 1024;

	/** Buckets held at most. */
	static final int MAX_CLIENTS = 100_000;

	private static final long NANOS_PER_MINUTE = Duration.ofMinutes(1).toNanos();

	private static final long SWEEP_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

	private final int perMinute;

	private final double tokensPerNano;

	private final LongSupplier nanoTime;

	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	private final AtomicLong lastSweep;

	/**
	 * Creates a limiter on the system clock.
	 * @param perMinute executions one client may start per minute, strictly positive
	 */
	public ExecutionRateLimiter(int perMinute) {
		this(perMinute, System::nanoTime);
	}

	/**
	 * Creates a limiter.
	 * @param perMinute executions one client may start per minute, strictly positive
	 * @param nanoTime the clock, in nanoseconds ({@link System#nanoTime()})
	 */
	public ExecutionRateLimiter(int perMinute, LongSupplier nanoTime) {
		if (perMinute <= 0) {
			throw new IllegalArgumentException("perMinute must be strictly positive but was " + perMinute);
		}
		this.perMinute = perMinute;
		this.tokensPerNano = (double) perMinute / NANOS_PER_MINUTE;
		this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
		this.lastSweep = new AtomicLong(nanoTime.getAsLong());
	}

	/**
	 * Takes one start for a client.
	 * @param client the client's key
	 * @throws ExecutionRateExceededException when the client has used its allowance
	 */
	public void acquire(String client) {
		Objects.requireNonNull(client, "client");
		long now = this.nanoTime.getAsLong();
		sweepIfLarge(now);
		long[] waitNanos = { 0 };
		this.buckets.compute(client, (key, bucket) -> {
			double tokens = (bucket != null) ? bucket.tokensAt(now, this.tokensPerNano, this.perMinute) : this.perMinute;
			if (tokens >= 1) {
				return new Bucket(tokens - 1, now);
			}
			waitNanos[0] = (long) Math.ceil((1 - tokens) / this.tokensPerNano);
			return new Bucket(tokens, now);
		});
		if (waitNanos[0] > 0) {
			throw new ExecutionRateExceededException(this.perMinute, Duration.ofNanos(waitNanos[0]));
		}
	}

	/**
	 * Gives a start back, when the request that took it started nothing after all.
	 * @param client the client's key
	 */
	public void refund(String client) {
		long now = this.nanoTime.getAsLong();
		this.buckets.computeIfPresent(client, (key, bucket) -> {
			double tokens = bucket.tokensAt(now, this.tokensPerNano, this.perMinute) + 1;
			return (tokens >= this.perMinute) ? null : new Bucket(tokens, now);
		});
	}

	/**
	 * The allowance.
	 * @return executions one client may start per minute
	 */
	public int perMinute() {
		return this.perMinute;
	}

	/**
	 * Clients whose bucket is held.
	 * @return the number of buckets
	 */
	public int trackedClients() {
		return this.buckets.size();
	}

	private void sweepIfLarge(long now) {
		long last = this.lastSweep.get();
		if (this.buckets.size() <= SWEEP_THRESHOLD || now - last < SWEEP_INTERVAL_NANOS
				|| !this.lastSweep.compareAndSet(last, now)) {
			return;
		}
		sweep(now);
	}

	/**
	 * Drops the buckets that have refilled, then any excess over {@value #MAX_CLIENTS}.
	 * @param now the clock's time
	 */
	void sweep(long now) {
		this.buckets.entrySet()
			.removeIf((entry) -> entry.getValue().tokensAt(now, this.tokensPerNano, this.perMinute) >= this.perMinute);
		Iterator<String> excess = this.buckets.keySet().iterator();
		while (this.buckets.size() > MAX_CLIENTS && excess.hasNext()) {
			excess.next();
			excess.remove();
		}
	}

	/**
	 * A client's tokens at a time; immutable, so a concurrent sweep removes only a bucket
	 * no start has replaced meanwhile.
	 */
	private record Bucket(double tokens, long at) {

		double tokensAt(long now, double tokensPerNano, int capacity) {
			return Math.min(capacity, this.tokens + Math.max(0, now - this.at) * tokensPerNano);
		}

	}

}
