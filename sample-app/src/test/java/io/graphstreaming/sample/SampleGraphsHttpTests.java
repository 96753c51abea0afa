package io.graphstreaming.sample;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;

import io.graphstreaming.sample.SampleHttp.Frame;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine-depth inputs of {@code synthetic} ({@code parallel}, {@code retries},
 * {@code loop}) and the {@code agent} graph as a curl user sees them on the running
 * sample app: the SSE stream of a run, and 400 problems for invalid inputs.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = SampleAppContractTests.HEARTBEAT)
@AutoConfigureMetrics
class SampleGraphsHttpTests {

	@LocalServerPort
	private int port;

	private SampleHttp http;

	@BeforeEach
	void client() {
		this.http = new SampleHttp(this.port);
	}

	@Test
	void syntheticWithParallelRetriesAndLoopStreamsOverlappingBranchesRetriesAndIterations() {
		HttpResponse<String> response = this.http.post("/graphs/synthetic/execute/stream",
				"{\"input\":{\"nodes\":2,\"parallel\":4,\"delayMs\":200,\"retries\":1,\"loop\":3}}");
		assertThat(response.statusCode()).isEqualTo(200);
		List<Frame> frames = completedFrames(response);
		List<String> branches = List.of("branch-1", "branch-2", "branch-3", "branch-4");
		List<Integer> starts = indexes(frames, "NodeStarted", branches);
		List<Integer> completions = indexes(frames, "NodeCompleted", branches);
		// Two starts per branch (the failed attempt and the retry), all before any branch completes.
		assertThat(starts).hasSize(8);
		assertThat(completions).hasSize(4);
		assertThat(starts.get(starts.size() - 1)).isLessThan(completions.get(0));
		assertThat(nodesOf(frames, "RetryAttempted")).containsExactlyInAnyOrder("step", "step", "branch-1", "branch-2",
				"branch-3", "branch-4", "loop", "loop", "loop");
		assertThat(nodesOf(frames, "NodeCompleted")).filteredOn("loop"::equals).hasSize(3);
		assertThat(nodesOf(frames, "NodeFailed")).isEmpty();
		JsonNode output = frames.get(frames.size() - 1).data().get("output");
		assertThat(output.get("branches").toString()).isEqualTo("[1,2,3,4]");
		assertThat(output.get("iteration").asInt()).isEqualTo(3);
		assertThat(output.get("step").asInt()).isEqualTo(2);
	}

	@Test
	void agentStreamsTokensRetriesSearchRunsToolsInParallelWithTheWeatherSubgraphAndCheckpointsEveryStep() {
		HttpResponse<String> response = this.http.post("/graphs/agent/execute/stream",
				"{\"input\":{\"tokenDelayMs\":2}}");
		assertThat(response.statusCode()).isEqualTo(200);
		List<Frame> frames = completedFrames(response);
		int answerCompleted = indexes(frames, "NodeCompleted", List.of("answer")).get(0);
		List<Integer> answerTokens = indexes(frames, "NodeOutputChunk", List.of("answer"));
		assertThat(answerTokens).hasSizeGreaterThan(10).allSatisfy((index) -> assertThat(index).isLessThan(answerCompleted));
		StringBuilder streamed = new StringBuilder();
		answerTokens.forEach((index) -> streamed.append(frames.get(index).data().get("chunk").asString()));
		String answer = frames.get(frames.size() - 1).data().get("output").get("answer").asString();
		assertThat(streamed.toString()).isEqualTo(answer).contains("64.4");
		assertThat(nodesOf(frames, "RetryAttempted")).containsExactly("search");
		// search and weather run at once: both start before either completes.
		List<String> tools = List.of("search", "weather");
		List<Integer> toolStarts = indexes(frames, "NodeStarted", tools);
		assertThat(toolStarts.get(1)).isLessThan(indexes(frames, "NodeCompleted", tools).get(0));
		// The weather tool is a subgraph: its nodes report under its path, inside its run.
		List<String> weatherTool = List.of("weather/geocode", "weather/forecast");
		assertThat(indexes(frames, "NodeCompleted", weatherTool)).hasSize(2)
			.allSatisfy((index) -> assertThat(index)
				.isGreaterThan(indexes(frames, "NodeStarted", List.of("weather")).get(0))
				.isLessThan(indexes(frames, "NodeCompleted", List.of("weather")).get(0)));
		assertThat(nodesOf(frames, "NodeCompleted")).containsSubsequence("weather/geocode", "weather/forecast",
				"weather");
		assertThat(nodesOf(frames, "CircuitBreakerStateChanged")).isEmpty();
		assertThat(nodesOf(frames, "CheckpointCreated")).containsExactly("plan", "act", "observe", "plan", "act",
				"calculator", "observe", "answer");
		for (int index : indexes(frames, "CheckpointCreated", List.of("plan", "act", "observe", "calculator", "answer"))) {
			assertThat(lastCompletedBefore(frames, index)).isEqualTo(frames.get(index).data().get("nodeId").asString());
		}
		assertThat(frames.get(frames.size() - 1).data().get("output").get("tokensUsed").asInt())
			.isEqualTo(indexes(frames, "NodeOutputChunk", List.of("plan", "observe", "answer")).size());
	}

	/**
	 * Trips the weather service's breaker, which belongs to the application's {@code agent}
	 * graph and would make the next runs fail fast: the context is not reused.
	 */
	@Test
	@DirtiesContext(methodMode = DirtiesContext.MethodMode.AFTER_METHOD)
	void agentWithTwoWeatherServiceFailuresOpensTheCircuitBreakerAndFailsInTheSubgraph() {
		HttpResponse<String> response = this.http.post("/graphs/agent/execute/stream",
				"{\"input\":{\"tokenDelayMs\":0,\"weatherFailures\":2}}");
		assertThat(response.statusCode()).isEqualTo(200);
		String executionId = response.headers().firstValue("X-Execution-Id").orElseThrow();
		List<Frame> frames = SampleHttp.eventFrames(response.body().replace(": heartbeat\n\n", ""), executionId);
		List<Frame> changes = frames.stream()
			.filter((frame) -> frame.event().equals("CircuitBreakerStateChanged"))
			.toList();
		assertThat(changes).singleElement().satisfies((changed) -> {
			assertThat(changed.data().get("nodeId").asString()).isEqualTo("weather/forecast");
			assertThat(changed.data().get("fromState").asString()).isEqualTo("CLOSED");
			assertThat(changed.data().get("toState").asString()).isEqualTo("OPEN");
		});
		assertThat(nodesOf(frames, "RetryAttempted")).filteredOn("weather/forecast"::equals).hasSize(2);
		Frame last = frames.get(frames.size() - 1);
		assertThat(last.event()).isEqualTo("ExecutionFailed");
		assertThat(last.data().get("nodeId").asString()).isEqualTo("weather/forecast");
		assertThat(last.data().get("errorType").asString()).isEqualTo("CircuitBreakerOpenException");
	}

	static Stream<Arguments> invalidRequests() {
		return Stream.of(
				Arguments.of("POST", "/graphs/synthetic/execute/stream", "{\"input\":{\"parallel\":33}}",
						"Input 'parallel' must be from 0 to 32 but was 33"),
				Arguments.of("POST", "/graphs/synthetic/execute", "{\"input\":{\"retries\":6}}",
						"Input 'retries' must be from 0 to 5 but was 6"),
				Arguments.of("POST", "/graphs/synthetic/executions", "{\"input\":{\"loop\":\"many\"}}",
						"Input 'loop' must be a whole number from 0 to 1000 but was \"many\" (a string)"),
				Arguments.of("GET", "/graphs/synthetic/execute/stream?input="
						+ URLEncoder.encode("{\"loop\":1001}", StandardCharsets.UTF_8), "",
						"Input 'loop' must be from 0 to 1000 but was 1001"),
				Arguments.of("POST", "/graphs/synthetic/execute/stream", "{\"input\":{\"nodes\":0}}",
						"Input 'nodes' must be from 1 to 1000000 but was 0"),
				Arguments.of("POST", "/graphs/agent/execute/stream", "{\"input\":{\"failures\":9}}",
						"Input 'failures' must be from 0 to 3 but was 9"),
				Arguments.of("POST", "/graphs/agent/executions", "{\"input\":{\"weatherFailures\":-1}}",
						"Input 'weatherFailures' must be from 0 to 3 but was -1"),
				Arguments.of("POST", "/graphs/agent/execute", "{\"input\":{\"question\":42}}",
						"Input 'question' must be a string of at most 500 characters but was 42 (a number)"));
	}

	@ParameterizedTest(name = "{0} {1} {2}")
	@MethodSource("invalidRequests")
	void invalidInputIsA400ProblemNamingTheKey(String method, String path, String body, String detail) {
		HttpResponse<String> response = method.equals("GET") ? this.http.get(path) : this.http.post(path, body);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = SampleHttp.json(response.body());
		assertThat(problem.get("status").asInt()).isEqualTo(400);
		assertThat(problem.get("title").asString()).isEqualTo("Bad Request");
		assertThat(problem.get("detail").asString()).isEqualTo(detail);
		assertThat(response.headers().firstValue("X-Execution-Id")).isEmpty();
	}

	private static List<Frame> completedFrames(HttpResponse<String> response) {
		String executionId = response.headers().firstValue("X-Execution-Id").orElseThrow();
		List<Frame> frames = SampleHttp.eventFrames(response.body().replace(": heartbeat\n\n", ""), executionId);
		List<Long> sequences = new ArrayList<>();
		for (long n = 1; n <= frames.size(); n++) {
			sequences.add(n);
		}
		assertThat(frames).extracting(Frame::sequence).containsExactlyElementsOf(sequences);
		assertThat(frames.get(frames.size() - 1).event()).isEqualTo("ExecutionCompleted");
		return frames;
	}

	private static List<Integer> indexes(List<Frame> frames, String event, List<String> nodes) {
		List<Integer> indexes = new ArrayList<>();
		for (int i = 0; i < frames.size(); i++) {
			Frame frame = frames.get(i);
			if (frame.event().equals(event) && frame.data().has("nodeId")
					&& nodes.contains(frame.data().get("nodeId").asString())) {
				indexes.add(i);
			}
		}
		return indexes;
	}

	private static List<String> nodesOf(List<Frame> frames, String event) {
		return frames.stream()
			.filter((frame) -> frame.event().equals(event))
			.map((frame) -> frame.data().get("nodeId").asString())
			.toList();
	}

	private static String lastCompletedBefore(List<Frame> frames, int end) {
		for (int i = end - 1; i >= 0; i--) {
			if (frames.get(i).event().equals("NodeCompleted")) {
				return frames.get(i).data().get("nodeId").asString();
			}
		}
		throw new AssertionError("No NodeCompleted before frame " + end);
	}

}
