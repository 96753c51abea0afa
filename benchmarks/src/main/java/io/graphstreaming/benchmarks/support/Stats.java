package io.graphstreaming.benchmarks.support;

import java.util.Arrays;
import java.util.Locale;

/**
 * Percentiles of a sample of durations in nanoseconds.
 */
public final class Stats {

	private final long[] sorted;

	private Stats(long[] sorted) {
		this.sorted = sorted;
	}

	/**
	 * Sorts a copy of the first {@code count} values.
	 * @param values the values, nanoseconds
	 * @param count how many are valid
	 * @return the statistics
	 */
	public static Stats of(long[] values, int count) {
		long[] copy = Arrays.copyOf(values, count);
		Arrays.sort(copy);
		return new Stats(copy);
	}

	/**
	 * The sample size.
	 * @return the count
	 */
	public int count() {
		return this.sorted.length;
	}

	/**
	 * A percentile (nearest rank).
	 * @param percent 0 to 100
	 * @return nanoseconds
	 */
	public long percentile(double percent) {
		if (this.sorted.length == 0) {
			return 0;
		}
		int rank = (int) Math.ceil(percent / 100.0 * this.sorted.length);
		return this.sorted[Math.max(0, Math.min(this.sorted.length - 1, rank - 1))];
	}

	/**
	 * The largest value.
	 * @return nanoseconds
	 */
	public long max() {
		return (this.sorted.length == 0) ? 0 : this.sorted[this.sorted.length - 1];
	}

	/**
	 * A duration for humans: µs below 10 ms, ms above.
	 * @param nanos nanoseconds
	 * @return the text
	 */
	public static String format(long nanos) {
		if (nanos < 10_000_000) {
			return String.format(Locale.ROOT, "%.0f µs", nanos / 1_000.0);
		}
		return String.format(Locale.ROOT, "%.1f ms", nanos / 1_000_000.0);
	}

	/**
	 * p50 / p99 / p99.9 / max as text.
	 * @return the text
	 */
	public String summary() {
		return format(percentile(50)) + " | " + format(percentile(99)) + " | " + format(percentile(99.9)) + " | "
				+ format(max());
	}

}
