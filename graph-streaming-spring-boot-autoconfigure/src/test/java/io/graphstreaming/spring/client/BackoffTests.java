package io.graphstreaming.spring.client;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reconnect delays: exponential, jittered, between the initial and the maximum delay.
 */
class BackoffTests {

	private static final Duration INITIAL = Duration.ofMillis(100);

	private static final Duration MAX = Duration.ofSeconds(2);

	@Test
	void fullJitterStaysBetweenTheInitialDelayAndTheDoubledCeiling() {
		Backoff backoff = new Backoff(INITIAL, MAX, ReconnectJitter.FULL);
		for (int round = 0; round < 200; round++) {
			for (int attempt = 1; attempt <= 8; attempt++) {
				long ceiling = Math.min(MAX.toMillis(), INITIAL.toMillis() << attempt);
				assertThat(backoff.next(attempt)).as("attempt %d", attempt)
					.isBetween(INITIAL, Duration.ofMillis(ceiling));
			}
		}
	}

	@Test
	void fullJitterSpreadsDelays() {
		Backoff backoff = new Backoff(INITIAL, MAX, ReconnectJitter.FULL);
		long distinct = java.util.stream.IntStream.range(0, 50).mapToObj((i) -> backoff.next(3)).distinct().count();

		assertThat(distinct).isGreaterThan(10);
	}

	@Test
	void decorrelatedJitterGrowsFromThePreviousDelayAndIsCapped() {
		Backoff backoff = new Backoff(INITIAL, MAX, ReconnectJitter.DECORRELATED);
		for (int round = 0; round < 200; round++) {
			Duration previous = INITIAL;
			for (int attempt = 1; attempt <= 10; attempt++) {
				Duration delay = backoff.next(attempt);
				Duration ceiling = previous.multipliedBy(3).compareTo(MAX) < 0 ? previous.multipliedBy(3) : MAX;
				assertThat(delay).isBetween(INITIAL, ceiling);
				previous = delay;
			}
			backoff.reset();
		}
	}

	@Test
	void hugeAttemptNumbersStayAtTheMaximum() {
		Backoff backoff = new Backoff(INITIAL, MAX, ReconnectJitter.FULL);

		assertThat(backoff.next(Integer.MAX_VALUE)).isBetween(INITIAL, MAX);
	}

	@Test
	void equalInitialAndMaximumGiveThatDelay() {
		Backoff backoff = new Backoff(INITIAL, INITIAL, ReconnectJitter.DECORRELATED);

		assertThat(backoff.next(1)).isEqualTo(INITIAL);
		assertThat(backoff.next(5)).isEqualTo(INITIAL);
	}

}
