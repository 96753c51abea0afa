package io.graphstreaming.spring.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.spring.web.HttpTestClient.Reply;
import io.graphstreaming.spring.web.HttpTestClient.SseFrame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SSE and NDJSON streaming over a real connection: exact frames, filters, resume after a
 * forced disconnect, cancellation and many concurrent streams.
 */
class SseStreamingTests extends AbstractWebTransportTests {

	private static final String SYNTHETIC_STREAM = "/graphs/synthetic/execute/stream";

	@Test
	void postStreamWritesTheContractFramesAndEnds() {
		Reply reply = this.client.post("/graphs/demo/execute/stream", "{\"input\":{\"name\":\"Ada\"}}");
		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.header("Content-Type")).isEqualTo("text/event-stream");
		assertThat(reply.header("Cache-Control")).isEqualTo("no-cache");
		assertThat(reply.header("X-Accel-Buffering")).isEqualTo("no");
		String id = reply.header("X-Execution-Id");
		assertThat(id).matches("[0-9a-f-]{36}");
		assertThat(normalize(reply.body(), id)).isEqualTo("""
				id: <id>:1
				event: ExecutionStarted
				data: {"eventType":"ExecutionStarted","executionId":"<id>","graphId":"demo","sequence":1,"timestamp":"<ts>","startNode":"greet","input":{"name":"Ada"}}

				id: <id>:2
				event: NodeEntered
				data: {"eventType":"NodeEntered","executionId":"<id>","graphId":"demo","sequence":2,"timestamp":"<ts>","nodeId":"greet"}

				id: <id>:3
				event: NodeStarted
				data: {"eventType":"NodeStarted","executionId":"<id>","graphId":"demo","sequence":3,"timestamp":"<ts>","nodeId":"greet"}

				id: <id>:4
				event: NodeCompleted
				data: {"eventType":"NodeCompleted","executionId":"<id>","graphId":"demo","sequence":4,"timestamp":"<ts>","nodeId":"greet","durationMs":<ms>,"output":{"greeting":"Hello, Ada"}}

				id: <id>:5
				event: NodeExited
				data: {"eventType":"NodeExited","executionId":"<id>","graphId":"demo","sequence":5,"timestamp":"<ts>","nodeId":"greet"}

				id: <id>:6
				event: ConditionEvaluated
				data: {"eventType":"ConditionEvaluated","executionId":"<id>","graphId":"demo","sequence":6,"timestamp":"<ts>","nodeId":"greet","targetNode":"shout","condition":"loud","result":false}

				id: <id>:7
				event: NodeEntered
				data: {"eventType":"NodeEntered","executionId":"<id>","graphId":"demo","sequence":7,"timestamp":"<ts>","nodeId":"finish"}

				id: <id>:8
				event: NodeStarted
				data: {"eventType":"NodeStarted","executionId":"<id>","graphId":"demo","sequence":8,"timestamp":"<ts>","nodeId":"finish"}

				id: <id>:9
				event: NodeCompleted
				data: {"eventType":"NodeCompleted","executionId":"<id>","graphId":"demo","sequence":9,"timestamp":"<ts>","nodeId":"finish","durationMs":<ms>,"output":{"done":true}}

				id: <id>:10
				event: NodeExited
				data: {"eventType":"NodeExited","executionId":"<id>","graphId":"demo","sequence":10,"timestamp":"<ts>","nodeId":"finish"}

				id: <id>:11
				event: ExecutionCompleted
				data: {"eventType":"ExecutionCompleted","executionId":"<id>","graphId":"demo","sequence":11,"timestamp":"<ts>","durationMs":<ms>,"output":{"name":"Ada","greeting":"Hello, Ada","done":true}}

				""");
	}

	@Test
	void getStreamTakesTheInputFromTheQueryForEventSource() {
		Reply reply = this.client.get("/graphs/demo/execute/stream?input=" + encode("{\"loud\":true}"));
		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.frames()).extracting(SseFrame::event)
			.containsExactly("ExecutionStarted", "NodeEntered", "NodeStarted", "NodeCompleted", "NodeExited",
					"ConditionEvaluated", "NodeEntered", "NodeStarted", "NodeCompleted", "NodeExited", "NodeEntered",
					"NodeStarted", "NodeCompleted", "NodeExited", "ExecutionCompleted");
		assertThat(reply.frames().get(14).data()).contains("\"greeting\":\"HELLO, WORLD\"");
	}

	@Test
	void replayOfAFinishedExecutionIsByteForByteTheLiveStream() {
		Reply live = this.client.post("/graphs/demo/execute/stream", "{}");
		String id = live.header("X-Execution-Id");
		Reply replay = this.client.get("/graphs/demo/executions/" + id + "/stream");
		assertThat(replay.status()).isEqualTo(200);
		assertThat(replay.body()).isEqualTo(live.body());
	}

	@Test
	void ndjsonWhenTheClientAcceptsIt() {
		Reply reply = this.client.exchange("POST", "/graphs/demo/execute/stream",
				header("Accept", "application/x-ndjson"), "{}").block(HttpTestClient.TIMEOUT);
		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.header("Content-Type")).isEqualTo("application/x-ndjson");
		assertThat(reply.body()).endsWith("}\n").doesNotContain("\n\n").doesNotContain("id: ");
		List<String> lines = List.of(reply.body().split("\n"));
		assertThat(lines).hasSize(11);
		for (int i = 0; i < lines.size(); i++) {
			assertThat(lines.get(i)).startsWith("{\"eventType\":").contains("\"sequence\":" + (i + 1) + ",");
		}
		assertThat(lines.get(10)).startsWith("{\"eventType\":\"ExecutionCompleted\"");
	}

	@Test
	void eventTypeAndNodeFiltersApplyToThatConsumerOnly() {
		Reply types = this.client.post("/graphs/demo/execute/stream?eventTypes=NodeCompleted,ExecutionCompleted",
				"{}");
		assertThat(types.frames()).extracting(SseFrame::event)
			.containsExactly("NodeCompleted", "NodeCompleted", "ExecutionCompleted");
		assertThat(types.frames()).extracting(SseFrame::sequence).containsExactly(4L, 9L, 11L);
		String id = types.header("X-Execution-Id");
		Reply nodes = this.client.get("/graphs/demo/executions/" + id + "/stream?nodes=finish");
		assertThat(nodes.frames()).extracting(SseFrame::event)
			.containsExactly("NodeEntered", "NodeStarted", "NodeCompleted", "NodeExited");
		Reply both = this.client
			.get("/graphs/demo/executions/" + id + "/stream?nodes=greet&eventTypes=NodeStarted&eventTypes=NodeExited");
		assertThat(both.frames()).extracting(SseFrame::sequence).containsExactly(3L, 5L);
		assertThat(this.client.get("/graphs/demo/executions/" + id + "/stream").frames()).hasSize(11);
	}

	@Test
	void resumeOnTheExecutionUrlAfterAForcedDisconnectLosesAndRepeatsNothing() {
		AtomicReference<String> executionId = new AtomicReference<>();
		List<SseFrame> first = this.client
			.frames("POST", SYNTHETIC_STREAM, Map.of(), "{\"input\":{\"nodes\":30,\"delayMs\":10}}",
					(response) -> executionId.set(response.responseHeaders().get("X-Execution-Id")))
			.take(20)
			.collectList()
			.block(HttpTestClient.TIMEOUT);
		String id = executionId.get();
		// The server notices the cut: the stream's cancel path gives its permit back.
		await().atMost(Duration.ofSeconds(5)).until(() -> this.streamLimiter.openStreams("sse") == 0);
		assertThat(this.registry.execution("synthetic", id).status().isFinished()).isFalse();
		Reply rest = this.client.get("/graphs/synthetic/executions/" + id + "/stream",
				header("Last-Event-ID", first.get(19).id()));
		assertThat(rest.status()).isEqualTo(200);
		assertEverySequenceOnce(id, first, rest.frames(), 152);
	}

	@Test
	void resumeOnTheGetExecuteUrlContinuesThatExecutionWithoutStartingAnother() {
		String uri = SYNTHETIC_STREAM + "?input=" + encode("{\"nodes\":30,\"delayMs\":10}");
		Set<String> before = executionIds();
		List<SseFrame> first = this.client.frames("GET", uri, Map.of(), null, (response) -> {
		}).take(25).collectList().block(HttpTestClient.TIMEOUT);
		String id = first.get(0).executionId();
		Reply rest = this.client.get(uri, header("Last-Event-ID", first.get(24).id()));
		assertThat(rest.status()).isEqualTo(200);
		assertThat(rest.header("X-Execution-Id")).isEqualTo(id);
		assertEverySequenceOnce(id, first, rest.frames(), 152);
		Set<String> created = executionIds();
		created.removeAll(before);
		assertThat(created).containsExactly(id);
	}

	@Test
	void resumeWithTheLastEventIdQueryParameter() {
		Reply live = this.client.post("/graphs/demo/execute/stream", "{}");
		String id = live.header("X-Execution-Id");
		Reply rest = this.client.get("/graphs/demo/executions/" + id + "/stream?lastEventId=" + id + ":7");
		assertThat(rest.frames()).extracting(SseFrame::sequence).containsExactly(8L, 9L, 10L, 11L);
		Reply bare = this.client.get("/graphs/demo/executions/" + id + "/stream?lastEventId=9");
		assertThat(bare.frames()).extracting(SseFrame::sequence).containsExactly(10L, 11L);
	}

	@Test
	void postWithLastEventIdResumesForFetchBasedClientsAndStartsNothing() {
		Reply live = this.client.post("/graphs/demo/execute/stream", "{}");
		String id = live.header("X-Execution-Id");
		Set<String> before = executionIds();
		Reply resumed = this.client.exchange("POST", "/graphs/demo/execute/stream", header("Last-Event-ID", id + ":5"),
				"{}").block(HttpTestClient.TIMEOUT);
		assertThat(resumed.header("X-Execution-Id")).isEqualTo(id);
		assertThat(resumed.frames()).extracting(SseFrame::sequence).containsExactly(6L, 7L, 8L, 9L, 10L, 11L);
		assertThat(executionIds()).isEqualTo(before);
	}

	@Test
	void resumePastTheLastEventAnswersNoContentSoEventSourceStopsReconnecting() {
		Reply live = this.client.post("/graphs/demo/execute/stream", "{}");
		String id = live.header("X-Execution-Id");
		Reply end = this.client.get("/graphs/demo/executions/" + id + "/stream", header("Last-Event-ID", id + ":11"));
		assertThat(end.status()).isEqualTo(204);
		assertThat(end.body()).isEmpty();
		Reply filtered = this.client.get("/graphs/demo/executions/" + id + "/stream?eventTypes=NodeStarted",
				header("Last-Event-ID", id + ":8"));
		assertThat(filtered.status()).isEqualTo(204);
		assertThat(this.streamLimiter.openStreams("sse")).isZero();
	}

	@Test
	void deleteCancelsTheExecutionAndItsStreamEndsWithExecutionCancelled() throws Exception {
		AtomicReference<String> executionId = new AtomicReference<>();
		CountDownLatch started = new CountDownLatch(1);
		CompletableFuture<List<SseFrame>> frames = this.client
			.frames("POST", SYNTHETIC_STREAM, Map.of(), "{\"input\":{\"nodes\":3,\"delayMs\":60000}}",
					(response) -> executionId.set(response.responseHeaders().get("X-Execution-Id")))
			.doOnNext((frame) -> started.countDown())
			.collectList()
			.toFuture();
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		Reply cancel = this.client.delete("/graphs/synthetic/executions/" + executionId.get());
		assertThat(cancel.status()).isEqualTo(202);
		assertThat(cancel.body()).isEqualTo(
				"{\"executionId\":\"" + executionId.get() + "\",\"status\":\"cancelled\"}");
		List<SseFrame> received = frames.get(10, TimeUnit.SECONDS);
		assertThat(received).extracting(SseFrame::sequence)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, received.size()).boxed().toList());
		SseFrame last = received.get(received.size() - 1);
		assertThat(last.event()).isEqualTo("ExecutionCancelled");
		assertThat(last.data()).contains("\"reason\":\"cancelled by a DELETE request\"");
	}

	@Test
	void twoHundredConcurrentStreamsAllCompleteContiguously() {
		int streams = 200;
		AtomicInteger peak = new AtomicInteger();
		Disposable sampler = Flux.interval(Duration.ofMillis(5))
			.subscribe((tick) -> peak.accumulateAndGet(this.streamLimiter.openStreams("sse"), Math::max));
		List<Reply> replies;
		try {
			replies = Flux.range(0, streams)
				.flatMap((i) -> this.client.exchange("POST", SYNTHETIC_STREAM, Map.of(),
						"{\"input\":{\"nodes\":10,\"delayMs\":200}}"), streams)
				.collectList()
				.block(Duration.ofSeconds(60));
		}
		finally {
			sampler.dispose();
		}
		assertThat(replies).hasSize(streams);
		Set<String> ids = new HashSet<>();
		for (Reply reply : replies) {
			assertThat(reply.status()).isEqualTo(200);
			List<SseFrame> frames = reply.frames();
			String id = reply.header("X-Execution-Id");
			ids.add(id);
			assertThat(frames).extracting(SseFrame::sequence)
				.containsExactlyElementsOf(LongStream.rangeClosed(1, 52).boxed().toList());
			assertThat(frames).extracting(SseFrame::executionId).containsOnly(id);
			assertThat(frames.get(51).event()).isEqualTo("ExecutionCompleted");
		}
		assertThat(ids).hasSize(streams);
		// Each run lasts two seconds, so all of them overlap once the connections are open.
		assertThat(peak.get()).isGreaterThanOrEqualTo(streams * 3 / 4);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.streamLimiter.openStreams("sse") == 0);
	}

	private void assertEverySequenceOnce(String id, List<SseFrame> first, List<SseFrame> rest, int total) {
		List<SseFrame> all = new ArrayList<>(first);
		all.addAll(rest);
		assertThat(all).extracting(SseFrame::executionId).containsOnly(id);
		assertThat(all).extracting(SseFrame::sequence)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
		assertThat(all.get(total - 1).event()).isEqualTo("ExecutionCompleted");
		GraphExecution execution = this.registry.execution("synthetic", id);
		assertThat(execution.eventCount()).isEqualTo(total);
	}

	private Set<String> executionIds() {
		return this.registry.executions()
			.executions()
			.stream()
			.map(GraphExecution::executionId)
			.collect(Collectors.toCollection(HashSet::new));
	}

	static String normalize(String body, String executionId) {
		return body.replace(executionId, "<id>")
			.replaceAll("\"timestamp\":\"[^\"]+\"", "\"timestamp\":\"<ts>\"")
			.replaceAll("\"durationMs\":[0-9.E-]+", "\"durationMs\":<ms>");
	}

	static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
