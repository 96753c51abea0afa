package io.graphstreaming.core.metrics;

import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Records durations into a {@link DurationHistogram} from any number of threads without
 * locking.
 */
final class DurationRecorder {

	private static final long[] BOUND_NANOS = DurationHistogram.BOUNDS.stream().mapToLong(Duration::toNanos).toArray();

	private final LongAdder count = new LongAdder();

	private final LongAdder totalNanos = new LongAdder();

	private final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);

	/** Per bucket, not cumulative: the durations above the previous bound and at most this one. */
	private final LongAdder[] buckets = new LongAdder[BOUND_NANOS.length];

	DurationRecorder() {
		for (int i = 0; i < this.buckets.length; i++) {
			this.buckets[i] = new LongAdder();
		}
	}

	void record(Duration duration) {
		long nanos = saturatedNanos(duration);
		this.count.increment();
		this.totalNanos.add(nanos);
		this.maxNanos.accumulate(nanos);
		for (int i = 0; i < BOUND_NANOS.length; i++) {
			if (nanos <= BOUND_NANOS[i]) {
				this.buckets[i].increment();
				return;
			}
		}
	}

	DurationHistogram snapshot() {
		SortedMap<Duration, Long> cumulative = new TreeMap<>();
		List<Duration> bounds = DurationHistogram.BOUNDS;
		long below = 0;
		for (int i = 0; i < BOUND_NANOS.length; i++) {
			below += this.buckets[i].sum();
			cumulative.put(bounds.get(i), below);
		}
		return new DurationHistogram(this.count.sum(), Duration.ofNanos(this.totalNanos.sum()),
				Duration.ofNanos(this.maxNanos.get()), cumulative);
	}

	private static long saturatedNanos(Duration duration) {
		if (duration.isNegative()) {
			return 0;
		}
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

}
