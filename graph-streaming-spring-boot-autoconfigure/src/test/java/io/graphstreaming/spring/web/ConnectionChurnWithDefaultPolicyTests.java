package io.graphstreaming.spring.web;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
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
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.spring.autoconfigure.GraphStreamingProperties;
import io.graphstreaming.spring.registry.DisconnectPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 1,000 connect/abort cycles of SSE clients and 1,000 of WebSocket clients under the
 * default disconnect policy ({@code continue}): each starts a short run, reads its first
 * event and drops the connection. The runs lose their only consumer mid-way and must go
 * on to their natural end by themselves; afterwards no execution is live, no stream is
 * counted open, no thread is left beyond the bounded pools, and once the short journal
 * retention has passed the spill directory is empty. Every journal spills (one event kept
 * in memory). A correctness test: it asserts no timing.
 */
class ConnectionChurnWithDefaultPolicyTests {

	private static final int CYCLES = 1_000;

	private static final int CONCURRENCY = 16;

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	/** Four nodes of 20 ms each: the client is gone long before the run ends. */
	private static final String SHORT_RUN = "{\"nodes\":4,\"delayMs\":20}";

	private static final JsonMapper JSON = new JsonMapper();

	@TempDir
	Path spillDirectory;

	private ConfigurableApplicationContext context;

	private int port;

	@BeforeEach
	void startApplication() {
		this.context = Churn.start(this.spillDirectory);
		this.port = Churn.port(this.context);
	}

	@AfterEach
	void closeApplication() {
		this.context.close();
	}

	@Test
	void abortedSseAndWebSocketClientsLeaveRunsThatEndByThemselvesAndNothingBehind() {
		assertThat(this.context.getBean(GraphStreamingProperties.class).getExecution().getDisconnectPolicy())
			.isEqualTo(DisconnectPolicy.CONTINUE);
		ExecutionRegistry executions = this.context.getBean(ExecutionRegistry.class);
		StreamLimiter streams = this.context.getBean(StreamLimiter.class);
		HttpClient http = HttpClient.create(ConnectionProvider.newConnection()).baseUrl("http://localhost:" + this.port);
		// warm up, so that the event loops and pooled threads exist before the count
		Queue<GraphExecution> warmUp = new ConcurrentLinkedQueue<>();
		churn(Flux.range(0, 50)
			.flatMap((i) -> sseCycle(http, executions, warmUp).then(webSocketCycle(http, executions, warmUp)),
					CONCURRENCY));
		awaitNothingLeft(executions, streams);
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		int threadsBefore = threads.getThreadCount();

		Queue<GraphExecution> aborted = new ConcurrentLinkedQueue<>();
		AtomicInteger mostSpillDirectories = new AtomicInteger();
		Disposable sampler = Flux.interval(Duration.ofMillis(20))
			.subscribe((tick) -> mostSpillDirectories.accumulateAndGet((int) Churn.entries(this.spillDirectory),
					Math::max));
		try {
			churn(Flux.range(0, CYCLES).flatMap((i) -> sseCycle(http, executions, aborted), CONCURRENCY));
			churn(Flux.range(0, CYCLES).flatMap((i) -> webSocketCycle(http, executions, aborted), CONCURRENCY));
		}
		finally {
			sampler.dispose();
		}

		assertThat(aborted).as("runs whose client read their first event, then left").hasSize(2 * CYCLES);
		assertThat(mostSpillDirectories).as("journals spilled to files during the churn").hasPositiveValue();
		await().atMost(TIMEOUT).until(() -> aborted.stream().allMatch((run) -> run.status().isFinished()));
		List<ExecutionStatus> outcomes = aborted.stream().map(GraphExecution::status).distinct().toList();
		assertThat(outcomes).as("every run ran to its natural end").containsExactly(ExecutionStatus.COMPLETED);
		awaitNothingLeft(executions, streams);
		// bounded elastic may have grown up to its cap meanwhile; anything per connection would be hundreds
		int tolerance = Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE + 4;
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(threads.getThreadCount()).isLessThanOrEqualTo(threadsBefore + tolerance));
	}

	private static void churn(Flux<GraphExecution> cycles) {
		cycles.blockLast(Churn.CHURN_TIMEOUT);
	}

	/**
	 * An SSE cycle; the execution it started, found by the id of its first event, joins
	 * {@code runs}.
	 */
	private static Mono<GraphExecution> sseCycle(HttpClient http, ExecutionRegistry executions,
			Queue<GraphExecution> runs) {
		return Churn.sseCycle(http, SHORT_RUN).map((first) -> {
			assertThat(first).contains("event: ExecutionStarted");
			String lastEventId = first.lines()
				.filter((line) -> line.startsWith("id:"))
				.findFirst()
				.orElseThrow()
				.substring(3)
				.strip();
			return found(executions.find(lastEventId.substring(0, lastEventId.lastIndexOf(':'))), runs);
		});
	}

	private static Mono<GraphExecution> webSocketCycle(HttpClient http, ExecutionRegistry executions,
			Queue<GraphExecution> runs) {
		return Churn.webSocketCycle(http, SHORT_RUN).map((first) -> {
			assertThat(first).contains("\"eventType\":\"ExecutionStarted\"");
			return found(executions.find(JSON.readTree(first).path("executionId").asString()), runs);
		});
	}

	private static GraphExecution found(GraphExecution execution, Queue<GraphExecution> runs) {
		runs.add(execution);
		return execution;
	}

	private void awaitNothingLeft(ExecutionRegistry executions, StreamLimiter streams) {
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(executions.activeCount()).as("live executions").isZero();
			assertThat(streams.openStreams()).as("open streams").isZero();
			assertThat(executions.executions()).as("executions not yet evicted").isEmpty();
			assertThat(Churn.entries(this.spillDirectory)).as("spill directories").isZero();
		});
	}

}
