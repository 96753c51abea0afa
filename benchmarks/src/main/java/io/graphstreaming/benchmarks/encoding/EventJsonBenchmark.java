package io.graphstreaming.benchmarks.encoding;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.event.NodeOutputChunkEvent;
import io.graphstreaming.spring.json.GraphEventJsonWriter;

/**
 * Where an SSE event's time goes before it reaches Netty: the starter's event JSON writer
 * (the bytes every transport reuses) for a chunk event and a node-completed event, and
 * {@code Instant.toString()} alone (the ISO timestamp of every event). Serialization
 * happens once per event, whatever the number of consumers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class EventJsonBenchmark {

	private GraphEventJsonWriter writer;

	private NodeOutputChunkEvent chunk;

	private NodeCompletedEvent completed;

	private Instant timestamp;

	@Setup
	public void setUp() {
		this.writer = new GraphEventJsonWriter(new JsonMapper());
		String executionId = "3f1c2a9e-8d4b-4c7e-9a51-0b6f2d8e7c41";
		this.timestamp = Instant.parse("2026-11-25T20:15:21.123456Z");
		this.chunk = new NodeOutputChunkEvent(executionId, "chunks", 1234, this.timestamp, "emit", 1230,
				"lorem ipsum dolor");
		this.completed = new NodeCompletedEvent(executionId, "chunks", 1235, this.timestamp, "emit",
				Duration.ofNanos(1_234_567), Map.of("events", 100_000));
	}

	/** The JSON of a {@code NodeOutputChunk} event (~220 bytes). */
	@Benchmark
	public byte[] chunkEventJson() {
		return this.writer.apply(this.chunk);
	}

	/** The JSON of a {@code NodeCompleted} event with a one-entry output. */
	@Benchmark
	public byte[] nodeCompletedEventJson() {
		return this.writer.apply(this.completed);
	}

	/** The ISO-8601 timestamp alone. */
	@Benchmark
	public String instantToString() {
		return this.timestamp.toString();
	}

}
