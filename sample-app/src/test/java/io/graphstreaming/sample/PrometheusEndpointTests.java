package io.graphstreaming.sample;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.annotation.DirtiesContext.ClassMode;

import io.graphstreaming.sample.SampleHttp.Frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code /actuator/prometheus} of the running sample app after graphs ran through the
 * HTTP API: the contract's series with exact counts, gauges that follow live streams and
 * executions, transport counters, and a scrape that passes {@code promtool check metrics}.
 * The context is fresh (dirtied before the class) so that counts start at zero; the
 * methods run in order because the later ones add to the counts.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = SampleAppContractTests.HEARTBEAT)
@AutoConfigureMetrics
@DirtiesContext(classMode = ClassMode.BEFORE_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusEndpointTests {

	private static final String PROMTOOL = "/usr/bin/promtool";

	private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

	@LocalServerPort
	private int port;

	private SampleHttp http;

	@BeforeEach
	void client() {
		this.http = new SampleHttp(this.port);
	}

	@Test
	@Order(1)
	void scrapeCountsEventsExecutionsAndNodeDurationsOfTheRunsExactly() {
		List<Frame> demo = new ArrayList<>(stream("demo", "{\"input\":{\"text\":\"Thanks, it works great\"}}"));
		demo.addAll(stream("demo", "{\"input\":{\"text\":\"Thanks, it works great\"}}"));
		List<Frame> synthetic = stream("synthetic", "{\"input\":{\"failAt\":1}}");
		assertThat(demo.get(demo.size() - 1).event()).isEqualTo("ExecutionCompleted");
		assertThat(synthetic.get(synthetic.size() - 1).event()).isEqualTo("ExecutionFailed");

		String text = scrape();
		assertThat(text).contains("graph_streaming_events_total{event_type=\"ExecutionStarted\",graph=\"demo\"} 2.0",
				"graph_streaming_executions_total{graph=\"synthetic\",outcome=\"failed\"} 1.0");
		Scrape scrape = Scrape.parse(text);
		assertEventCounts(scrape, "demo", demo);
		assertEventCounts(scrape, "synthetic", synthetic);
		assertThat(scrape.value("graph_streaming_executions_total", "graph", "demo", "outcome", "completed"))
			.isEqualTo(2);
		assertThat(scrape.value("graph_streaming_executions_total", "graph", "demo", "outcome", "failed")).isZero();
		assertThat(scrape.value("graph_streaming_executions_total", "graph", "demo", "outcome", "cancelled")).isZero();
		assertThat(scrape.value("graph_streaming_executions_total", "graph", "synthetic", "outcome", "completed"))
			.isZero();
		assertThat(scrape.value("graph_streaming_execution_duration_seconds_count", "graph", "demo", "outcome",
				"completed"))
			.isEqualTo(2);
		assertNodeDurations(scrape, "demo", demo);
		assertNodeDurations(scrape, "synthetic", synthetic);
		assertThat(scrape.value("graph_streaming_node_duration_seconds_count", "graph", "synthetic", "node", "step",
				"outcome", "failed"))
			.isEqualTo(1);
		assertThat(scrape.value("graph_streaming_node_duration_seconds_count", "graph", "synthetic", "node", "step",
				"outcome", "completed"))
			.isEqualTo(1);
		assertThat(scrape.value("graph_streaming_executions_active", "graph", "demo")).isZero();
		assertThat(scrape.value("graph_streaming_executions_active", "graph", "synthetic")).isZero();
		for (String transport : List.of("sse", "websocket", "polling", "in-process")) {
			assertThat(scrape.value("graph_streaming_streams_active", "transport", transport)).as(transport).isZero();
		}
		assertThat(scrape.value("graph_streaming_journal_executions")).isEqualTo(3);
		assertThat(scrape.value("graph_streaming_journal_events")).isEqualTo(demo.size() + synthetic.size());
		assertThat(scrape.samples()).filteredOn((sample) -> sample.name().startsWith("graph_streaming_"))
			.allSatisfy((sample) -> assertThat(sample.labels()).doesNotContainKey("execution_id")
				.doesNotContainValue(demo.get(0).data().get("executionId").asString()));
	}

	@Test
	@Order(2)
	void scrapePassesPromtoolCheckMetrics() throws IOException, InterruptedException {
		String promtool = promtool();
		String scrape = scrape();
		assertThat(scrape).contains("graph_streaming_events_total", "graph_streaming_node_duration_seconds_bucket");
		Process process = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
		try (OutputStream stdin = process.getOutputStream()) {
			stdin.write(scrape.getBytes(StandardCharsets.UTF_8));
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
		assertThat(process.exitValue()).as("promtool check metrics said:%n%s", output).isZero();
	}

	@Test
	@Order(3)
	void gaugesFollowAnOpenStreamAndItsRunningExecution() {
		HttpResponse<Stream<String>> open = this.http.openLines("POST", "/graphs/synthetic/execute/stream",
				"{\"input\":{\"nodes\":1,\"delayMs\":20000}}");
		String executionId = open.headers().firstValue("X-Execution-Id").orElseThrow();
		try (Stream<String> lines = open.body()) {
			Iterator<String> iterator = lines.iterator();
			while (!iterator.next().equals("event: NodeStarted")) {
				// read on until the node runs
			}
			Scrape running = Scrape.parse(scrape());
			assertThat(running.value("graph_streaming_streams_active", "transport", "sse")).isEqualTo(1);
			assertThat(running.value("graph_streaming_streams_active", "transport", "in-process")).isZero();
			assertThat(running.value("graph_streaming_executions_active", "graph", "synthetic")).isEqualTo(1);
			assertThat(running.value("graph_streaming_executions_active", "graph", "demo")).isZero();
			// Idle for a second: the stream gets a heartbeat, and it is counted.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> Scrape.parse(scrape())
					.valueOrZero("graph_streaming_heartbeats_total", "transport", "sse") >= 1);
			assertThat(this.http.delete("/graphs/synthetic/executions/" + executionId).statusCode()).isEqualTo(202);
			String last = null;
			while (iterator.hasNext()) {
				String line = iterator.next();
				if (line.startsWith("event: ")) {
					last = line;
				}
			}
			assertThat(last).isEqualTo("event: ExecutionCancelled");
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			Scrape ended = Scrape.parse(scrape());
			assertThat(ended.value("graph_streaming_streams_active", "transport", "sse")).isZero();
			assertThat(ended.value("graph_streaming_executions_active", "graph", "synthetic")).isZero();
		});
		Scrape scrape = Scrape.parse(scrape());
		assertThat(scrape.value("graph_streaming_executions_total", "graph", "synthetic", "outcome", "cancelled"))
			.isEqualTo(1);
		assertThat(scrape.value("graph_streaming_events_total", "graph", "synthetic", "event_type",
				"ExecutionCancelled"))
			.isEqualTo(1);
	}

	@Test
	@Order(4)
	void transportCountersCountResumesAndDisconnectedConsumers() {
		List<Frame> frames = stream("demo", "{\"input\":{}}");
		String executionId = frames.get(0).data().get("executionId").asString();
		HttpResponse<String> resumed = this.http.get("/graphs/demo/executions/" + executionId + "/stream",
				"Last-Event-ID", executionId + ":3");
		assertThat(resumed.statusCode()).isEqualTo(200);
		HttpResponse<Stream<String>> open = this.http.openLines("POST", "/graphs/synthetic/execute/stream",
				"{\"input\":{\"nodes\":1,\"delayMs\":20000}}");
		String slow = open.headers().firstValue("X-Execution-Id").orElseThrow();
		try (Stream<String> lines = open.body()) {
			Iterator<String> iterator = lines.iterator();
			while (!iterator.next().equals("event: NodeStarted")) {
				// read on until the node runs, then hang up
			}
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(Scrape.parse(scrape())
				.valueOrZero("graph_streaming_consumers_disconnected_total", "transport", "sse")).isEqualTo(1));
		Scrape scrape = Scrape.parse(scrape());
		assertThat(scrape.value("graph_streaming_resumes_total", "transport", "sse")).isEqualTo(1);
		// The sample keeps executions running when their consumer leaves: it is still active.
		assertThat(scrape.value("graph_streaming_executions_active", "graph", "synthetic")).isEqualTo(1);
		assertThat(this.http.delete("/graphs/synthetic/executions/" + slow).statusCode()).isEqualTo(202);
	}

	private List<Frame> stream(String graph, String json) {
		HttpResponse<String> response = this.http.post("/graphs/" + graph + "/execute/stream", json);
		assertThat(response.statusCode()).isEqualTo(200);
		String executionId = response.headers().firstValue("X-Execution-Id").orElseThrow();
		return SampleHttp.eventFrames(response.body().replace(": heartbeat\n\n", ""), executionId);
	}

	private String scrape() {
		HttpResponse<String> response = this.http.get("/actuator/prometheus", "Accept", "text/plain");
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	private static void assertEventCounts(Scrape scrape, String graph, List<Frame> frames) {
		Map<String, Long> expected = new TreeMap<>();
		frames.forEach((frame) -> expected.merge(frame.event(), 1L, Long::sum));
		Map<String, Double> actual = new TreeMap<>();
		for (Sample sample : scrape.samples()) {
			if (sample.name().equals("graph_streaming_events_total") && graph.equals(sample.labels().get("graph"))) {
				actual.put(sample.labels().get("event_type"), sample.value());
			}
		}
		Map<String, Double> expectedValues = new TreeMap<>();
		expected.forEach((type, count) -> expectedValues.put(type, count.doubleValue()));
		assertThat(actual).as("graph_streaming_events_total of %s", graph).isEqualTo(expectedValues);
	}

	private static void assertNodeDurations(Scrape scrape, String graph, List<Frame> frames) {
		Map<List<String>, Long> expected = new LinkedHashMap<>();
		for (Frame frame : frames) {
			String outcome = switch (frame.event()) {
				case "NodeCompleted" -> "completed";
				case "NodeFailed" -> "failed";
				default -> null;
			};
			if (outcome != null) {
				expected.merge(List.of(frame.data().get("nodeId").asString(), outcome), 1L, Long::sum);
			}
		}
		assertThat(expected).isNotEmpty();
		expected.forEach((key, count) -> {
			String[] labels = { "graph", graph, "node", key.get(0), "outcome", key.get(1) };
			assertThat(scrape.value("graph_streaming_node_duration_seconds_count", labels)).as("%s %s", graph, key)
				.isEqualTo(count.doubleValue());
			assertThat(scrape.value("graph_streaming_node_duration_seconds_sum", labels)).isNotNegative();
			List<Sample> buckets = scrape.samples()
				.stream()
				.filter((sample) -> sample.name().equals("graph_streaming_node_duration_seconds_bucket")
						&& sample.labels().keySet().equals(Set.of("graph", "node", "outcome", "le"))
						&& sample.labels().get("graph").equals(graph) && sample.labels().get("node").equals(key.get(0))
						&& sample.labels().get("outcome").equals(key.get(1)))
				.toList();
			assertThat(buckets).hasSizeGreaterThan(1);
			assertThat(buckets.get(buckets.size() - 1).labels()).containsEntry("le", "+Inf");
			assertThat(buckets.get(buckets.size() - 1).value()).isEqualTo(count.doubleValue());
		});
		assertThat(scrape.samples()).filteredOn((sample) -> sample.name()
			.equals("graph_streaming_node_duration_seconds_count") && graph.equals(sample.labels().get("graph")))
			.hasSize(expected.size());
	}

	/**
	 * The promtool to run: Debian's, which {@code .ci/run} installs. Without it the test
	 * fails in CI and is skipped elsewhere.
	 */
	private static String promtool() {
		if (new File(PROMTOOL).canExecute()) {
			return PROMTOOL;
		}
		if (System.getenv("CI") != null) {
			fail(PROMTOOL + " is missing; .ci/run installs it with Debian's prometheus package");
		}
		assumeTrue(false, PROMTOOL + " is missing (apt-get install prometheus); skipping promtool check metrics");
		return PROMTOOL;
	}

	/**
	 * One sample of the scrape.
	 */
	record Sample(String name, Map<String, String> labels, double value) {
	}

	/**
	 * The samples of a Prometheus text scrape.
	 */
	record Scrape(List<Sample> samples) {

		static Scrape parse(String text) {
			List<Sample> samples = new ArrayList<>();
			for (String line : text.split("\n")) {
				if (line.isBlank() || line.startsWith("#")) {
					continue;
				}
				Matcher matcher = SAMPLE.matcher(line);
				assertThat(matcher.matches()).as("sample line %s", line).isTrue();
				Map<String, String> labels = new LinkedHashMap<>();
				if (matcher.group(2) != null) {
					Matcher label = LABEL.matcher(matcher.group(2));
					while (label.find()) {
						labels.put(label.group(1), label.group(2));
					}
				}
				samples.add(new Sample(matcher.group(1), labels, Double.parseDouble(matcher.group(3))));
			}
			return new Scrape(samples);
		}

		/**
		 * The value of the one sample with exactly these labels; fails when there is none.
		 */
		double value(String name, String... labels) {
			Map<String, String> wanted = labelMap(labels);
			return this.samples.stream()
				.filter((sample) -> sample.name().equals(name) && sample.labels().equals(wanted))
				.mapToDouble(Sample::value)
				.findFirst()
				.orElseThrow(() -> new AssertionError("No sample " + name + wanted));
		}

		double valueOrZero(String name, String... labels) {
			Map<String, String> wanted = labelMap(labels);
			return this.samples.stream()
				.filter((sample) -> sample.name().equals(name) && sample.labels().equals(wanted))
				.mapToDouble(Sample::value)
				.findFirst()
				.orElse(0);
		}

		private static Map<String, String> labelMap(String... labels) {
			Map<String, String> map = new LinkedHashMap<>();
			for (int i = 0; i < labels.length; i += 2) {
				map.put(labels[i], labels[i + 1]);
			}
			return map;
		}

	}

}
