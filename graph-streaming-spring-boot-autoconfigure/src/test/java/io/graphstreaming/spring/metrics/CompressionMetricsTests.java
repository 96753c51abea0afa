package io.graphstreaming.spring.metrics;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import io.graphstreaming.core.execution.ExecutionRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The event compression meters: bytes before and after by algorithm, events compressed
 * and skipped by algorithm and outcome, each with a description, exposed to Prometheus
 * under names {@code promtool check metrics} accepts.
 */
class CompressionMetricsTests {

	private final ExecutionRegistry executions = new ExecutionRegistry(10, Duration.ofMinutes(1), Clock.systemUTC());

	@Test
	void compressedAndSkippedEventsAreCountedByAlgorithmAndOutcome() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		GraphStreamingMetrics metrics = metrics("graph.streaming");
		metrics.bindTo(registry);

		metrics.eventCompressed("gzip", 4000, 900);
		metrics.eventCompressed("gzip", 6000, 1100);
		metrics.eventCompressionSkipped("gzip");
		metrics.eventCompressed("brotli", 1000, 200);

		assertThat(registry.get("graph.streaming.compression.bytes.in").tag("algorithm", "gzip").counter().count())
			.isEqualTo(10_000);
		assertThat(registry.get("graph.streaming.compression.bytes.out").tag("algorithm", "gzip").counter().count())
			.isEqualTo(2000);
		assertThat(registry.get("graph.streaming.compression.events")
			.tags("algorithm", "gzip", "outcome", "compressed")
			.counter()
			.count()).isEqualTo(2);
		assertThat(registry.get("graph.streaming.compression.events")
			.tags("algorithm", "gzip", "outcome", "skipped")
			.counter()
			.count()).isEqualTo(1);
		assertThat(registry.get("graph.streaming.compression.events")
			.tags("algorithm", "brotli", "outcome", "compressed")
			.counter()
			.count()).isEqualTo(1);
		assertThat(registry.getMeters()).filteredOn((meter) -> meter.getId().getName().contains("compression"))
			.hasSize(8)
			.allSatisfy((meter) -> assertThat(meter.getId().getDescription()).isNotBlank());
	}

	@Test
	void theMeterNamePrefixesTheCompressionMeters() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		GraphStreamingMetrics metrics = metrics("flows");
		metrics.bindTo(registry);

		metrics.eventCompressionSkipped("brotli");

		assertThat(registry.find("flows.compression.events").counters()).hasSize(2);
	}

	@Test
	void prometheusNamesPassPromtool() throws Exception {
		PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		GraphStreamingMetrics metrics = metrics("graph.streaming");
		metrics.bindTo(prometheus);
		metrics.eventCompressed("gzip", 4000, 900);
		metrics.eventCompressionSkipped("brotli");

		String scrape = prometheus.scrape();

		assertThat(scrape).contains("# TYPE graph_streaming_compression_bytes_in_total counter",
				"graph_streaming_compression_bytes_in_total{algorithm=\"gzip\"} 4000.0",
				"graph_streaming_compression_bytes_out_total{algorithm=\"gzip\"} 900.0",
				"graph_streaming_compression_events_total{algorithm=\"gzip\",outcome=\"compressed\"} 1.0",
				"graph_streaming_compression_events_total{algorithm=\"brotli\",outcome=\"skipped\"} 1.0",
				"# HELP graph_streaming_compression_bytes_in_total Bytes of compressed events before compression");
		File promtool = new File("/usr/bin/promtool");
		assumeTrue(promtool.canExecute(), "promtool is not installed");
		Process process = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true).start();
		process.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
		process.getOutputStream().close();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(output).isEmpty();
		assertThat(process.exitValue()).isZero();
	}

	private GraphStreamingMetrics metrics(String prefix) {
		return new GraphStreamingMetrics(this.executions, () -> List.of("demo"), null, prefix, null);
	}

}
