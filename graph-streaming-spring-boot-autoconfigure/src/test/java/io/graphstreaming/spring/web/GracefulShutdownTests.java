package io.graphstreaming.spring.web;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.springframework.web.server.WebFilter;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.web.HttpTestClient.Reply;
import io.graphstreaming.spring.web.HttpTestClient.SseFrame;
import io.graphstreaming.spring.web.testapp.WebTestApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Graceful shutdown on a real port: closing the application context while an SSE stream,
 * a WebSocket stream, a long poll and an in-process stream of slow runs are open gives
 * each its terminal event ({@code ExecutionCancelled} in the default cancel mode, the
 * natural one for what finishes within the drain mode's grace period) before the server
 * closes the connections; sockets that stream nothing close with 1001; new executions
 * are refused with 503 while the shutdown drains; the journals' spill files are deleted in
 * either mode.
 */
class GracefulShutdownTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String SLOW_RUN = "{\"input\":{\"nodes\":3,\"delayMs\":60000}}";

	private static final String SLOW_EXECUTE = "{\"type\":\"execute\",\"input\":{\"nodes\":3,\"delayMs\":60000}}";

	@TempDir
	Path spillDirectory;

	private @Nullable ConfigurableApplicationContext context;

	@AfterEach
	void closeContext() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void closingTheContextCancelsRunningExecutionsAndEveryOpenStreamGetsExecutionCancelled() throws Exception {
		ConfigurableApplicationContext app = start();
		int port = port(app);
		HttpTestClient client = new HttpTestClient(port);
		GraphRegistry registry = app.getBean(GraphRegistry.class);

		CompletableFuture<List<SseFrame>> sse = sseStream(client, SLOW_RUN);
		Socket socket = new Socket(port, SLOW_EXECUTE);
		Socket idleSocket = new Socket(port, null);
		String polledId = startPolledExecution(client);
		long next = pollUntilNodeStarted(client, polledId);
		CompletableFuture<Reply> longPoll = client
			.exchange("GET", "/graphs/synthetic/executions/" + polledId + "/events?after=" + next + "&waitMs=60000",
					Map.of(), null)
			.toFuture();
		GraphExecution inProcess = registry.create(WebTestApplication.SYNTHETIC, Map.of("nodes", 3, "delayMs", 60000));
		CompletableFuture<List<GraphExecutionEvent>> inProcessEvents = inProcess.stream()
			.flux()
			.collectList()
			.toFuture();
		socket.awaitFirstFrame();
		idleSocket.awaitOpen();
		await().atMost(TIMEOUT).until(() -> app.getBean(LongPolls.class).waiting.get() == 1);
		await().atMost(TIMEOUT).until(() -> spillDirectoryEntries() >= 4);
		assertThat(sse).isNotDone();

		app.close();

		List<SseFrame> sseFrames = sse.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		SseFrame last = sseFrames.get(sseFrames.size() - 1);
		assertThat(last.event()).isEqualTo("ExecutionCancelled");
		assertThat(last.data()).contains("\"reason\":\"application shutting down\"");
		assertThat(socket.lastFrame()).contains("\"eventType\":\"ExecutionCancelled\"")
			.contains("application shutting down");
		assertThat(socket.closeStatus().getCode()).isEqualTo(1000);
		assertThat(idleSocket.closeStatus().getCode()).isEqualTo(1001);
		Reply poll = longPoll.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(poll.status()).isEqualTo(200);
		assertThat(poll.body()).contains("\"eventType\":\"ExecutionCancelled\"").contains("\"completed\":true");
		List<GraphExecutionEvent> events = inProcessEvents.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(ExecutionCancelledEvent.class,
				(cancelled) -> assertThat(cancelled.reason()).isEqualTo(ExecutionRegistry.SHUTDOWN_REASON));
		assertThat(spillDirectoryEntries()).isZero();
	}

	@Test
	void drainModeLetsAShortRunCompleteCancelsALongOneAfterTheGracePeriodRefusesNewRunsAndDeletesSpillFiles()
			throws Exception {
		ConfigurableApplicationContext app = start("graph.streaming.shutdown.mode=drain",
				"graph.streaming.shutdown.await=6s");
		int port = port(app);
		HttpTestClient client = new HttpTestClient(port);
		ExecutionRegistry executions = app.getBean(ExecutionRegistry.class);

		CompletableFuture<List<SseFrame>> shortRun = sseStream(client,
				"{\"input\":{\"nodes\":2,\"delayMs\":750}}");
		Socket longRun = new Socket(port, SLOW_EXECUTE);
		longRun.awaitFirstFrame();
		await().atMost(TIMEOUT).until(() -> executions.activeCount() == 2);
		await().atMost(TIMEOUT).until(() -> spillDirectoryEntries() >= 2);

		CompletableFuture<Void> closed = CompletableFuture.runAsync(app::close);
		await().atMost(TIMEOUT).until(executions::isRefusingNewExecutions);
		Reply refused = client.post("/graphs/demo/execute", "{\"input\":{}}");

		closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(refused.status()).isEqualTo(503);
		assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
		assertThat(refused.header("Retry-After")).isEqualTo("1");
		assertThat(refused.body()).contains("shutting down");
		List<SseFrame> shortFrames = shortRun.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(shortFrames.get(shortFrames.size() - 1).event()).isEqualTo("ExecutionCompleted");
		assertThat(longRun.lastFrame()).contains("\"eventType\":\"ExecutionCancelled\"")
			.contains("application shutting down");
		assertThat(longRun.closeStatus().getCode()).isEqualTo(1000);
		assertThat(spillDirectoryEntries()).as("spill files of the drained and the cancelled run").isZero();
	}

	private ConfigurableApplicationContext start(String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "spring.main.banner-mode=off",
				"graph.streaming.web.long-poll-max-wait=60s", "graph.streaming.memory-mapped-buffers.enabled=true",
				"graph.streaming.memory-mapped-buffers.directory=" + this.spillDirectory,
				"graph.streaming.memory-mapped-buffers.file-size=64KB",
				"graph.streaming.memory-mapped-buffers.in-memory-events=1"));
		all.addAll(List.of(properties));
		this.context = new SpringApplicationBuilder(WebTestApplication.class, LongPolls.class)
			.properties(all.toArray(String[]::new))
			.run();
		return this.context;
	}

	private static int port(ConfigurableApplicationContext app) {
		return app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	private static CompletableFuture<List<SseFrame>> sseStream(HttpTestClient client, String body) {
		CompletableFuture<List<SseFrame>> frames = new CompletableFuture<>();
		CompletableFuture<Void> first = new CompletableFuture<>();
		client.frames("POST", "/graphs/synthetic/execute/stream", Map.of(), body, (response) -> {
		}).doOnNext((frame) -> first.complete(null)).collectList().subscribe(frames::complete,
				frames::completeExceptionally);
		first.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
		return frames;
	}

	private static String startPolledExecution(HttpTestClient client) {
		Reply started = client.post("/graphs/synthetic/executions", SLOW_RUN);
		assertThat(started.status()).isEqualTo(202);
		String location = started.header("Location");
		return location.substring(location.lastIndexOf('/') + 1);
	}

	/**
	 * Polls without waiting until the first node has started; returns the {@code next}
	 * of the last page, after which nothing comes for a minute.
	 */
	private static long pollUntilNodeStarted(HttpTestClient client, String executionId) {
		long[] next = { 0 };
		boolean[] started = { false };
		await().atMost(TIMEOUT).until(() -> {
			Reply page = client.get("/graphs/synthetic/executions/" + executionId + "/events?after=" + next[0]);
			String body = page.body();
			started[0] |= body.contains("\"eventType\":\"NodeStarted\"");
			next[0] = Long.parseLong(body.replaceAll("(?s).*\"next\":(\\d+).*", "$1"));
			return started[0];
		});
		return next[0];
	}

	private long spillDirectoryEntries() throws Exception {
		try (Stream<Path> entries = Files.list(this.spillDirectory)) {
			return entries.count();
		}
	}

	/**
	 * Counts the long polls waiting in the server, so that the test closes the context
	 * only while one waits.
	 */
	@Configuration(proxyBeanMethods = false)
	static class LongPolls {

		final AtomicInteger waiting = new AtomicInteger();

		@Bean
		WebFilter longPollCounter() {
			return (exchange, chain) -> {
				String query = exchange.getRequest().getURI().getRawQuery();
				if (query == null || !query.contains("waitMs=60000")) {
					return chain.filter(exchange);
				}
				this.waiting.incrementAndGet();
				return chain.filter(exchange).doFinally((signal) -> this.waiting.decrementAndGet());
			};
		}

	}

	/**
	 * A WebSocket client that sends one message (or none), records the text frames and
	 * the close status.
	 */
	private static final class Socket {

		private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

		private final CompletableFuture<Void> opened = new CompletableFuture<>();

		private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

		private final CompletableFuture<String> firstFrame = new CompletableFuture<>();

		private final Disposable connection;

		Socket(int port, @Nullable String message) {
			URI uri = URI.create("ws://localhost:" + port + "/graphs/synthetic/ws");
			this.connection = new ReactorNettyWebSocketClient().execute(uri, (session) -> {
				this.opened.complete(null);
				session.closeStatus()
					.defaultIfEmpty(CloseStatus.NO_CLOSE_FRAME)
					.subscribe(this.closed::complete, this.closed::completeExceptionally);
				Mono<Void> send = (message != null) ? session.send(Mono.just(session.textMessage(message)))
						: Mono.empty();
				return send.thenMany(session.receive().map((frame) -> frame.getPayloadAsText()).doOnNext((text) -> {
					this.frames.add(text);
					this.firstFrame.complete(text);
				})).then();
			}).subscribe(null, this.closed::completeExceptionally);
		}

		void awaitOpen() {
			this.opened.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
		}

		void awaitFirstFrame() {
			this.firstFrame.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
		}

		CloseStatus closeStatus() throws Exception {
			try {
				return this.closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			}
			finally {
				this.connection.dispose();
			}
		}

		String lastFrame() throws Exception {
			closeStatus();
			List<String> all = new ArrayList<>(this.frames);
			assertThat(all).isNotEmpty();
			return all.get(all.size() - 1);
		}

	}

}
