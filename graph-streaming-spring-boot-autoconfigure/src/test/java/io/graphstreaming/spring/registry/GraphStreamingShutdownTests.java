package io.graphstreaming.spring.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.RegistryShutdownException;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.AsyncNodeAction;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link GraphStreamingShutdown}: what each mode does to running executions,
 * that new ones are refused, that the stop waits for open streams, and that it stops
 * before Spring Boot's graceful shutdown of the web server.
 */
class GraphStreamingShutdownTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ExecutionRegistry registry = new ExecutionRegistry(100, Duration.ofMinutes(1), Clock.systemUTC());

	private final StreamingExecutionOptions options = StreamingExecutionOptions.defaults();

	/** Released by the test: each execution of {@link #gated} waits for it. */
	private final Sinks.Empty<Void> gate = Sinks.empty();

	private final StreamingGraphExecutor gated = graph("gated",
			(state, context) -> this.gate.asMono().thenReturn(Map.<String, Object>of("done", true)));

	private final StreamingGraphExecutor endless = graph("endless", (state, context) -> Mono.never());

	@Test
	void stopInCancelModeCancelsRunningExecutionsWithTheShutdownReasonAndRefusesNewOnes() {
		GraphExecution running = this.registry.create(this.endless, Map.of(), this.options).start();
		CompletableFuture<List<GraphExecutionEvent>> consumer = running.stream()
			.flux()
			.collectList()
			.toFuture();
		GraphStreamingShutdown shutdown = new GraphStreamingShutdown(this.registry, ShutdownMode.CANCEL,
				Duration.ofMinutes(5), () -> 0);
		shutdown.start();

		shutdown.stop();

		assertThat(shutdown.isRunning()).isFalse();
		assertThat(running.status()).isEqualTo(ExecutionStatus.CANCELLED);
		List<GraphExecutionEvent> events = consumer.join();
		assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(ExecutionCancelledEvent.class,
				(cancelled) -> assertThat(cancelled.reason()).isEqualTo("application shutting down"));
		assertThatExceptionOfType(RegistryShutdownException.class)
			.isThrownBy(() -> this.registry.create(this.endless, Map.of(), this.options));
	}

	@Test
	void stopInDrainModeLetsExecutionsFinishWithinTheGracePeriod() throws Exception {
		GraphExecution running = this.registry.create(this.gated, Map.of(), this.options).start();
		GraphStreamingShutdown shutdown = new GraphStreamingShutdown(this.registry, ShutdownMode.DRAIN,
				Duration.ofMinutes(5), () -> 0);
		shutdown.start();

		CompletableFuture<Void> stopped = CompletableFuture.runAsync(shutdown::stop);
		await(this.registry::isRefusingNewExecutions);
		assertThat(stopped).isNotDone();
		assertThat(running.status()).isEqualTo(ExecutionStatus.RUNNING);
		this.gate.tryEmitEmpty();

		stopped.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(running.status()).isEqualTo(ExecutionStatus.COMPLETED);
	}

	@Test
	void stopInDrainModeCancelsWhatStillRunsAfterTheGracePeriod() {
		GraphExecution finishing = this.registry.create(this.gated, Map.of(), this.options).start();
		GraphExecution endless = this.registry.create(this.endless, Map.of(), this.options).start();
		this.gate.tryEmitEmpty();
		GraphStreamingShutdown shutdown = new GraphStreamingShutdown(this.registry, ShutdownMode.DRAIN,
				Duration.ofMillis(200), () -> 0);
		shutdown.start();

		shutdown.stop();

		assertThat(finishing.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(endless.status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertThat(endless.result().block(TIMEOUT).errorMessage()).isEqualTo("application shutting down");
	}

	@Test
	void stopWaitsUntilTheOpenStreamsHaveEnded() throws Exception {
		AtomicInteger openStreams = new AtomicInteger(2);
		GraphStreamingShutdown shutdown = new GraphStreamingShutdown(this.registry, ShutdownMode.CANCEL,
				Duration.ZERO, openStreams::get);
		shutdown.start();

		CompletableFuture<Void> stopped = CompletableFuture.runAsync(shutdown::stop);
		await(this.registry::isRefusingNewExecutions);
		openStreams.set(1);
		assertThat(stopped).isNotDone();
		openStreams.set(0);

		stopped.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	@Test
	void stopBeforeStartDoesNothing() {
		GraphExecution running = this.registry.create(this.endless, Map.of(), this.options).start();
		GraphStreamingShutdown shutdown = new GraphStreamingShutdown(this.registry, ShutdownMode.CANCEL,
				Duration.ZERO, () -> 0);

		shutdown.stop();

		assertThat(running.status()).isEqualTo(ExecutionStatus.RUNNING);
		assertThat(this.registry.isRefusingNewExecutions()).isFalse();
		running.cancel("test over");
	}

	@Test
	void startAfterStopAcceptsNewExecutionsAgain() {
		GraphStreamingShutdown shutdown = new GraphStreamingShutdown(this.registry, ShutdownMode.CANCEL,
				Duration.ZERO, () -> 0);
		shutdown.start();
		shutdown.stop();

		shutdown.start();

		assertThat(this.registry.isRefusingNewExecutions()).isFalse();
		assertThat(this.registry.create(this.gated, Map.of(), this.options)).isNotNull();
	}

	@Test
	void isNotStoppedByAContextPause() {
		GraphStreamingShutdown shutdown = new GraphStreamingShutdown(this.registry, ShutdownMode.CANCEL,
				Duration.ZERO, () -> 0);

		assertThat(shutdown.isPauseable()).isFalse();
	}

	@Test
	void stopsBeforeTheWebServersGracefulShutdown() {
		GraphStreamingShutdown shutdown = new GraphStreamingShutdown(this.registry, ShutdownMode.CANCEL,
				Duration.ZERO, () -> 0);

		assertThat(shutdown.getPhase()).isGreaterThan(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE);
		assertThat(shutdown.isAutoStartup()).isTrue();
	}

	@Test
	void constructorRefusesANegativeGracePeriod() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new GraphStreamingShutdown(this.registry, ShutdownMode.DRAIN, Duration.ofSeconds(-1),
					() -> 0))
			.withMessage("gracePeriod must not be negative but was PT-1S");
	}

	private static void await(BooleanSupplier condition) {
		Awaitility.await().atMost(TIMEOUT).until(condition::getAsBoolean);
	}

	private static StreamingGraphExecutor graph(String id, AsyncNodeAction action) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(id, id);
		executor.addNode(GraphNode.async("work", action));
		executor.setStartNode("work");
		return executor;
	}

}
