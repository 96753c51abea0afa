package io.graphstreaming.spring.client;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.options.CompressionAlgorithm;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The builder: defaults, every setter, and validation.
 */
class GraphStreamClientBuilderTests {

	@Test
	void defaults() {
		GraphStreamClient client = GraphStreamClient.builder().baseUrl("http://localhost:8080/graphs/").build();
		ClientSettings settings = client.settings();

		assertThat(client.baseUrl()).isEqualTo("http://localhost:8080/graphs");
		assertThat(client.connectionType()).isEqualTo(ConnectionType.AUTO);
		assertThat(client.options("any").enableAutoReconnect()).isFalse();
		assertThat(settings.heartbeatSilenceFactor()).isEqualTo(3);
		assertThat(settings.jitter()).isEqualTo(ReconnectJitter.FULL);
		assertThat(settings.pollWait()).isEqualTo(Duration.ofSeconds(10));
		assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(settings.webSocketCompression()).isEqualTo(CompressionAlgorithm.NONE);
		assertThat(settings.webSocketSpec().handlePing()).isTrue();
		assertThat(settings.webSocketSpec().maxFramePayloadLength())
			.isEqualTo(GraphStreamClient.Builder.DEFAULT_MAX_FRAME_PAYLOAD);
		assertThat(settings.timer()).isSameAs(Schedulers.parallel());
		assertThat(settings.address()).isEqualTo("localhost:8080");
		assertThat(settings.url("my graph", "executions")).isEqualTo("http://localhost:8080/graphs/my%20graph/executions");
		assertThat(settings.webSocketUrl("demo")).isEqualTo("ws://localhost:8080/graphs/demo/ws");
	}

	@Test
	void everySetterIsApplied() {
		StreamingExecutionOptions options = StreamingExecutionOptions.builder().withAutoReconnect(true).build();
		JsonMapper mapper = new JsonMapper();
		AtomicInteger customized = new AtomicInteger();
		GraphStreamClient client = GraphStreamClient.builder()
			.baseUrl("https://example.com/api/graphs")
			.connectionType(ConnectionType.POLLING)
			.options(options)
			.heartbeatSilenceFactor(4.5)
			.jitter(ReconnectJitter.DECORRELATED)
			.httpCompression(false)
			.webSocketCompression(CompressionAlgorithm.GZIP)
			.pollWait(Duration.ofSeconds(3))
			.requestTimeout(Duration.ofSeconds(7))
			.httpClient(HttpClient.create())
			.httpClient((http) -> {
				customized.incrementAndGet();
				return http;
			})
			.webSocket((spec) -> spec.maxFramePayloadLength(1024).handlePing(false))
			.jsonMapper(mapper)
			.timer(Schedulers.single())
			.build();
		ClientSettings settings = client.settings();

		assertThat(client.connectionType()).isEqualTo(ConnectionType.POLLING);
		assertThat(client.options("any")).isSameAs(options);
		assertThat(settings.heartbeatSilenceFactor()).isEqualTo(4.5);
		assertThat(settings.silenceTimeout(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(450));
		assertThat(settings.jitter()).isEqualTo(ReconnectJitter.DECORRELATED);
		assertThat(settings.webSocketCompression()).isEqualTo(CompressionAlgorithm.GZIP);
		assertThat(settings.pollWait()).isEqualTo(Duration.ofSeconds(3));
		assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(7));
		assertThat(customized).hasValue(1);
		assertThat(settings.webSocketSpec().maxFramePayloadLength()).isEqualTo(1024);
		assertThat(settings.webSocketSpec().handlePing()).as("pings are always handed to the client").isTrue();
		assertThat(settings.mapper()).isSameAs(mapper);
		assertThat(settings.timer()).isSameAs(Schedulers.single());
		assertThat(settings.address()).isEqualTo("example.com:443");
		assertThat(settings.webSocketUrl("demo")).isEqualTo("wss://example.com/api/graphs/demo/ws");
	}

	@Test
	void perGraphOptionsAreLookedUpByGraphId() {
		StreamingExecutionOptions fast = StreamingExecutionOptions.builder().withAutoReconnect(true).build();
		GraphStreamClient client = GraphStreamClient.builder()
			.baseUrl("http://localhost:8080/graphs")
			.options((graphId) -> graphId.equals("fast") ? fast : StreamingExecutionOptions.defaults())
			.build();

		assertThat(client.options("fast")).isSameAs(fast);
		assertThat(client.options("other").enableAutoReconnect()).isFalse();
	}

	@Test
	void baseUrlIsRequiredAndMustBeAbsoluteHttp() {
		assertThatIllegalStateException().isThrownBy(() -> GraphStreamClient.builder().build())
			.withMessage("baseUrl is required, such as http://localhost:8080/graphs");
		assertThatIllegalArgumentException().isThrownBy(() -> GraphStreamClient.builder().baseUrl("/graphs"))
			.withMessage("baseUrl must be an absolute http or https URL, such as http://localhost:8080/graphs, "
					+ "but was '/graphs'");
		assertThatIllegalArgumentException().isThrownBy(() -> GraphStreamClient.builder().baseUrl("ws://host/graphs"))
			.withMessageStartingWith("baseUrl must be an absolute http or https URL");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> GraphStreamClient.builder().baseUrl("http://host/graphs?x=1"))
			.withMessage("baseUrl must not have a query or fragment but was 'http://host/graphs?x=1'");
		assertThatIllegalArgumentException().isThrownBy(() -> GraphStreamClient.builder().baseUrl("http://a b"))
			.withMessageStartingWith("baseUrl is not a URL: ");
	}

	@Test
	void settersValidateTheirArguments() {
		GraphStreamClient.Builder builder = GraphStreamClient.builder();

		assertThatIllegalArgumentException().isThrownBy(() -> builder.heartbeatSilenceFactor(2))
			.withMessage("heartbeatSilenceFactor must be greater than 2 (heartbeats of an idle stream may be two "
					+ "intervals apart) but was 2.0");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.heartbeatSilenceFactor(Double.NaN))
			.withMessageStartingWith("heartbeatSilenceFactor must be greater than 2");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.pollWait(Duration.ZERO))
			.withMessage("pollWait must be at least 1ms but was PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.requestTimeout(Duration.ofNanos(10)))
			.withMessage("requestTimeout must be at least 1ms but was PT0.00000001S");
	}

	@Test
	void attachRejectsANegativeSequence() {
		GraphStreamClient client = GraphStreamClient.builder().baseUrl("http://localhost:8080/graphs").build();

		assertThatIllegalArgumentException().isThrownBy(() -> client.attach("g", "e", -1))
			.withMessage("afterSequence must be >= 0 but was -1");
	}

}
