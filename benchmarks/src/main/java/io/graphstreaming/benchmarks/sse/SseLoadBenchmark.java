package io.graphstreaming.benchmarks.sse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import reactor.core.publisher.Flux;

import io.graphstreaming.benchmarks.support.Stats;

/**
 * Benchmark (c): SSE over loopback, from a real client (Reactor Netty, reading the body as
 * it arrives) to the starter running in this JVM, against a raw WebFlux endpoint of the
 * same pre-serialised frames in the same application (one frame per buffer, or 64), with
 * and without producer batching, and against WebFlux's own way of streaming objects
 * ({@code Flux<ServerSentEvent<T>>}, Jackson per event).
 * Per-event latency is measured from the producer's emit to the arrival of the event's
 * last byte at the client (one clock, one JVM). Listens and connects on 127.0.0.1 only;
 * stops by itself.
 *
 * <p>Scenarios:
 * <ol>
 * <li>saturated, one connection: {@code events} chunks as fast as backpressure allows;
 * events/s and latency (which, at saturation, is mostly queueing);
 * <li>paced, one connection: 10 events every millisecond (10,000 events/s);
 * <li>paced, 1,000 connections at once: each 1 event every 50 ms, their ticks starting after
 * 1 s (when all are connected) and spread evenly over the 50 ms (20,000 events/s in all).
 * </ol>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.graphstreaming.benchmarks.sse.SseLoadBenchmark}
 * (add {@code --smoke} for a quick check).
 */
public final class SseLoadBenchmark {

	private SseLoadBenchmark() {
	}

	public static void main(String[] args) {
		boolean smoke = Arrays.asList(args).contains("--smoke");
		int events = smoke ? 64 * 1024 : 512 * 1024;
		int rounds = smoke ? 1 : 3;
		String scenarios = "123";
		List<Variant> selected = List.of(Variant.values());
		for (String arg : args) {
			if (arg.startsWith("--scenarios=")) {
				scenarios = arg.substring(12);
			}
			else if (arg.startsWith("--variants=")) {
				selected = Arrays.stream(arg.substring(11).split(",")).map(Variant::valueOf).toList();
			}
			else if (arg.startsWith("--events=")) {
				events = Integer.parseInt(arg.substring(9));
			}
			else if (arg.startsWith("--rounds=")) {
				rounds = Integer.parseInt(arg.substring(9));
			}
			else if (!arg.equals("--smoke")) {
				throw new IllegalArgumentException("Unknown argument " + arg
						+ "; use --smoke, --scenarios=123, --variants=OURS,OURS_BATCHED,RAW,RAW_FLUSHED,RAW_BATCHED,WEBFLUX_ENCODER,"
						+ " --events=N, --rounds=N");
			}
		}
		int warmups = smoke ? 1 : 2;
		int pacedEvents = smoke ? 2_000 : 30_000;
		int streams = smoke ? 100 : 1_000;
		int eventsPerStream = smoke ? 20 : 100;
		try (SseBenchmarkApplication.Server server = SseBenchmarkApplication.start(
				SseBenchmarkApplication.defaultProperties())) {
			SseClient client = new SseClient(server.baseUrl());
			System.out.printf(Locale.ROOT, "# SSE over loopback: chunk frame %d bytes%n", server.frameSize());
			if (scenarios.contains("1")) {
				saturated(client, selected, events, warmups, rounds);
			}
			if (scenarios.contains("2")) {
				paced(client, selected.stream().filter((v) -> v != Variant.RAW_BATCHED).toList(), pacedEvents);
			}
			if (scenarios.contains("3")) {
				concurrent(client, selected.stream().filter((v) -> v == Variant.OURS || v == Variant.RAW).toList(),
						streams, eventsPerStream);
			}
		}
		System.exit(0);
	}

	private static void saturated(SseClient client, List<Variant> variants, int events, int warmups, int rounds) {
		for (int w = 0; w < warmups; w++) {
			for (Variant variant : variants) {
				runOne(client, variant, events, 0, 0);
			}
		}
		List<List<Result>> byVariant = new ArrayList<>();
		variants.forEach((variant) -> byVariant.add(new ArrayList<>()));
		for (int r = 0; r < rounds; r++) {
			for (int v = 0; v < variants.size(); v++) {
				byVariant.get(v).add(runOne(client, variants.get(v), events, 0, 0));
			}
		}
		System.out.println();
		System.out.printf(Locale.ROOT, "## 1. Saturated, one connection: %,d events per run (median of %d runs)%n",
				events, rounds);
		System.out.println();
		System.out.println("| endpoint | events/s | latency p50 | p99 | p99.9 | max |");
		System.out.println("|---|---:|---:|---:|---:|---:|");
		for (int v = 0; v < variants.size(); v++) {
			List<Result> results = byVariant.get(v);
			results.sort(Comparator.comparingDouble(Result::eventsPerSecond));
			Result median = results.get(results.size() / 2);
			System.out.printf(Locale.ROOT, "| %s | %,.0f | %s |%n", variants.get(v).label, median.eventsPerSecond(),
					median.latency().summary());
		}
	}

	private static void paced(SseClient client, List<Variant> variants, int events) {
		for (Variant variant : variants) {
			runOne(client, variant, events / 4, 10, 1000);
		}
		System.out.println();
		System.out.printf(Locale.ROOT, "## 2. Paced, one connection: 10 events per ms, %,d events%n", events);
		System.out.println();
		System.out.println("| endpoint | latency p50 | p99 | p99.9 | max |");
		System.out.println("|---|---:|---:|---:|---:|");
		for (Variant variant : variants) {
			Result result = runOne(client, variant, events, 10, 1000);
			System.out.printf(Locale.ROOT, "| %s | %s |%n", variant.label, result.latency().summary());
		}
	}

	private static void concurrent(SseClient client, List<Variant> variants, int streams, int eventsPerStream) {
		for (Variant variant : variants) {
			runConcurrent(client, variant, Math.max(1, streams / 10), Math.max(1, eventsPerStream / 4), 50_000);
		}
		System.out.println();
		System.out.printf(Locale.ROOT,
				"## 3. Paced, %,d connections at once: 1 event per 50 ms on each, %d events each%n", streams,
				eventsPerStream);
		System.out.println();
		System.out.println("| endpoint | events | latency p50 | p99 | p99.9 | max |");
		System.out.println("|---|---:|---:|---:|---:|---:|");
		for (Variant variant : variants) {
			Stats stats = runConcurrent(client, variant, streams, eventsPerStream, 50_000);
			System.out.printf(Locale.ROOT, "| %s | %,d | %s |%n", variant.label, stats.count(), stats.summary());
		}
	}

	private static Result runOne(SseClient client, Variant variant, int events, int perTick, long tickMicros) {
		Stream stream = new Stream(variant, events, perTick, tickMicros, tickMicros);
		long start = System.nanoTime();
		client.stream(stream.path, stream::onFrame).block(Duration.ofMinutes(5));
		stream.close();
		return new Result(events * 1e9 / (stream.received[events - 1] - start), stream.latencies(events));
	}

	private static Stats runConcurrent(SseClient client, Variant variant, int streams, int events, long tickMicros) {
		List<Stream> all = new ArrayList<>();
		for (int i = 0; i < streams; i++) {
			// Ticks start once every connection is open (after 1 s) and are spread evenly over the
			// period: a steady aggregate rate, not synchronized bursts of one event per stream.
			all.add(new Stream(variant, events, 1, tickMicros, 1_000_000 + i * tickMicros / streams));
		}
		Flux.fromIterable(all)
			.flatMap((stream) -> client.stream(stream.path, stream::onFrame), streams)
			.then()
			.block(Duration.ofMinutes(5));
		long[] latencies = new long[streams * events];
		int n = 0;
		for (Stream stream : all) {
			stream.close();
			for (int i = 0; i < events; i++) {
				latencies[n++] = stream.received[i] - stream.emitted[i];
			}
		}
		if (Boolean.getBoolean("bench.timeline")) {
			printTimeline(all, events);
		}
		return Stats.of(latencies, n);
	}

	/**
	 * With {@code -Dbench.timeline=true}: latency percentiles per 250 ms of emission time,
	 * to tell a steady tail from a stall.
	 */
	private static void printTimeline(List<Stream> streams, int events) {
		long first = streams.stream().mapToLong((stream) -> stream.emitted[0]).min().orElse(0);
		List<List<Long>> buckets = new ArrayList<>();
		for (Stream stream : streams) {
			for (int i = 0; i < events; i++) {
				int bucket = (int) ((stream.emitted[i] - first) / 250_000_000L);
				while (buckets.size() <= bucket) {
					buckets.add(new ArrayList<>());
				}
				buckets.get(bucket).add(stream.received[i] - stream.emitted[i]);
			}
		}
		for (int b = 0; b < buckets.size(); b++) {
			long[] values = buckets.get(b).stream().mapToLong(Long::longValue).toArray();
			Stats stats = Stats.of(values, values.length);
			System.out.printf(Locale.ROOT, "  t=%5d ms  %6d events  p50 %s  p99 %s  max %s%n", b * 250, values.length,
					Stats.format(stats.percentile(50)), Stats.format(stats.percentile(99)), Stats.format(stats.max()));
		}
	}

	/**
	 * One stream's probe and arrivals.
	 */
	private static final class Stream {

		final String probe = UUID.randomUUID().toString();

		final long[] emitted;

		final long[] received;

		final String path;

		final int offset;

		int frames;

		Stream(Variant variant, int events, int perTick, long tickMicros, long phaseMicros) {
			this.emitted = LatencyProbes.register(this.probe, events);
			this.received = new long[events];
			this.offset = variant.offset;
			this.path = variant.path(events, perTick, tickMicros, phaseMicros, this.probe);
		}

		void onFrame(boolean comment, long now) {
			if (comment) {
				return;
			}
			int chunk = this.frames++ - this.offset;
			if (chunk >= 0 && chunk < this.received.length) {
				this.received[chunk] = now;
			}
		}

		Stats latencies(int events) {
			long[] latencies = new long[events];
			for (int i = 0; i < events; i++) {
				latencies[i] = this.received[i] - this.emitted[i];
			}
			return Stats.of(latencies, events);
		}

		void close() {
			LatencyProbes.remove(this.probe);
			if (this.received[this.received.length - 1] == 0) {
				throw new IllegalStateException("Stream " + this.path + " ended after " + this.frames + " frames");
			}
		}

	}

	private record Result(double eventsPerSecond, Stats latency) {
	}

	/**
	 * The endpoints compared.
	 */
	enum Variant {

		OURS("graph-streaming SSE, producer-batch-size 1", "chunks", 0),

		OURS_BATCHED("graph-streaming SSE, producer-batch-size 64", "batched", 0),

		RAW("raw WebFlux Flux<DataBuffer>, 1 frame per buffer", null, 1),

		RAW_FLUSHED("raw WebFlux Flux<DataBuffer>, 1 frame per buffer, flushed each", null, 1),

		RAW_BATCHED("raw WebFlux Flux<DataBuffer>, 64 frames per buffer", null, SseBenchmarkApplication.BATCH),

		WEBFLUX_ENCODER("WebFlux Flux<ServerSentEvent<ChunkData>>, Jackson per event", null, 0);

		final String label;

		final String graphId;

		final int rawBatch;

		final int offset;

		Variant(String label, String graphId, int rawBatch) {
			this.label = label;
			this.graphId = graphId;
			this.rawBatch = rawBatch;
			this.offset = (graphId != null) ? ChunkStreamer.FRAMES_BEFORE_CHUNKS : 0;
		}

		String path(int events, int perTick, long tickMicros, long phaseMicros, String probe) {
			if (this.graphId != null) {
				return SseClient.graphStream(this.graphId, String.format(Locale.ROOT,
						"{\"events\":%d,\"perTick\":%d,\"tickMicros\":%d,\"phaseMicros\":%d,\"probe\":\"%s\"}",
						events, perTick, tickMicros, phaseMicros, probe));
			}
			if (this.rawBatch == 0) {
				return String.format(Locale.ROOT,
						"/raw/sse-encoder?events=%d&perTick=%d&tickMicros=%d&phaseMicros=%d&probe=%s", events,
						perTick, tickMicros, phaseMicros, probe);
			}
			return String.format(Locale.ROOT,
					"/raw/stream?events=%d&batch=%d&perTick=%d&tickMicros=%d&phaseMicros=%d&probe=%s%s", events,
					this.rawBatch, perTick, tickMicros, phaseMicros, probe, (this == RAW_FLUSHED) ? "&flush=each" : "");
		}

	}

}
