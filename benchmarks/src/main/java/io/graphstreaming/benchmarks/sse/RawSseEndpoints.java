package io.graphstreaming.benchmarks.sse;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeOutputChunkEvent;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.spring.json.GraphEventJsonWriter;

/**
 * The raw WebFlux baseline, in the same application as our endpoints: a
 * {@code Flux<DataBuffer>} of pre-serialised SSE frames, byte for byte the frames our
 * endpoint sends for the same chunks (captured from a real run at start-up), with no
 * graph, journal or serialization behind them. Also a raw idle stream with heartbeats,
 * and {@code /bench/heap} for load scripts that run the server in another process.
 *
 * <pre>
 * GET /raw/stream?events=N&batch=B&perTick=K&tickMicros=T&phaseMicros=P&probe=ID
 *     N chunk frames; B frames per buffer (1: one write per frame); paced like the graph
 *     (&flush=each: flushed buffer by buffer, one write syscall each, instead of when
 *     nothing more is ready)
 * GET /raw/sse-encoder?events=N&perTick=K&tickMicros=T&phaseMicros=P&probe=ID
 *     the same chunks as {@code ServerSentEvent<ChunkData>} objects, written by WebFlux's
 *     own SSE writer and Jackson encoder (the usual way to stream objects with WebFlux)
 * GET /raw/idle?heartbeatMs=H     an SSE comment every H ms, forever
 * GET /bench/heap                 heap used after two full GCs, in bytes
 * </pre>
 */
public final class RawSseEndpoints {

	private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);

	private final byte[][] frames;

	private final byte[][] blocks;

	private final List<ServerSentEvent<ChunkData>> objects;

	private final int blockSize;

	/**
	 * Builds the frames from journal entries of a real run.
	 * @param chunkEntries the chunk events' entries, in order (at least 64)
	 * @param executionId their execution
	 * @param jsonWriter the application's event writer
	 * @param blockSize frames per pre-built block
	 */
	RawSseEndpoints(List<JournalEntry> chunkEntries, String executionId, GraphEventJsonWriter jsonWriter,
			int blockSize) {
		this.frames = new byte[chunkEntries.size()][];
		for (int i = 0; i < this.frames.length; i++) {
			this.frames[i] = frame(chunkEntries.get(i), executionId, jsonWriter);
		}
		this.blockSize = blockSize;
		this.blocks = new byte[this.frames.length / blockSize][];
		for (int b = 0; b < this.blocks.length; b++) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			for (int i = 0; i < blockSize; i++) {
				out.writeBytes(this.frames[b * blockSize + i]);
			}
			this.blocks[b] = out.toByteArray();
		}
		this.objects = chunkEntries.stream().map((entry) -> {
			NodeOutputChunkEvent event = (NodeOutputChunkEvent) entry.event();
			return ServerSentEvent.builder(new ChunkData(event.eventType().wireName(), event.executionId(),
					event.graphId(), event.sequence(), event.timestamp(), event.nodeId(), event.chunkIndex(),
					String.valueOf(event.chunk())))
				.id(executionId + ":" + event.sequence())
				.event(event.eventType().wireName())
				.build();
		}).toList();
	}

	/**
	 * The frame our SSE endpoint writes for an entry: {@code id}, {@code event} and
	 * {@code data} lines.
	 */
	static byte[] frame(JournalEntry entry, String executionId, GraphEventJsonWriter jsonWriter) {
		GraphExecutionEvent event = entry.event();
		byte[] head = ("id: " + executionId + ":" + event.sequence() + "\nevent: " + event.eventType().wireName()
				+ "\ndata: ").getBytes(StandardCharsets.UTF_8);
		byte[] json = entry.serialized(jsonWriter);
		ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + json.length + 2);
		out.writeBytes(head);
		out.writeBytes(json);
		out.writeBytes(new byte[] { '\n', '\n' });
		return out.toByteArray();
	}

	/**
	 * The size of one chunk frame.
	 * @return bytes
	 */
	int frameSize() {
		return this.frames[0].length;
	}

	/**
	 * The routes.
	 * @return the router function
	 */
	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.GET("/raw/stream", this::stream)
			.GET("/raw/sse-encoder", this::encoder)
			.GET("/raw/idle", this::idle)
			.GET("/bench/heap", (request) -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.body(Mono.fromCallable(RawSseEndpoints::heapAfterGc).subscribeOn(Schedulers.boundedElastic())
					.map((used) -> Map.of("heapUsed", used)), Map.class))
			.build();
	}

	/**
	 * Heap in use after full collections.
	 * @return bytes
	 */
	public static long heapAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	private Mono<ServerResponse> stream(ServerRequest request) {
		int events = intParam(request, "events", 1000);
		int batch = intParam(request, "batch", 1);
		int perTick = intParam(request, "perTick", 0);
		long tickMicros = intParam(request, "tickMicros", 1000);
		long phaseMicros = intParam(request, "phaseMicros", (int) tickMicros);
		long[] probe = LatencyProbes.find(request.queryParam("probe").orElse(null));
		DataBufferFactory buffers = request.exchange().getResponse().bufferFactory();
		Flux<DataBuffer> body;
		if (perTick <= 0) {
			if (batch > 1) {
				if (batch != this.blockSize || events % batch != 0) {
					throw new IllegalArgumentException("batch must be " + this.blockSize + " and divide events");
				}
				body = Flux.range(0, events / batch).map((b) -> {
					if (probe != null) {
						long now = System.nanoTime();
						for (int i = b * batch; i < (b + 1) * batch; i++) {
							probe[i] = now;
						}
					}
					return buffers.wrap(this.blocks[b % this.blocks.length]);
				});
			}
			else {
				body = Flux.range(0, events).map((i) -> {
					if (probe != null) {
						probe[i] = System.nanoTime();
					}
					return buffers.wrap(this.frames[i % this.frames.length]);
				});
			}
		}
		else {
			int ticks = (events + perTick - 1) / perTick;
			body = Flux.interval(Duration.ofNanos(phaseMicros * 1000), Duration.ofNanos(tickMicros * 1000),
					Schedulers.parallel())
				.take(ticks)
				.concatMapIterable((tick) -> {
					int from = (int) (tick * perTick);
					int to = Math.min(events, from + perTick);
					DataBuffer[] out = new DataBuffer[to - from];
					for (int i = from; i < to; i++) {
						if (probe != null) {
							probe[i] = System.nanoTime();
						}
						out[i - from] = buffers.wrap(this.frames[i % this.frames.length]);
					}
					return List.of(out);
				});
		}
		ServerResponse.BodyBuilder response = ServerResponse.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.header("Cache-Control", "no-cache");
		if ("each".equals(request.queryParam("flush").orElse(null))) {
			// one flush (one write syscall) per buffer, as WebFlux's SSE encoder path does
			Flux<DataBuffer> frames = body;
			BodyInserter<Flux<DataBuffer>, ReactiveHttpOutputMessage> flushedEach = (message,
					context) -> message.writeAndFlushWith(frames.map(Flux::just));
			return response.body(flushedEach);
		}
		return response.body(BodyInserters.fromDataBuffers(body));
	}

	private Mono<ServerResponse> encoder(ServerRequest request) {
		int events = intParam(request, "events", 1000);
		int perTick = intParam(request, "perTick", 0);
		long tickMicros = intParam(request, "tickMicros", 1000);
		long phaseMicros = intParam(request, "phaseMicros", (int) tickMicros);
		long[] probe = LatencyProbes.find(request.queryParam("probe").orElse(null));
		Flux<ServerSentEvent<ChunkData>> body;
		if (perTick <= 0) {
			body = Flux.range(0, events).map((i) -> {
				if (probe != null) {
					probe[i] = System.nanoTime();
				}
				return this.objects.get(i % this.objects.size());
			});
		}
		else {
			int ticks = (events + perTick - 1) / perTick;
			body = Flux.interval(Duration.ofNanos(phaseMicros * 1000), Duration.ofNanos(tickMicros * 1000),
					Schedulers.parallel())
				.take(ticks)
				.concatMapIterable((tick) -> {
					int from = (int) (tick * perTick);
					int to = Math.min(events, from + perTick);
					List<ServerSentEvent<ChunkData>> out = new ArrayList<>(to - from);
					for (int i = from; i < to; i++) {
						if (probe != null) {
							probe[i] = System.nanoTime();
						}
						out.add(this.objects.get(i % this.objects.size()));
					}
					return out;
				});
		}
		return ServerResponse.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.header("Cache-Control", "no-cache")
			.body(BodyInserters.fromServerSentEvents(body));
	}

	/**
	 * The data of a chunk event as an object, with the same fields as our event JSON.
	 */
	record ChunkData(String eventType, String executionId, String graphId, long sequence, Instant timestamp,
			String nodeId, long chunkIndex, String chunk) {
	}

	private Mono<ServerResponse> idle(ServerRequest request) {
		long heartbeatMs = intParam(request, "heartbeatMs", 1000);
		DataBufferFactory buffers = request.exchange().getResponse().bufferFactory();
		Flux<DataBuffer> body = Flux.interval(Duration.ofMillis(heartbeatMs), Schedulers.parallel())
			.onBackpressureDrop()
			.map((tick) -> buffers.wrap(HEARTBEAT));
		return ServerResponse.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.header("Cache-Control", "no-cache")
			.body(BodyInserters.fromDataBuffers(body));
	}

	private static int intParam(ServerRequest request, String name, int defaultValue) {
		return request.queryParam(name).map(Integer::parseInt).orElse(defaultValue);
	}

}
