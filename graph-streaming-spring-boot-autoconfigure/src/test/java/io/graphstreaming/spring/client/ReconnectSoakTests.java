package io.graphstreaming.spring.client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.stream.GraphExecutionEventStream;
import io.graphstreaming.core.stream.StreamStatus;
import io.graphstreaming.spring.client.testapp.ClientTestApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 500 executions of {@code synthetic} per transport through a {@link FaultProxy} that
 * cuts every connection at a random byte (8 KB apart on average): every execution's events arrive
 * exactly once, in order, ending with {@code ExecutionCompleted}, and the server runs
 * exactly one execution per run. The seed is logged, published as a JUnit report entry
 * (in the surefire XML) and part of every assertion message; set the system property
 * {@code graphstreaming.soak.seed} to replay one.
 *
 * <p>Start requests are cut too (before or after they reach the server); the client
 * repeats them under its reconnect policy with the same {@code Idempotency-Key}, so
 * every run succeeds through the client's own reconnects, and the repeated starts are
 * counted for the summary.
 */
class ReconnectSoakTests extends AbstractRemoteClientTests {

	private static final System.Logger logger = System.getLogger(ReconnectSoakTests.class.getName());

	private static final int EXECUTIONS = 500;

	private static final int CONCURRENCY = 25;

	@ParameterizedTest
	@EnumSource(value = ConnectionType.class, names = { "SSE", "WEBSOCKET", "POLLING" })
	void everySequenceArrivesExactlyOnceAndInOrderDespiteRandomCuts(ConnectionType transport, TestReporter reporter)
			throws Exception {
		long seed = Long.getLong("graphstreaming.soak.seed", System.nanoTime());
		reporter.publishEntry("seed", Long.toString(seed));
		FaultProxy proxy = proxy(seed).cutConnections(8000);
		GraphStreamClient client = client(proxy.port(), transport, reconnecting(25)).build();
		Random random = new Random(seed);
		List<Map<String, Object>> inputs = LongStream.range(0, EXECUTIONS)
			.mapToObj((i) -> Map.<String, Object>of("nodes", 3 + random.nextInt(8), "delayMs", random.nextInt(3),
					"chunks", random.nextInt(3)))
			.toList();
		AtomicInteger repeatedStarts = new AtomicInteger();
		Instant begin = Instant.now();

		List<List<GraphExecutionEvent>> runs = Flux.fromIterable(inputs)
			.flatMap((input) -> run(client, input, repeatedStarts), CONCURRENCY)
			.collectList()
			.block(Duration.ofSeconds(90));

		String context = transport + " with " + proxy;
		assertThat(runs).as(context).hasSize(EXECUTIONS);
		for (List<GraphExecutionEvent> events : runs) {
			assertThat(events).as(context).isNotEmpty();
			assertThat(events).extracting(GraphExecutionEvent::sequence)
				.as(context)
				.containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
			assertThat(events).extracting(GraphExecutionEvent::executionId)
				.as(context)
				.containsOnly(events.get(0).executionId());
			assertThat(events.get(events.size() - 1).eventType()).as(context)
				.isEqualTo(GraphExecutionEventType.EXECUTION_COMPLETED);
		}
		assertThat(runs.stream().map((events) -> events.get(0).executionId()).distinct()).as(context)
			.hasSize(EXECUTIONS);
		assertThat(proxy.cuts()).as(context).isGreaterThan(EXECUTIONS / 2);
		long started = this.registry.executions()
			.executions()
			.stream()
			.filter((execution) -> execution.graphId().equals(ClientTestApplication.SYNTHETIC))
			.map(GraphExecution::createdAt)
			.filter((createdAt) -> !createdAt.isBefore(begin))
			.count();
		assertThat(started).as("executions started on the server, " + context).isEqualTo(EXECUTIONS);
		assertThat(repeatedStarts.get()).as("start requests cut and repeated, " + context).isPositive();
		String summary = context + ": " + EXECUTIONS + " executions complete, " + repeatedStarts
				+ " start requests repeated, " + Duration.between(begin, Instant.now()).toMillis() + " ms";
		logger.log(Level.INFO, summary);
		reporter.publishEntry("summary", summary);
	}

	private static Mono<List<GraphExecutionEvent>> run(GraphStreamClient client, Map<String, Object> input,
			AtomicInteger repeatedStarts) {
		GraphExecutionEventStream stream = client.stream(ClientTestApplication.SYNTHETIC, input);
		return Mono.defer(() -> {
			Disposable counting = stream.onStatusChanged((change) -> {
				if (change.current() == StreamStatus.RECONNECTING
						&& change.reason().startsWith("could not start an execution")) {
					repeatedStarts.incrementAndGet();
				}
			});
			return stream.flux().collectList().doFinally((signal) -> counting.dispose());
		});
	}

}
