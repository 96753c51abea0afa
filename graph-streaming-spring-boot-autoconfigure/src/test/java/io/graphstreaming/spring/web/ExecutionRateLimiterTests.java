package io.graphstreaming.spring.web;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ExecutionRateLimiter}, on a clock the test moves.
 */
class ExecutionRateLimiterTests {

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	private final ExecutionRateLimiter limiter = new ExecutionRateLimiter(3, this.now::get);

	@Test
	void burstUpToTheAllowanceIsAllowedThenRefusedWithTheWaitForTheNextStart() {
		this.limiter.acquire("a");
		this.limiter.acquire("a");
		this.limiter.acquire("a");
		assertThatExceptionOfType(ExecutionRateExceededException.class).isThrownBy(() -> this.limiter.acquire("a"))
			.withMessage("Too many executions started by this client: the limit is 3 per minute")
			.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(20)));
	}

	@Test
	void startsComeBackAtTheRateOfTheAllowance() {
		exhaust("a");
		advance(Duration.ofSeconds(19));
		assertThatExceptionOfType(ExecutionRateExceededException.class).isThrownBy(() -> this.limiter.acquire("a"))
			.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
		advance(Duration.ofSeconds(1));
		this.limiter.acquire("a");
		assertThatExceptionOfType(ExecutionRateExceededException.class).isThrownBy(() -> this.limiter.acquire("a"));
	}

	@Test
	void eachClientHasItsOwnAllowance() {
		exhaust("a");
		this.limiter.acquire("b");
		this.limiter.acquire("b");
		this.limiter.acquire("b");
		assertThatExceptionOfType(ExecutionRateExceededException.class).isThrownBy(() -> this.limiter.acquire("b"));
	}

	@Test
	void refundGivesTheStartBack() {
		exhaust("a");
		this.limiter.refund("a");
		this.limiter.acquire("a");
		assertThatExceptionOfType(ExecutionRateExceededException.class).isThrownBy(() -> this.limiter.acquire("a"));
	}

	@Test
	void aClientBackToItsFullAllowanceIsForgotten() {
		this.limiter.acquire("a");
		this.limiter.refund("a");
		assertThat(this.limiter.trackedClients()).isZero();
	}

	@Test
	void refilledBucketsAreSweptSoMemoryFollowsTheClientsStillRefilling() {
		int clients = ExecutionRateLimiter.SWEEP_THRESHOLD + 500;
		for (int i = 0; i < clients; i++) {
			this.limiter.acquire("client-" + i);
		}
		assertThat(this.limiter.trackedClients()).isEqualTo(clients);
		advance(Duration.ofSeconds(10));
		this.limiter.acquire("late");
		assertThat(this.limiter.trackedClients()).as("nothing has refilled yet").isEqualTo(clients + 1);
		advance(Duration.ofSeconds(50));
		this.limiter.acquire("latest");
		assertThat(this.limiter.trackedClients()).as("every bucket but the newest has refilled (one start: 20 s)")
			.isEqualTo(1);
	}

	@Test
	void aSweptClientStillHasItsFullAllowance() {
		exhaust("a");
		advance(Duration.ofMinutes(1));
		this.limiter.sweep(this.now.get());
		assertThat(this.limiter.trackedClients()).isZero();
		exhaust("a");
	}

	@Test
	void allowanceMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ExecutionRateLimiter(0))
			.withMessage("perMinute must be strictly positive but was 0");
	}

	private void exhaust(String client) {
		for (int i = 0; i < this.limiter.perMinute(); i++) {
			this.limiter.acquire(client);
		}
		assertThatExceptionOfType(ExecutionRateExceededException.class).isThrownBy(() -> this.limiter.acquire(client));
	}

	private void advance(Duration duration) {
		this.now.addAndGet(duration.toNanos());
	}

}
