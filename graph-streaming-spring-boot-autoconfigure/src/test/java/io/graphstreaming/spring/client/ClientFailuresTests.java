package io.graphstreaming.spring.client;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeoutException;

import io.netty.handler.codec.PrematureChannelClosureException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which failures a reconnect may cure, and how answers are described.
 */
class ClientFailuresTests {

	@Test
	void networkFailuresAnywhereInTheCauseChainAreRetryable() {
		assertThat(ClientFailures.isNetworkFailure(new ConnectException("Connection refused"))).isTrue();
		assertThat(ClientFailures.isNetworkFailure(new IllegalStateException("wrapped", new IOException("reset"))))
			.isTrue();
		assertThat(ClientFailures.isNetworkFailure(new TimeoutException())).isTrue();
		assertThat(ClientFailures.isNetworkFailure(new PrematureChannelClosureException("cut"))).isTrue();
		assertThat(ClientFailures.isNetworkFailure(new ClientFailures.SilenceFailure("silent"))).isTrue();
		assertThat(ClientFailures.isNetworkFailure(new ClientFailures.PrematureEnd("ended"))).isTrue();
	}

	@Test
	void protocolAndProgrammingErrorsAreNotRetryable() {
		assertThat(ClientFailures.isNetworkFailure(new ClientFailures.ProtocolFailure("bad", false))).isFalse();
		assertThat(ClientFailures.isNetworkFailure(new IllegalArgumentException("bug"))).isFalse();
	}

	@Test
	void statusFailuresAreRetryableFor429And5xxOnly() {
		assertThat(new ClientFailures.StatusFailure(429, null, "", false).retryable()).isTrue();
		assertThat(new ClientFailures.StatusFailure(503, null, "", false).retryable()).isTrue();
		assertThat(new ClientFailures.StatusFailure(500, null, "", false).retryable()).isTrue();
		assertThat(new ClientFailures.StatusFailure(400, null, "", false).retryable()).isFalse();
		assertThat(new ClientFailures.StatusFailure(404, null, "", false).retryable()).isFalse();
		assertThat(new ClientFailures.StatusFailure(410, null, "", false).retryable()).isFalse();
	}

	@Test
	void closeCodesOfPolicyAndSizeAreNotRetryable() {
		assertThat(new ClientFailures.CloseFailure(1006, "").retryable()).isTrue();
		assertThat(new ClientFailures.CloseFailure(1011, "").retryable()).isTrue();
		assertThat(new ClientFailures.CloseFailure(1008, "").retryable()).isFalse();
		assertThat(new ClientFailures.CloseFailure(1009, "").retryable()).isFalse();
	}

	@Test
	void retryAfterReadsSecondsAndHttpDates() {
		assertThat(ClientFailures.retryAfter("3")).isEqualTo(Duration.ofSeconds(3));
		assertThat(ClientFailures.retryAfter(" 0 ")).isEqualTo(Duration.ZERO);
		assertThat(ClientFailures.retryAfter(null)).isNull();
		assertThat(ClientFailures.retryAfter("soon")).isNull();
		String inAMinute = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60).format(DateTimeFormatter.RFC_1123_DATE_TIME);
		assertThat(ClientFailures.retryAfter(inAMinute)).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60));
		String past = ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(60).format(DateTimeFormatter.RFC_1123_DATE_TIME);
		assertThat(ClientFailures.retryAfter(past)).isEqualTo(Duration.ZERO);
	}

	@Test
	void problemDetailIsTheDetailOrTheStartOfTheBody() {
		JsonMapper mapper = new JsonMapper();

		assertThat(ClientFailures.problemDetail(mapper, bytes("{\"status\":404,\"detail\":\"No graph 'x'\"}")))
			.isEqualTo("No graph 'x'");
		assertThat(ClientFailures.problemDetail(mapper, bytes("<html>\n  <body>Bad   gateway</body>\n</html>")))
			.isEqualTo("<html> <body>Bad gateway</body> </html>");
		assertThat(ClientFailures.problemDetail(mapper, bytes("x".repeat(300)))).hasSize(200).endsWith("...");
		assertThat(ClientFailures.problemDetail(mapper, new byte[0])).isEmpty();
	}

	@Test
	void describeFallsBackToTheCauseOrTheClassName() {
		assertThat(ClientFailures.describe(new IOException("reset"))).isEqualTo("reset");
		assertThat(ClientFailures.describe(new IllegalStateException(null, new IOException("cause")))).isEqualTo("cause");
		assertThat(ClientFailures.describe(new TimeoutException())).isEqualTo("TimeoutException");
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
