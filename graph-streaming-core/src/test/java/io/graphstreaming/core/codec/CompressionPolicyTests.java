package io.graphstreaming.core.codec;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.graphstreaming.core.options.CompressionAlgorithm;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The compression policy: a fixed threshold compresses exactly the events at or above
 * it; an adaptive one moves its threshold, pauses and comes back exactly as documented,
 * on a compressible, then incompressible, then compressible sequence of real events.
 */
class CompressionPolicyTests {

	private static final int SIZE = 4096;

	@Test
	void fixedThresholdCompressesEventsAtOrAboveIt() {
		CompressionPolicy policy = CompressionPolicy.fixed(1000);

		assertThat(policy.shouldCompress(999)).isFalse();
		assertThat(policy.shouldCompress(1000)).isTrue();
		assertThat(policy.shouldCompress(1001)).isTrue();
		for (int i = 0; i < 100; i++) {
			policy.recordCompressed(1000, 990);
		}
		assertThat(policy.shouldCompress(1000)).as("a fixed policy does not adapt").isTrue();
		assertThat(policy.effectiveThreshold()).isEqualTo(1000);
		assertThat(policy.isAdaptive()).isFalse();
		assertThat(policy.isPaused()).isFalse();
		assertThat(CompressionPolicy.fixed(0).shouldCompress(0)).isTrue();
	}

	@Test
	void optionsChooseTheFixedOrTheAdaptivePolicy() {
		StreamingExecutionOptions fixed = StreamingExecutionOptions.builder()
			.withCompression(CompressionAlgorithm.GZIP)
			.withCompressionThreshold(512)
			.build();
		StreamingExecutionOptions adaptive = fixed.configure().withAdaptiveCompression(true, 4, 0.1, 1024, 8192).build();

		assertThat(CompressionPolicy.of(fixed).isAdaptive()).isFalse();
		assertThat(CompressionPolicy.of(fixed).effectiveThreshold()).isEqualTo(512);
		assertThat(CompressionPolicy.of(adaptive).isAdaptive()).isTrue();
		assertThat(CompressionPolicy.of(adaptive).effectiveThreshold()).as("512 clamped to the minimum")
			.isEqualTo(1024);
	}

	@Test
	void adaptiveThresholdFollowsCompressibleIncompressibleCompressibleEvents() {
		CompressionPolicy policy = CompressionPolicy.adaptive(2048, 4, 0.1, 1024, 8192);
		CompressionCodec gzip = GzipCodec.DEFAULT;
		List<Integer> thresholds = new ArrayList<>();
		List<Boolean> decisions = new ArrayList<>();
		Runnable compressible = () -> offer(policy, gzip, CompressionCodecTests.eventJson(SIZE), thresholds,
				decisions);
		Runnable incompressible = () -> offer(policy, gzip, CompressionCodecTests.random(SIZE), thresholds,
				decisions);

		// Compressible: 4 events of 4 KiB >= 2048 are compressed; one good window halves to the minimum.
		repeat(4, compressible);
		assertThat(thresholds).containsExactly(2048, 2048, 2048, 1024);
		repeat(4, compressible);
		assertThat(policy.effectiveThreshold()).as("never below the minimum").isEqualTo(1024);

		// Incompressible: each bad window of 4 doubles the threshold: 2048, 4096, 8192.
		thresholds.clear();
		repeat(12, incompressible);
		assertThat(thresholds).containsExactly(1024, 1024, 1024, 2048, 2048, 2048, 2048, 4096, 4096, 4096, 4096,
				8192);
		assertThat(policy.isPaused()).isFalse();

		// 4 KiB events are now below the threshold: only every 10th is compressed, as a probe.
		decisions.clear();
		repeat(40, incompressible);
		assertThat(indexesOf(decisions, true)).containsExactly(9, 19, 29, 39);
		assertThat(policy.isPaused()).as("a bad window at the maximum pauses").isTrue();
		assertThat(policy.effectiveThreshold()).isEqualTo(8192);
		assertThat(policy.shouldCompress(100_000)).as("paused: even large events are not compressed").isFalse();

		// Compressible again: probes see good savings; the pause ends and the threshold halves per window.
		decisions.clear();
		thresholds.clear();
		repeat(39, compressible);
		assertThat(indexesOf(decisions, true)).as("probes continue the count").containsExactly(8, 18, 28, 38);
		assertThat(policy.isPaused()).isFalse();
		assertThat(policy.effectiveThreshold()).isEqualTo(4096);
		thresholds.clear();
		decisions.clear();
		repeat(8, compressible);
		assertThat(decisions).as("4 KiB >= 4096: compressed again").containsOnly(true);
		assertThat(thresholds).containsExactly(4096, 4096, 4096, 2048, 2048, 2048, 2048, 1024);
	}

	@Test
	void eventsBelowTheMinimumAreNeverCompressedNorProbed() {
		CompressionPolicy policy = CompressionPolicy.adaptive(4096, 2, 0.1, 1024, 8192);

		for (int i = 0; i < 100; i++) {
			assertThat(policy.shouldCompress(1023)).isFalse();
		}
		assertThat(policy.shouldCompress(4096)).isTrue();
	}

	@Test
	void adaptiveArgumentsAreValidated() {
		assertThatIllegalArgumentException().isThrownBy(() -> CompressionPolicy.adaptive(1, 0, 0.1, 1, 2))
			.withMessage("windowSize must be strictly positive but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> CompressionPolicy.adaptive(1, 1, 1.0, 1, 2))
			.withMessage("minSavingsRatio must be in [0, 1) but was 1.0");
		assertThatIllegalArgumentException().isThrownBy(() -> CompressionPolicy.adaptive(1, 1, 0.1, 3, 2))
			.withMessage("need 0 <= minThresholdBytes <= maxThresholdBytes but got 3 and 2");
		assertThatIllegalArgumentException().isThrownBy(() -> CompressionPolicy.fixed(-1))
			.withMessage("thresholdBytes must be >= 0 but was -1");
	}

	/**
	 * Offers one event: records the threshold after it and whether it was compressed.
	 */
	private static void offer(CompressionPolicy policy, CompressionCodec codec, byte[] event,
			List<Integer> thresholds, List<Boolean> decisions) {
		boolean compress = policy.shouldCompress(event.length);
		if (compress) {
			policy.recordCompressed(event.length, codec.compress(event).length);
		}
		decisions.add(compress);
		thresholds.add(policy.effectiveThreshold());
	}

	private static void repeat(int times, Runnable action) {
		for (int i = 0; i < times; i++) {
			action.run();
		}
	}

	private static List<Integer> indexesOf(List<Boolean> values, boolean value) {
		List<Integer> indexes = new ArrayList<>();
		for (int i = 0; i < values.size(); i++) {
			if (values.get(i) == value) {
				indexes.add(i);
			}
		}
		return indexes;
	}

}
