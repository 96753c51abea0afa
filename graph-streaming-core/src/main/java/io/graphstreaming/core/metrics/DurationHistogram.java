package io.graphstreaming.core.metrics;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A snapshot of recorded durations, as {@link InMemoryStreamingMetrics} keeps them: how
 * many, their sum and maximum, and a cumulative histogram over the fixed
 * {@link #BOUNDS} (how many took at most each bound; those above the last bound are only
 * in {@link #count()}).
 *
 * @param count how many durations were recorded
 * @param total their sum
 * @param max the longest, {@link Duration#ZERO} when none
 * @param buckets for each bound of {@link #BOUNDS}, how many durations were at or below
 * it; unmodifiable, in ascending order
 */
public record DurationHistogram(long count, Duration total, Duration max, SortedMap<Duration, Long> buckets) {

	/** The upper bounds of the histogram's buckets, from 1 ms to 1 minute. */
	public static final List<Duration> BOUNDS = List.of(Duration.ofMillis(1), Duration.ofMillis(5),
			Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500),
			Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
			Duration.ofMinutes(1));

	private static final DurationHistogram EMPTY = new DurationHistogram(0, Duration.ZERO, Duration.ZERO,
			emptyBuckets());

	public DurationHistogram {
		Objects.requireNonNull(total, "total");
		Objects.requireNonNull(max, "max");
		buckets = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(buckets, "buckets")));
	}

	/**
	 * The histogram of nothing recorded.
	 * @return an empty histogram, with every bucket at 0
	 */
	public static DurationHistogram empty() {
		return EMPTY;
	}

	/**
	 * The mean duration.
	 * @return {@code total / count}, or {@link Duration#ZERO} when nothing was recorded
	 */
	public Duration mean() {
		return (this.count == 0) ? Duration.ZERO : this.total.dividedBy(this.count);
	}

	private static SortedMap<Duration, Long> emptyBuckets() {
		SortedMap<Duration, Long> buckets = new TreeMap<>();
		for (Duration bound : BOUNDS) {
			buckets.put(bound, 0L);
		}
		return buckets;
	}

}
