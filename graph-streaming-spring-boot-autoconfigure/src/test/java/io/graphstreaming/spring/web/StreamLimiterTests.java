package io.graphstreaming.spring.web;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link StreamLimiter}'s total and per-client counts.
 */
class StreamLimiterTests {

	private final StreamLimiter limiter = new StreamLimiter(3, 2, Duration.ofSeconds(2));

	@Test
	void perClientLimitRefusesThatClientOnly() {
		this.limiter.acquire("sse", "a");
		this.limiter.acquire("sse", "a");
		assertThatExceptionOfType(TooManyStreamsException.class).isThrownBy(() -> this.limiter.acquire("sse", "a"))
			.withMessage("Too many concurrent streams for this client: the limit is 2")
			.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(2)));
		this.limiter.acquire("websocket", "b");
		assertThat(this.limiter.openStreams()).isEqualTo(3);
		assertThat(this.limiter.openStreamsOf("a")).isEqualTo(2);
	}

	@Test
	void totalLimitRefusalLeavesTheClientsCountAsItWas() {
		this.limiter.acquire("sse", "a");
		this.limiter.acquire("sse", "b");
		this.limiter.acquire("sse", "c");
		assertThatExceptionOfType(TooManyStreamsException.class).isThrownBy(() -> this.limiter.acquire("sse", "d"))
			.withMessage("Too many concurrent streams: the limit is 3");
		assertThat(this.limiter.openStreamsOf("d")).isZero();
		assertThat(this.limiter.clientsWithStreams()).isEqualTo(3);
	}

	@Test
	void releasingFreesTheClientsSlotAndForgetsAClientWithNoStream() {
		StreamLimiter.Permit first = this.limiter.acquire("sse", "a");
		StreamLimiter.Permit second = this.limiter.acquire("sse", "a");
		first.release();
		first.release();
		assertThat(this.limiter.openStreamsOf("a")).isEqualTo(1);
		this.limiter.acquire("sse", "a").release();
		second.release();
		assertThat(this.limiter.clientsWithStreams()).isZero();
		assertThat(this.limiter.openStreams()).isZero();
		assertThat(this.limiter.openStreams("sse")).isZero();
	}

	@Test
	void permitsWithoutClientCountInTheTotalOnly() {
		this.limiter.acquire("sse");
		this.limiter.acquire("sse");
		this.limiter.acquire("sse");
		assertThat(this.limiter.clientsWithStreams()).isZero();
		assertThatExceptionOfType(TooManyStreamsException.class).isThrownBy(() -> this.limiter.acquire("sse", "a"));
	}

	@Test
	void sessionLimiterNamesWhatItCounts() {
		StreamLimiter sessions = new StreamLimiter(5, 1, Duration.ofSeconds(1), "WebSocket sessions");
		sessions.acquire("websocket", "a");
		assertThatExceptionOfType(TooManyStreamsException.class).isThrownBy(() -> sessions.acquire("websocket", "a"))
			.withMessage("Too many concurrent WebSocket sessions for this client: the limit is 1");
	}

	@Test
	void limitsMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new StreamLimiter(1, 0, Duration.ofSeconds(1)))
			.withMessage("maxPerClient must be strictly positive but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new StreamLimiter(0, Duration.ofSeconds(1)))
			.withMessage("maxConcurrentStreams must be strictly positive but was 0");
	}

}
