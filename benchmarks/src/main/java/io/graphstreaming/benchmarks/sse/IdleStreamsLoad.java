package io.graphstreaming.benchmarks.sse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.Disposable;

import io.graphstreaming.benchmarks.support.Stats;

/**
 * Benchmark (d): many idle SSE streams with heartbeats. The server runs in a child JVM
 * ({@link BenchServer}, so that its heap is measured alone and each process has its own
 * file-descriptor limit); this process opens the streams. For each count and each
 * endpoint: heap after GC with the streams open minus before, per stream, and how late
 * heartbeats arrive (gap between two heartbeats of a stream minus the interval).
 *
 * <p>Endpoints: ours, {@code GET /graphs/idle/execute/stream} (a running execution whose
 * node waits, with the starter's heartbeats), and raw WebFlux, {@code GET /raw/idle} (a
 * {@code Flux.interval} of heartbeat comments).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.graphstreaming.benchmarks.sse.IdleStreamsLoad [--counts=1000,5000,10000] [--smoke]}.
 * Each stream needs a file descriptor in each process; check {@code ulimit -n}.
 */
public final class IdleStreamsLoad {

	private static final long HEARTBEAT_MS = 1000;

	private IdleStreamsLoad() {
	}

	public static void main(String[] args) throws Exception {
		boolean smoke = Arrays.asList(args).contains("--smoke");
		int[] counts = smoke ? new int[] { 200 } : new int[] { 1_000, 5_000, 10_000 };
		int holdSeconds = smoke ? 3 : 10;
		for (String arg : args) {
			if (arg.startsWith("--counts=")) {
				counts = Arrays.stream(arg.substring(9).split(",")).mapToInt(Integer::parseInt).toArray();
			}
			if (arg.startsWith("--hold=")) {
				holdSeconds = Integer.parseInt(arg.substring(7));
			}
		}
		List<String> jvm = List.of("-Xmx4g", "-XX:+UseG1GC");
		List<String> properties = List.of("--graph.streaming.heartbeat.enabled=true",
				"--graph.streaming.heartbeat.interval=" + HEARTBEAT_MS + "ms");
		System.out.printf(Locale.ROOT, "# Idle SSE streams, heartbeat every %d ms, held %d s; server JVM %s%n",
				HEARTBEAT_MS, holdSeconds, jvm);
		System.out.println();
		System.out.println("| endpoint | streams | heap per stream | total | heartbeat gap minus interval p50 | p99 | p99.9 | max |");
		System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
		try (ServerProcess server = new ServerProcess(jvm, properties)) {
			SseClient client = new SseClient(server.baseUrl());
			// Warm-up: the first streams load classes and fill caches on both sides.
			measure(client, server, "/graphs/idle/execute/stream?input=%7B%7D", 100, 2, false);
			measure(client, server, "/raw/idle?heartbeatMs=" + HEARTBEAT_MS, 100, 2, false);
			for (int count : counts) {
				measure(client, server, "/graphs/idle/execute/stream?input=%7B%7D", count, holdSeconds, true);
				measure(client, server, "/raw/idle?heartbeatMs=" + HEARTBEAT_MS, count, holdSeconds, true);
			}
		}
		System.exit(0);
	}

	private static void measure(SseClient client, ServerProcess server, String path, int count, int holdSeconds,
			boolean print) throws Exception {
		long before = server.heapAfterGc();
		List<IdleStream> streams = new ArrayList<>(count);
		AtomicInteger open = new AtomicInteger();
		AtomicInteger failed = new AtomicInteger();
		for (int i = 0; i < count; i++) {
			IdleStream stream = new IdleStream(open);
			streams.add(stream);
			stream.subscription = client.stream(path, stream::onFrame)
				.subscribe(null, (error) -> failed.incrementAndGet());
			if (i % 250 == 249) {
				awaitOpen(open, i + 1 - 250, failed, Duration.ofSeconds(60));
			}
		}
		awaitOpen(open, count, failed, Duration.ofSeconds(120));
		long heldFrom = System.nanoTime();
		streams.forEach((stream) -> stream.recordFrom = heldFrom);
		TimeUnit.SECONDS.sleep(holdSeconds);
		// Heartbeat gaps first: the full GCs below pause the server.
		List<Long> gaps = new ArrayList<>();
		for (IdleStream stream : streams) {
			synchronized (stream) {
				stream.gaps.forEach(gaps::add);
			}
		}
		long with = server.heapAfterGc();
		streams.forEach((stream) -> stream.subscription.dispose());
		TimeUnit.SECONDS.sleep(3);
		if (failed.get() > 0) {
			throw new IllegalStateException(failed.get() + " of " + count + " streams failed on " + path);
		}
		long[] delays = gaps.stream().mapToLong((gap) -> gap - HEARTBEAT_MS * 1_000_000).toArray();
		Stats stats = Stats.of(delays, delays.length);
		if (print) {
			System.out.printf(Locale.ROOT, "| %s | %,d | %.1f KB | %.1f MB | %s |%n",
					path.startsWith("/raw") ? "raw WebFlux Flux.interval heartbeats" : "graph-streaming SSE (idle execution)",
					count, (with - before) / 1024.0 / count, (with - before) / 1024.0 / 1024.0, stats.summary());
		}
	}

	private static void awaitOpen(AtomicInteger open, int expected, AtomicInteger failed, Duration timeout)
			throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (open.get() < expected) {
			if (failed.get() > 0) {
				throw new IllegalStateException(failed.get() + " streams failed while opening");
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Only " + open.get() + " of " + expected + " streams opened");
			}
			TimeUnit.MILLISECONDS.sleep(20);
		}
	}

	/**
	 * One open stream: open once its first message arrived; heartbeat gaps recorded
	 * during the hold.
	 */
	private static final class IdleStream {

		private final AtomicInteger open;

		volatile long recordFrom = Long.MAX_VALUE;

		final List<Long> gaps = new ArrayList<>();

		Disposable subscription;

		private boolean opened;

		private long lastHeartbeat;

		IdleStream(AtomicInteger open) {
			this.open = open;
		}

		synchronized void onFrame(boolean comment, long now) {
			if (!this.opened) {
				this.opened = true;
				this.open.incrementAndGet();
			}
			if (!comment) {
				return;
			}
			if (this.lastHeartbeat != 0 && this.lastHeartbeat >= this.recordFrom) {
				this.gaps.add(now - this.lastHeartbeat);
			}
			this.lastHeartbeat = now;
		}

	}

}
