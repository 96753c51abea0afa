package io.graphstreaming.spring.web;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import io.graphstreaming.core.execution.ExecutionRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 5,000 connect/abort cycles of SSE clients and 5,000 of WebSocket clients: each starts a
 * slow run, reads its first event and drops the connection. Afterwards no execution is
 * live, no stream is counted open, no thread is left beyond the bounded pools, and the
 * spill directory is empty.
 *
 * <p>The application runs with the {@code cancel} disconnect policy, so that every abort
 * goes through the cancellation path (cursor detached, run cancelled, journal closed) and
 * nothing can hide behind runs that simply go on; a short journal retention lets the
 * registry evict the cancelled executions (and delete their spill files) within seconds.
 * Every journal spills (one event kept in memory), so each cycle creates and must delete
 * a segment file. A correctness test: it asserts no timing.
 * {@link ConnectionChurnWithDefaultPolicyTests} churns under the default policy, where the
 * aborted runs go on to their end.
 */
class ConnectionChurnTests {

	private static final System.Logger logger = System.getLogger(ConnectionChurnTests.class.getName());

	private static final int CYCLES = 5_000;

	private static final int CONCURRENCY = 16;

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final String SLOW_RUN = "{\"nodes\":3,\"delayMs\":60000}";

	@TempDir
	Path spillDirectory;

	private ConfigurableApplicationContext context;

	private int port;

	@BeforeEach
	void startApplication() {
		this.context = Churn.start(this.spillDirectory, "graph.streaming.execution.disconnect-policy=cancel");
		this.port = Churn.port(this.context);
	}

	@AfterEach
	void closeApplication() {
		this.context.close();
	}

	@Test
	void thousandsOfAbortedSseAndWebSocketClientsLeaveNoExecutionsStreamsThreadsOrFiles() {
		ExecutionRegistry executions = this.context.getBean(ExecutionRegistry.class);
		StreamLimiter streams = this.context.getBean(StreamLimiter.class);
		HttpClient http = HttpClient.create(ConnectionProvider.newConnection()).baseUrl("http://localhost:" + this.port);
		// warm up, so that the event loops and pooled threads exist before the count
		assertThat(churn(Flux.range(0, 100).flatMap((i) -> sseCycle(http).then(webSocketCycle(http)), CONCURRENCY)))
			.isEqualTo(100);
		awaitNothingLeft(executions, streams);
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		int threadsBefore = threads.getThreadCount();

		AtomicInteger mostSpillDirectories = new AtomicInteger();
		Disposable sampler = Flux.interval(Duration.ofMillis(20))
			.subscribe((tick) -> mostSpillDirectories.accumulateAndGet((int) spillDirectoryEntries(), Math::max));
		int sse;
		int webSocket;
		try {
			sse = churn(Flux.range(0, CYCLES).flatMap((i) -> sseCycle(http), CONCURRENCY));
			webSocket = churn(Flux.range(0, CYCLES).flatMap((i) -> webSocketCycle(http), CONCURRENCY));
		}
		finally {
			sampler.dispose();
		}

		assertThat(mostSpillDirectories).as("journals spilled to files during the churn").hasPositiveValue();
		assertThat(sse).isEqualTo(CYCLES);
		assertThat(webSocket).isEqualTo(CYCLES);
		awaitNothingLeft(executions, streams);
		// bounded elastic may have grown up to its cap meanwhile; anything per connection would be thousands
		int tolerance = Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE + 4;
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(threads.getThreadCount()).isLessThanOrEqualTo(threadsBefore + tolerance));
		logger.log(System.Logger.Level.INFO, "Threads before the churn: " + threadsBefore + ", after: "
				+ threads.getThreadCount() + "; most spill directories at once: " + mostSpillDirectories);
	}

	/**
	 * Runs the cycles and returns how many read an {@code ExecutionStarted} first.
	 */
	private static int churn(Flux<Boolean> cycles) {
		AtomicInteger started = new AtomicInteger();
		cycles.doOnNext((ok) -> {
			if (ok) {
				started.incrementAndGet();
			}
		}).blockLast(Churn.CHURN_TIMEOUT);
		return started.get();
	}

	private static Mono<Boolean> sseCycle(HttpClient http) {
		return Churn.sseCycle(http, SLOW_RUN).map((first) -> first.contains("event: ExecutionStarted"));
	}

	private static Mono<Boolean> webSocketCycle(HttpClient http) {
		return Churn.webSocketCycle(http, SLOW_RUN)
			.map((first) -> first.contains("\"eventType\":\"ExecutionStarted\""));
	}

	private void awaitNothingLeft(ExecutionRegistry executions, StreamLimiter streams) {
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(executions.activeCount()).as("live executions").isZero();
			assertThat(streams.openStreams()).as("open streams").isZero();
			assertThat(executions.executions()).as("executions not yet evicted").isEmpty();
			assertThat(spillDirectoryEntries()).as("spill directories").isZero();
		});
	}

	private long spillDirectoryEntries() {
		return Churn.entries(this.spillDirectory);
	}

}
