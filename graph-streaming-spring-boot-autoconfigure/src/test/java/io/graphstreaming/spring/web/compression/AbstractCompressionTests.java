package io.graphstreaming.spring.web.compression;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.graphstreaming.spring.web.compression.CompressionTestApplication.Gates;

/**
 * The shared server of the compression tests (one application context): event
 * compression on with Brotli and a 1 KB threshold; graph {@code gzip} with gzip and
 * 100 ms heartbeats; graph {@code plain} without event compression; and Boot's own HTTP
 * response compression on for event streams, so that the tests also show it never
 * compresses a stream twice.
 */
@SpringBootTest(classes = CompressionTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.compression.enabled=true", "graph.streaming.compression.algorithm=brotli",
				"graph.streaming.compression.threshold=1KB", "graph.streaming.graphs.gzip.compression.algorithm=gzip",
				"graph.streaming.graphs.gzip.heartbeat.enabled=true",
				"graph.streaming.graphs.gzip.heartbeat.interval=100ms",
				"graph.streaming.graphs.plain.compression.enabled=false", "server.compression.enabled=true",
				"server.compression.mime-types=text/event-stream,application/x-ndjson,application/json",
				"server.compression.min-response-size=0" })
abstract class AbstractCompressionTests {

	@LocalServerPort
	int port;

	@Autowired
	Gates gates;

	@Autowired
	MeterRegistry meters;

	double events(String algorithm, String outcome) {
		Counter counter = this.meters.find("graph.streaming.compression.events")
			.tags("algorithm", algorithm, "outcome", outcome)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	double counter(String name, String algorithm) {
		Counter counter = this.meters.find(name).tags("algorithm", algorithm).counter();
		return (counter != null) ? counter.count() : 0;
	}

	static String gunzip(byte[] gzip) throws IOException {
		try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
