package io.graphstreaming.sample;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.graphstreaming.sample.SampleHttp.Frame;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract as a curl user sees it on the running sample app: graph descriptions, the
 * exact SSE framing (plain and gzip-encoded), heartbeats on an idle stream,
 * {@code Last-Event-ID} resume, polling and cancellation.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = SampleAppContractTests.HEARTBEAT)
@AutoConfigureMetrics
class SampleAppContractTests {

	/**
	 * A heartbeat interval far shorter than the default, and longer than any pause of the
	 * demo graph (which ends in about a third of a second). The integration test classes
	 * share it so that they share one application context.
	 */
	static final String HEARTBEAT = "graph.streaming.heartbeat.interval=1s";

	private static final String DEMO_INPUT = "{\"input\":{\"text\":\"Thanks, the fix works great\"}}";

	@LocalServerPort
	private int port;

	private SampleHttp http;

	@BeforeEach
	void client() {
		this.http = new SampleHttp(this.port);
	}

	@Test
	void getGraphsListsDemoSyntheticAndAgentWithNodesAndEdges() {
		HttpResponse<String> response = this.http.get("/graphs");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/json"));
		JsonNode graphs = SampleHttp.json(response.body());
		assertThat(graphs.isArray()).isTrue();
		JsonNode demo = graph(graphs, "demo");
		assertThat(demo.get("description").asString()).isNotBlank();
		assertThat(demo.get("startNode").asString()).isEqualTo("receive");
		assertThat(ids(demo.get("nodes"))).containsExactly("receive", "classify", "escalate", "reply", "respond");
		assertThat(edges(demo)).contains("receive->classify", "classify->escalate", "classify->reply",
				"escalate->respond", "reply->respond");
		JsonNode synthetic = graph(graphs, "synthetic");
		assertThat(synthetic.get("startNode").asString()).isEqualTo("step");
		assertThat(ids(synthetic.get("nodes"))).hasSize(36).startsWith("step", "fan-out", "join", "loop")
			.contains("branch-1", "branch-32");
		assertThat(edges(synthetic)).startsWith("step->step", "step->fan-out", "step->loop")
			.contains("fan-out->branch-32", "branch-32->join", "join->loop", "loop->loop")
			.hasSize(3 + 2 * 32 + 2);
		JsonNode agent = graph(graphs, "agent");
		assertThat(agent.get("startNode").asString()).isEqualTo("plan");
		assertThat(ids(agent.get("nodes"))).containsExactly("plan", "act", "search", "weather", "calculator", "observe",
				"answer");
		assertThat(edges(agent)).contains("plan->act", "plan->answer", "act->search", "act->weather", "act->calculator",
				"search->observe", "observe->plan", "observe->answer");
		assertThat(ids(graphs)).containsExactly("demo", "synthetic", "agent");
		assertThat(SampleHttp.json(this.http.get("/graphs/demo").body())).isEqualTo(demo);
	}

	@Test
	void postExecuteStreamSendsExactSseFramesWithContiguousSequencesEndingWithExecutionCompleted() {
		HttpResponse<String> response = this.http.post("/graphs/demo/execute/stream", DEMO_INPUT);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/event-stream"));
		assertCompletedDemoStream(response.body(), executionId(response));
	}

	@Test
	void getExecuteStreamWithInputQueryParameterSendsTheSameFraming() {
		String input = URLEncoder.encode("{\"text\":\"The parcel is broken and late\"}", StandardCharsets.UTF_8);
		HttpResponse<String> response = this.http.get("/graphs/demo/execute/stream?input=" + input,
				"Accept", "text/event-stream");
		assertThat(response.statusCode()).isEqualTo(200);
		List<Frame> frames = assertCompletedDemoStream(response.body(), executionId(response));
		assertThat(frames).filteredOn((frame) -> frame.event().equals("NodeCompleted"))
			.extracting((frame) -> frame.data().get("nodeId").asString())
			.containsExactly("receive", "classify", "escalate", "respond");
	}

	@Test
	void gzipEncodedStreamDecodesToTheSameFrames() throws IOException {
		HttpResponse<byte[]> live = this.http.postBytes("/graphs/demo/execute/stream", DEMO_INPUT, "Accept-Encoding",
				"gzip");
		assertThat(live.statusCode()).isEqualTo(200);
		assertThat(live.headers().firstValue("Content-Encoding")).hasValue("gzip");
		String executionId = executionId(live);
		String decoded = gunzip(live.body());
		assertCompletedDemoStream(decoded, executionId);
		// The same execution replayed without compression is byte for byte what gzip carried.
		HttpResponse<String> plain = this.http.get("/graphs/demo/executions/" + executionId + "/stream");
		assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
		assertThat(plain.body()).isEqualTo(decoded);
		HttpResponse<byte[]> replay = this.http.getBytes("/graphs/demo/executions/" + executionId + "/stream",
				"Accept-Encoding", "gzip");
		assertThat(replay.headers().firstValue("Content-Encoding")).hasValue("gzip");
		assertThat(gunzip(replay.body())).isEqualTo(decoded);
	}

	@Test
	void idleStreamGetsHeartbeatCommentsBetweenEvents() {
		HttpResponse<String> response = this.http.post("/graphs/synthetic/execute/stream",
				"{\"input\":{\"nodes\":1,\"delayMs\":2500}}");
		assertThat(response.statusCode()).isEqualTo(200);
		String body = response.body();
		assertThat(body).contains(": heartbeat\n\n");
		String withoutHeartbeats = body.replace(": heartbeat\n\n", "");
		List<Frame> frames = SampleHttp.eventFrames(withoutHeartbeats, executionId(response));
		assertContiguous(frames);
		assertThat(frames.get(frames.size() - 1).event()).isEqualTo("ExecutionCompleted");
		// Heartbeats come while the node waits: after its NodeStarted, before its NodeCompleted.
		int firstHeartbeat = body.indexOf(": heartbeat\n\n");
		assertThat(body.lastIndexOf("event: NodeStarted", firstHeartbeat)).isNotNegative();
		assertThat(body.indexOf("event: NodeCompleted")).isGreaterThan(firstHeartbeat);
	}

	@Test
	void lastEventIdResumesWithExactlyTheRest() {
		HttpResponse<String> first = this.http.post("/graphs/demo/execute/stream", DEMO_INPUT);
		String executionId = executionId(first);
		List<Frame> all = assertCompletedDemoStream(first.body(), executionId);
		int seen = all.size() / 2;
		String rest = all.subList(seen, all.size()).stream().map(Frame::text).reduce("", String::concat);
		HttpResponse<String> resumed = this.http.get("/graphs/demo/executions/" + executionId + "/stream",
				"Last-Event-ID", executionId + ":" + seen);
		assertThat(resumed.statusCode()).isEqualTo(200);
		assertThat(resumed.body()).isEqualTo(rest);
		// An EventSource reconnects to the URL that started the run: it resumes, starting nothing.
		HttpResponse<String> reconnected = this.http.get("/graphs/demo/execute/stream", "Last-Event-ID",
				executionId + ":" + seen);
		assertThat(reconnected.statusCode()).isEqualTo(200);
		assertThat(executionId(reconnected)).isEqualTo(executionId);
		assertThat(reconnected.body()).isEqualTo(rest);
		HttpResponse<String> queryResume = this.http
			.get("/graphs/demo/executions/" + executionId + "/stream?lastEventId=" + executionId + ":" + seen);
		assertThat(queryResume.body()).isEqualTo(rest);
		// Nothing after the terminal event: 204 tells an EventSource to stop reconnecting.
		HttpResponse<String> atEnd = this.http.get("/graphs/demo/executions/" + executionId + "/stream",
				"Last-Event-ID", executionId + ":" + all.size());
		assertThat(atEnd.statusCode()).isEqualTo(204);
		assertThat(atEnd.body()).isEmpty();
	}

	@Test
	void pollingReturnsEveryEventOnceUntilCompleted() {
		String executionId = this.http.startForPolling("synthetic", "{\"input\":{\"nodes\":3,\"delayMs\":50}}");
		String events = "/graphs/synthetic/executions/" + executionId + "/events";
		List<JsonNode> received = new ArrayList<>();
		long after = 0;
		boolean completed = false;
		for (int polls = 0; !completed && polls < 100; polls++) {
			HttpResponse<String> response = this.http.get(events + "?after=" + after + "&waitMs=2000");
			assertThat(response.statusCode()).isEqualTo(200);
			JsonNode page = SampleHttp.json(response.body());
			page.get("events").forEach(received::add);
			after = page.get("next").asLong();
			completed = page.get("completed").asBoolean();
		}
		assertThat(completed).isTrue();
		assertThat(received).extracting((event) -> event.get("sequence").asLong())
			.containsExactlyElementsOf(range(received.size()));
		assertThat(received).allSatisfy((event) -> assertThat(event.get("executionId").asString()).isEqualTo(executionId));
		assertThat(received).filteredOn((event) -> event.get("eventType").asString().equals("NodeCompleted")).hasSize(3);
		assertThat(received.get(received.size() - 1).get("eventType").asString()).isEqualTo("ExecutionCompleted");
		JsonNode status = SampleHttp.json(this.http.get("/graphs/synthetic/executions/" + executionId).body());
		assertThat(status.get("status").asString()).isEqualTo("completed");
		assertThat(status.get("eventCount").asLong()).isEqualTo(received.size());
	}

	@Test
	void deleteCancelsTheExecutionAndEndsItsStreamWithExecutionCancelled() {
		HttpResponse<Stream<String>> stream = this.http.openLines("POST", "/graphs/synthetic/execute/stream",
				"{\"input\":{\"nodes\":1,\"delayMs\":20000}}");
		assertThat(stream.statusCode()).isEqualTo(200);
		String executionId = executionId(stream);
		try (Stream<String> lines = stream.body()) {
			Iterator<String> iterator = lines.iterator();
			StringBuilder body = new StringBuilder();
			// Wait until the node runs, then cancel.
			while (!body.toString().contains("event: NodeStarted\n")) {
				body.append(iterator.next()).append('\n');
			}
			HttpResponse<String> cancel = this.http.delete("/graphs/synthetic/executions/" + executionId);
			assertThat(cancel.statusCode()).isEqualTo(202);
			JsonNode answer = SampleHttp.json(cancel.body());
			assertThat(answer.get("executionId").asString()).isEqualTo(executionId);
			assertThat(answer.get("status").asString()).isEqualTo("cancelled");
			iterator.forEachRemaining((line) -> body.append(line).append('\n'));
			List<Frame> frames = SampleHttp.eventFrames(body.toString().replace(": heartbeat\n\n", ""), executionId);
			assertContiguous(frames);
			Frame last = frames.get(frames.size() - 1);
			assertThat(last.event()).isEqualTo("ExecutionCancelled");
			assertThat(last.data().get("nodeId").asString()).isEqualTo("step");
		}
		JsonNode status = SampleHttp.json(this.http.get("/graphs/synthetic/executions/" + executionId).body());
		assertThat(status.get("status").asString()).isEqualTo("cancelled");
	}

	private static List<Frame> assertCompletedDemoStream(String body, String executionId) {
		List<Frame> frames = SampleHttp.eventFrames(body, executionId);
		assertContiguous(frames);
		assertThat(frames.get(0).event()).isEqualTo("ExecutionStarted");
		assertThat(frames.get(frames.size() - 1).event()).isEqualTo("ExecutionCompleted");
		assertThat(frames).filteredOn((frame) -> frame.event().startsWith("Execution")).hasSize(2);
		assertThat(frames).extracting(Frame::event).contains("NodeStarted", "NodeCompleted", "ConditionEvaluated",
				"NodeOutputChunk");
		return frames;
	}

	private static void assertContiguous(List<Frame> frames) {
		assertThat(frames).isNotEmpty();
		assertThat(frames).extracting(Frame::sequence).containsExactlyElementsOf(range(frames.size()));
	}

	private static List<Long> range(int size) {
		List<Long> sequences = new ArrayList<>(size);
		for (long n = 1; n <= size; n++) {
			sequences.add(n);
		}
		return sequences;
	}

	private static String executionId(HttpResponse<?> response) {
		return response.headers().firstValue("X-Execution-Id").orElseThrow();
	}

	private static String gunzip(byte[] bytes) throws IOException {
		try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static JsonNode graph(JsonNode graphs, String id) {
		for (JsonNode graph : graphs) {
			if (graph.get("id").asString().equals(id)) {
				return graph;
			}
		}
		throw new AssertionError("No graph '" + id + "' in " + graphs);
	}

	private static List<String> ids(JsonNode nodes) {
		List<String> ids = new ArrayList<>();
		nodes.forEach((node) -> ids.add(node.get("id").asString()));
		return ids;
	}

	private static List<String> edges(JsonNode graph) {
		List<String> edges = new ArrayList<>();
		graph.get("edges").forEach((edge) -> edges.add(edge.get("from").asString() + "->" + edge.get("to").asString()));
		return edges;
	}

}
