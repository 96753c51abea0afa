package io.graphstreaming.spring.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannelConfig;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import reactor.core.publisher.BaseSubscriber;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.web.testapp.WebTestApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A slow SSE client holds the execution back under the default {@code block} policy:
 * the client stops reading, TCP fills up, the response writer stops requesting, the
 * journal cursor stops, and the execution waits once the cursor is
 * {@code max-buffer-size} (200 here) behind. The client then drains all 10,002 events,
 * each exactly once.
 *
 * <p>What may be in flight between the newest event and the last one the client parsed
 * ("lag"), measured on each run and bounded by:
 * <ul>
 * <li>the journal: at most {@code max-buffer-size} events not yet handed to the writer,
 * plus the events of the node running when the limit was reached (five per node);</li>
 * <li>JVM heap outside the journal: the frames Reactor Netty's writer requests ahead
 * (128) and Netty's outbound buffer, which stops the writer at its high water mark
 * (64 KB by default);</li>
 * <li>kernel memory, not heap: the server's socket send buffer and the client's receive
 * buffer, plus what the client read before it paused (at most one more receive buffer).
 * Linux autotunes an unset {@code SO_SNDBUF} up to {@code tcp_wmem} max (4 MB here: 3.9 MB
 * was measured, enough to swallow this whole 2.7 MB run), so the test pins it at 64 KB
 * on the server (a {@code NettyServerCustomizer}, as an application would) and 32 KB on
 * the client; the kernel doubles both.</li>
 * </ul>
 * So lag &le; 200 + 5 + 128 + (SO_SNDBUF + 2 &times; SO_RCVBUF + high water mark) / smallest
 * frame, with the sizes read back from the live sockets. A typical run here: lag 996
 * (head 1,096, 100 received) against a bound of 1,675, with 61 KB pending in Netty.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.graphs.synthetic.max-buffer-size=200",
				"graph.streaming.graphs.synthetic.buffer-size=50" })
@Import(SlowConsumerBackpressureTests.ServerChannels.class)
class SlowConsumerBackpressureTests {

	private static final int MAX_BUFFER_SIZE = 200;

	private static final int CLIENT_RECEIVE_BUFFER = 32 * 1024;

	private static final int SERVER_SEND_BUFFER = 64 * 1024;

	/** The execution checks for capacity before each node, and a node emits five events. */
	private static final int EVENTS_PER_NODE = 5;

	/** Frames Reactor Netty's response writer requests ahead of the socket. */
	private static final int SEND_PREFETCH = 128;

	@LocalServerPort
	int port;

	@Autowired
	GraphRegistry registry;

	@Autowired
	ServerChannels serverChannels;

	@Test
	void pausedClientHoldsTheExecutionBackThenDrainsEveryEventOnce() throws Exception {
		AtomicReference<Channel> clientChannel = new AtomicReference<>();
		HttpClient http = HttpClient.create(ConnectionProvider.newConnection())
			.baseUrl("http://localhost:" + this.port)
			.option(ChannelOption.SO_RCVBUF, CLIENT_RECEIVE_BUFFER)
			.doOnConnected((connection) -> clientChannel.set(connection.channel()));
		AtomicReference<String> executionId = new AtomicReference<>();
		SlowReader reader = new SlowReader(100);
		http.post()
			.uri("/graphs/synthetic/execute/stream")
			.send(reactor.netty.ByteBufFlux.fromString(reactor.core.publisher.Mono.just("{\"input\":{\"nodes\":2000}}")))
			.response((response, content) -> {
				executionId.set(response.responseHeaders().get("X-Execution-Id"));
				return content.asString(StandardCharsets.UTF_8);
			})
			.subscribe(reader);
		assertThat(reader.paused.await(30, TimeUnit.SECONDS)).isTrue();
		GraphExecution execution = this.registry.execution("synthetic", executionId.get());
		long head = awaitStableHead(execution);
		long received = reader.frames.get();
		long lag = head - received;
		Channel server = this.serverChannels.channels.peek();
		int serverSendBuffer = ((SocketChannelConfig) server.config()).getSendBufferSize();
		int clientReceiveBuffer = ((SocketChannelConfig) clientChannel.get().config()).getReceiveBufferSize();
		int highWaterMark = server.config().getWriteBufferHighWaterMark();
		int minFrame = reader.minFrameBytes.get();
		int nettyPending = (int) server.unsafe().outboundBuffer().totalPendingWriteBytes();
		long slack = EVENTS_PER_NODE + SEND_PREFETCH
				+ ceilDiv(serverSendBuffer + 2L * clientReceiveBuffer + highWaterMark, minFrame);
		String measured = "head=" + head + " received=" + received + " lag=" + lag + " SO_SNDBUF=" + serverSendBuffer
				+ " SO_RCVBUF=" + clientReceiveBuffer + " highWaterMark=" + highWaterMark + " nettyPending="
				+ nettyPending + " minFrame=" + minFrame + " slack=" + slack;
		System.out.println("Backpressure measured: " + measured);
		assertThat(execution.status().isFinished()).as(measured).isFalse();
		assertThat(head).as(measured).isLessThan(10_002);
		assertThat(lag).as(measured).isLessThanOrEqualTo(MAX_BUFFER_SIZE + slack);
		reader.drain();
		assertThat(reader.done.await(60, TimeUnit.SECONDS)).isTrue();
		assertThat(reader.sequences).containsExactlyElementsOf(LongStream.rangeClosed(1, 10_002).boxed().toList());
		assertThat(reader.lastEvent.get()).isEqualTo("ExecutionCompleted");
	}

	private static long ceilDiv(long bytes, int frameBytes) {
		return (bytes + frameBytes - 1) / frameBytes;
	}

	private static long awaitStableHead(GraphExecution execution) {
		long[] last = { -1, System.nanoTime() };
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
			long head = execution.journal().head();
			long now = System.nanoTime();
			if (head != last[0]) {
				last[0] = head;
				last[1] = now;
				return false;
			}
			return now - last[1] >= TimeUnit.MILLISECONDS.toNanos(500);
		});
		return last[0];
	}

	/**
	 * Reads a few chunks, then stops requesting (Reactor Netty stops reading the socket),
	 * then drains on demand.
	 */
	static final class SlowReader extends BaseSubscriber<String> {

		final int framesBeforePause;

		final CountDownLatch paused = new CountDownLatch(1);

		final CountDownLatch done = new CountDownLatch(1);

		final AtomicInteger frames = new AtomicInteger();

		final AtomicInteger minFrameBytes = new AtomicInteger(Integer.MAX_VALUE);

		final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();

		final List<Long> sequences = java.util.Collections.synchronizedList(new ArrayList<>());

		final AtomicReference<String> lastEvent = new AtomicReference<>();

		private final StringBuilder pending = new StringBuilder();

		private volatile boolean draining;

		SlowReader(int framesBeforePause) {
			this.framesBeforePause = framesBeforePause;
		}

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			request(1);
		}

		@Override
		protected void hookOnNext(String chunk) {
			this.pending.append(chunk);
			int end;
			while ((end = this.pending.indexOf("\n\n")) >= 0) {
				String block = this.pending.substring(0, end);
				this.pending.delete(0, end + 2);
				HttpTestClient.SseFrame frame = HttpTestClient.SseFrame.of(block);
				this.sequences.add(frame.sequence());
				this.lastEvent.set(frame.event());
				this.frames.incrementAndGet();
				this.bytes.addAndGet(block.length() + 2);
				this.minFrameBytes.accumulateAndGet(block.length() + 2, Math::min);
			}
			if (this.draining || this.frames.get() < this.framesBeforePause) {
				request(1);
			}
			else {
				this.paused.countDown();
			}
		}

		void drain() {
			this.draining = true;
			request(1);
		}

		@Override
		protected void hookOnComplete() {
			this.done.countDown();
		}

	}

	/**
	 * Remembers the server's accepted connections, to read their socket buffer sizes.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class ServerChannels {

		final Queue<Channel> channels = new ConcurrentLinkedQueue<>();

		@Bean
		NettyServerCustomizer rememberChannels() {
			return (server) -> server.childOption(ChannelOption.SO_SNDBUF, SERVER_SEND_BUFFER)
				.doOnConnection((connection) -> this.channels.add(connection.channel()));
		}

	}

}
