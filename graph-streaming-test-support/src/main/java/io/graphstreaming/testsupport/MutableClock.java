package io.graphstreaming.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock a test moves by hand, so that retention, open circuit breakers and other waits
 * pass without sleeping: fixed at an instant and moved by {@link #set} or
 * {@link #advance}, or following the system clock plus what the test advanced it by (for
 * code that compares this clock with timestamps taken from the system clock).
 * Thread-safe; UTC.
 */
public final class MutableClock extends Clock {

	private static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

	private volatile Instant fixed;

	private volatile Duration offset = Duration.ZERO;

	private MutableClock(Instant fixed) {
		this.fixed = fixed;
	}

	/**
	 * A clock fixed at 2025-01-01T00:00:00Z until moved.
	 */
	public MutableClock() {
		this(DEFAULT_START);
	}

	/**
	 * A clock fixed at an instant until moved.
	 * @param start the instant
	 * @return the clock
	 */
	public static MutableClock at(Instant start) {
		return new MutableClock(Objects.requireNonNull(start, "start"));
	}

	/**
	 * A clock that follows the system clock, ahead of it by what the test advances it by.
	 * @return the clock
	 */
	public static MutableClock ofSystem() {
		return new MutableClock(null);
	}

	/**
	 * Fixes the clock at an instant.
	 * @param instant the instant
	 */
	public void set(Instant instant) {
		this.fixed = Objects.requireNonNull(instant, "instant");
		this.offset = Duration.ZERO;
	}

	/**
	 * Moves the clock forward (or back, with a negative duration).
	 * @param duration how far
	 */
	public synchronized void advance(Duration duration) {
		this.offset = this.offset.plus(duration);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	@Override
	public Instant instant() {
		Instant base = this.fixed;
		return ((base != null) ? base : Instant.now()).plus(this.offset);
	}

}
