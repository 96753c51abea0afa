package io.graphstreaming.core.codec;

import java.util.Objects;

import io.graphstreaming.core.options.StreamingExecutionOptions;

/**
 * Decides, event by event, whether a serialized event is worth compressing. One policy
 * serves one stream (an HTTP response, a WebSocket session), so each stream adapts to
 * what it carries; its methods are synchronized, so a policy may also be shared.
 *
 * <p><b>Fixed</b> (adaptive compression off): an event of {@code n} bytes is compressed
 * exactly when {@code n >= compressionThresholdBytes}.
 *
 * <p><b>Adaptive</b>: the policy keeps an <em>effective threshold</em> {@code t}, starting
 * at {@code compressionThresholdBytes} clamped into {@code [minThreshold, maxThreshold]},
 * and a window of the savings ratios {@code 1 - compressed/original} of the last events it
 * compressed. It is deterministic: the same sizes and savings always give the same
 * decisions.
 * <ul>
 * <li>An event below {@code minThreshold} is never compressed (and never measured).</li>
 * <li>An event of at least {@code t} is compressed, unless compression is paused.</li>
 * <li>Any other event of at least {@code minThreshold} is a probe candidate: every
 * {@value #PROBE_INTERVAL}th of them is compressed anyway, so that the policy keeps
 * measuring what it no longer compresses and can find its way back.</li>
 * <li>Each compressed event adds its savings to the window. When the window holds
 * {@code windowSize} samples, their mean is compared with {@code minSavingsRatio} and the
 * window starts empty again (one decision per window, so the threshold moves at most one
 * step per {@code windowSize} compressed events):
 * <ul>
 * <li>below it: {@code t} doubles, up to {@code maxThreshold}; if {@code t} was already
 * {@code maxThreshold}, compression <em>pauses</em>: then only probes are compressed;</li>
 * <li>at or above it: a pause ends, and {@code t} halves, down to {@code minThreshold}.</li>
 * </ul>
 * </li>
 * </ul>
 */
public final class CompressionPolicy {

	/** Every this many skipped events of at least the minimum threshold, one is probed. */
	public static final int PROBE_INTERVAL = 10;

	private final boolean adaptive;

	private final int fixedThreshold;

	private final int windowSize;

	private final double minSavingsRatio;

	private final int minThreshold;

	private final int maxThreshold;

	private int threshold;

	private boolean paused;

	private int samples;

	private double savingsSum;

	private int skippedSinceProbe;

	private CompressionPolicy(boolean adaptive, int threshold, int windowSize, double minSavingsRatio,
			int minThreshold, int maxThreshold) {
		this.adaptive = adaptive;
		this.fixedThreshold = threshold;
		this.windowSize = windowSize;
		this.minSavingsRatio = minSavingsRatio;
		this.minThreshold = minThreshold;
		this.maxThreshold = maxThreshold;
		this.threshold = adaptive ? Math.max(minThreshold, Math.min(maxThreshold, threshold)) : threshold;
	}

	/**
	 * The policy the options describe: adaptive when
	 * {@link StreamingExecutionOptions#enableAdaptiveCompression()}, otherwise fixed at
	 * {@link StreamingExecutionOptions#compressionThresholdBytes()}.
	 * @param options the options
	 * @return a new policy
	 */
	public static CompressionPolicy of(StreamingExecutionOptions options) {
		Objects.requireNonNull(options, "options");
		if (!options.enableAdaptiveCompression()) {
			return fixed(options.compressionThresholdBytes());
		}
		return adaptive(options.compressionThresholdBytes(), options.adaptiveCompressionWindowSize(),
				options.adaptiveCompressionMinSavingsRatio(), options.adaptiveCompressionMinThresholdBytes(),
				options.adaptiveCompressionMaxThresholdBytes());
	}

	/**
	 * A fixed threshold.
	 * @param thresholdBytes events of at least this many bytes are compressed; zero or more
	 * @return a new policy
	 * @throws IllegalArgumentException if negative
	 */
	public static CompressionPolicy fixed(int thresholdBytes) {
		if (thresholdBytes < 0) {
			throw new IllegalArgumentException("thresholdBytes must be >= 0 but was " + thresholdBytes);
		}
		return new CompressionPolicy(false, thresholdBytes, 1, 0, thresholdBytes, thresholdBytes);
	}

	/**
	 * An adaptive threshold.
	 * @param initialThresholdBytes the starting threshold, clamped into the range
	 * @param windowSize compressed events per decision, strictly positive
	 * @param minSavingsRatio the mean savings below which the threshold rises, in [0, 1)
	 * @param minThresholdBytes the lowest threshold, and the size below which nothing is
	 * compressed; zero or more
	 * @param maxThresholdBytes the highest threshold, at least the minimum
	 * @return a new policy
	 * @throws IllegalArgumentException for a value out of range
	 */
	public static CompressionPolicy adaptive(int initialThresholdBytes, int windowSize, double minSavingsRatio,
			int minThresholdBytes, int maxThresholdBytes) {
		if (windowSize <= 0) {
			throw new IllegalArgumentException("windowSize must be strictly positive but was " + windowSize);
		}
		if (!(minSavingsRatio >= 0.0 && minSavingsRatio < 1.0)) {
			throw new IllegalArgumentException("minSavingsRatio must be in [0, 1) but was " + minSavingsRatio);
		}
		if (minThresholdBytes < 0 || maxThresholdBytes < minThresholdBytes) {
			throw new IllegalArgumentException("need 0 <= minThresholdBytes <= maxThresholdBytes but got "
					+ minThresholdBytes + " and " + maxThresholdBytes);
		}
		return new CompressionPolicy(true, initialThresholdBytes, windowSize, minSavingsRatio, minThresholdBytes,
				maxThresholdBytes);
	}

	/**
	 * Whether to compress an event; call {@link #recordCompressed(int, int)} after each
	 * event compressed on a {@code true}.
	 * @param serializedBytes the size of the event's serialized form
	 * @return {@code true} to compress it
	 */
	public synchronized boolean shouldCompress(int serializedBytes) {
		if (!this.adaptive) {
			return serializedBytes >= this.fixedThreshold;
		}
		if (serializedBytes < this.minThreshold) {
			return false;
		}
		if (!this.paused && serializedBytes >= this.threshold) {
			return true;
		}
		if (++this.skippedSinceProbe >= PROBE_INTERVAL) {
			this.skippedSinceProbe = 0;
			return true;
		}
		return false;
	}

	/**
	 * Reports the result of compressing an event (ignored by a fixed policy).
	 * @param originalBytes the size before
	 * @param compressedBytes the size after
	 */
	public synchronized void recordCompressed(int originalBytes, int compressedBytes) {
		if (!this.adaptive || originalBytes <= 0) {
			return;
		}
		this.savingsSum += 1.0 - ((double) compressedBytes / originalBytes);
		if (++this.samples < this.windowSize) {
			return;
		}
		double mean = this.savingsSum / this.samples;
		this.samples = 0;
		this.savingsSum = 0;
		if (mean < this.minSavingsRatio) {
			if (this.threshold >= this.maxThreshold) {
				this.paused = true;
			}
			else {
				this.threshold = (int) Math.min(this.maxThreshold, 2L * Math.max(1, this.threshold));
			}
		}
		else {
			this.paused = false;
			this.threshold = Math.max(this.minThreshold, this.threshold / 2);
		}
	}

	/**
	 * The size from which events are compressed now.
	 * @return bytes
	 */
	public synchronized int effectiveThreshold() {
		return this.adaptive ? this.threshold : this.fixedThreshold;
	}

	/**
	 * Whether adaptive compression is paused (only probes are compressed).
	 * @return the pause state, always {@code false} for a fixed policy
	 */
	public synchronized boolean isPaused() {
		return this.paused;
	}

	/**
	 * Whether the threshold adapts.
	 * @return {@code true} for an adaptive policy
	 */
	public boolean isAdaptive() {
		return this.adaptive;
	}

	@Override
	public synchronized String toString() {
		return this.adaptive ? "CompressionPolicy[adaptive, threshold=" + this.threshold + ", paused=" + this.paused
				+ "]" : "CompressionPolicy[fixed, threshold=" + this.fixedThreshold + "]";
	}

}
