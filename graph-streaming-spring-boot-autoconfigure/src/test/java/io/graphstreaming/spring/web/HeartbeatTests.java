package io.graphstreaming.spring.web;

import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.graphstreaming.spring.web.HttpTestClient.Reply;
import io.graphstreaming.spring.web.HttpTestClient.SseFrame;
import io.graphstreaming.spring.web.testapp.WebTestApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heartbeat comments on idle SSE streams ({@code synthetic} has heartbeats every 100 ms
 * here; {@code demo} keeps the default, none).
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.graphs.synthetic.heartbeat.enabled=true",
				"graph.streaming.graphs.synthetic.heartbeat.interval=100ms" })
class HeartbeatTests {

	private static final String IDLE_RUN = "{\"input\":{\"nodes\":2,\"delayMs\":500}}";

	@LocalServerPort
	int port;

	HttpTestClient client;

	@BeforeEach
	void createClient() {
		this.client = new HttpTestClient(this.port);
	}

	@Test
	void idleStreamGetsHeartbeatCommentsBetweenEvents() {
		Reply reply = this.client.post("/graphs/synthetic/execute/stream", IDLE_RUN);
		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.body()).contains("\n\n: heartbeat\n\n");
		List<SseFrame> frames = reply.frames();
		List<SseFrame> heartbeats = frames.stream().filter(SseFrame::isComment).toList();
		List<SseFrame> events = frames.stream().filter((frame) -> !frame.isComment()).toList();
		// A second of idle time at a 100 ms interval.
		assertThat(heartbeats).hasSizeGreaterThanOrEqualTo(2).allSatisfy((frame) -> {
			assertThat(frame.comment()).isEqualTo("heartbeat");
			assertThat(frame.id()).isNull();
			assertThat(frame.data()).isNull();
		});
		assertThat(events).extracting(SseFrame::sequence)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, 12).boxed().toList());
		assertThat(frames.get(frames.size() - 1).event()).isEqualTo("ExecutionCompleted");
	}

	@Test
	void ndjsonStreamsGetNoHeartbeats() {
		Reply reply = this.client.exchange("POST", "/graphs/synthetic/execute/stream",
				AbstractWebTransportTests.header("Accept", "application/x-ndjson"), IDLE_RUN)
			.block(HttpTestClient.TIMEOUT);
		assertThat(reply.body().split("\n")).hasSize(12).allSatisfy((line) -> assertThat(line).startsWith("{"));
	}

	@Test
	void graphsWithoutHeartbeatsGetNone() {
		assertThat(this.client.post("/graphs/demo/execute/stream", "{}").body()).doesNotContain(": heartbeat");
	}

}
