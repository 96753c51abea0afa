package io.graphstreaming.spring.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.core.Disposable;

import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.spring.web.HttpTestClient.Reply;
import io.graphstreaming.spring.web.testapp.WebTestApplication;

import static io.graphstreaming.spring.web.AbstractWebTransportTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 429 with {@code Retry-After}: one open stream allowed, three running executions. The
 * disconnect policy is {@code cancel} here, so a stream's disconnect cancels its
 * execution.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.web.max-concurrent-streams=1", "graph.streaming.web.retry-after=2500ms",
				"graph.streaming.execution.max-concurrent=3", "graph.streaming.execution.disconnect-policy=cancel" })
class StreamLimitTests {

	private static final String LONG_RUN = "{\"input\":{\"nodes\":1,\"delayMs\":600000}}";

	@LocalServerPort
	int port;

	@Autowired
	StreamLimiter streamLimiter;

	@Autowired
	ExecutionRegistry executions;

	HttpTestClient client;

	@BeforeEach
	void createClient() {
		this.client = new HttpTestClient(this.port);
	}

	@AfterEach
	void cancelEverything() {
		this.executions.cancelAll("test over");
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.executions.activeCount() == 0 && this.streamLimiter.openStreams() == 0);
	}

	@Test
	void streamOverTheLimitIsRefusedUntilOneCloses() throws Exception {
		CountDownLatch open = new CountDownLatch(1);
		AtomicReference<String> executionId = new AtomicReference<>();
		Disposable first = this.client.frames("POST", "/graphs/synthetic/execute/stream", Map.of(), LONG_RUN,
				(response) -> executionId.set(response.responseHeaders().get("X-Execution-Id")))
			.subscribe((frame) -> open.countDown());
		assertThat(open.await(10, TimeUnit.SECONDS)).isTrue();
		Reply refused = this.client.post("/graphs/demo/execute/stream", "{}");
		assertProblem(refused, 429, "Too Many Requests", "Too many concurrent streams: the limit is 1",
				"/graphs/demo/execute/stream");
		assertThat(refused.header("Retry-After")).isEqualTo("3");
		assertProblem(this.client.get("/graphs/synthetic/executions/" + executionId.get() + "/stream"), 429,
				"Too Many Requests", "the limit is 1", "/graphs/synthetic/executions/" + executionId.get() + "/stream");
		first.dispose();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.streamLimiter.openStreams() == 0);
		Reply accepted = this.client.post("/graphs/demo/execute/stream", "{}");
		assertThat(accepted.status()).isEqualTo(200);
		assertThat(accepted.frames()).hasSize(11);
		assertThat(this.streamLimiter.openStreams()).isZero();
	}

	@Test
	void pollsAreAnsweredWhileTheStreamLimitIsReached() throws Exception {
		CountDownLatch open = new CountDownLatch(1);
		Disposable stream = this.client.frames("POST", "/graphs/synthetic/execute/stream", Map.of(), LONG_RUN,
				(response) -> {
				})
			.subscribe((frame) -> open.countDown());
		assertThat(open.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.streamLimiter.openStreams()).isEqualTo(1);
		Reply started = this.client.post("/graphs/demo/executions", "{}");

		Reply poll = this.client.get(started.header("Location") + "/events?waitMs=5000");

		assertThat(poll.status()).isEqualTo(200);
		assertThat(poll.body()).contains("\"eventType\":\"ExecutionStarted\"");
		stream.dispose();
	}

	@Test
	void disconnectCancelsTheExecutionUnderTheCancelPolicy() throws Exception {
		CountDownLatch open = new CountDownLatch(1);
		AtomicReference<String> executionId = new AtomicReference<>();
		Disposable stream = this.client.frames("POST", "/graphs/synthetic/execute/stream", Map.of(), LONG_RUN,
				(response) -> executionId.set(response.responseHeaders().get("X-Execution-Id")))
			.subscribe((frame) -> open.countDown());
		assertThat(open.await(10, TimeUnit.SECONDS)).isTrue();
		stream.dispose();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.executions.find(executionId.get()).status() == ExecutionStatus.CANCELLED);
		Reply replay = this.client.get("/graphs/synthetic/executions/" + executionId.get() + "/stream");
		assertThat(replay.frames().get(replay.frames().size() - 1).data())
			.contains("\"reason\":\"the last consumer left\"");
	}

	@Test
	void executionOverTheLimitIsRefused() {
		List<Reply> running = List.of(this.client.post("/graphs/synthetic/executions", LONG_RUN),
				this.client.post("/graphs/synthetic/executions", LONG_RUN),
				this.client.post("/graphs/synthetic/executions", LONG_RUN));
		assertThat(running).extracting(Reply::status).containsOnly(202);
		Reply refused = this.client.post("/graphs/synthetic/executions", LONG_RUN);
		assertProblem(refused, 429, "Too Many Requests", "Too many concurrent executions: the limit is 3",
				"/graphs/synthetic/executions");
		assertThat(refused.header("Retry-After")).isEqualTo("3");
		Reply refusedStream = this.client.post("/graphs/synthetic/execute/stream", LONG_RUN);
		assertProblem(refusedStream, 429, "Too Many Requests", "Too many concurrent executions",
				"/graphs/synthetic/execute/stream");
		assertThat(this.streamLimiter.openStreams()).as("the refused stream's permit is given back").isZero();
		assertThat(this.client.delete(running.get(0).header("Location")).status()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.executions.activeCount() == 2);
		assertThat(this.client.post("/graphs/demo/execute", "{}").status()).isEqualTo(200);
	}

}
