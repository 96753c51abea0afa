package io.graphstreaming.core.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.graphstreaming.core.TestGraphs;
import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.GraphValidationException;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The registry of executions: the concurrency limit, eviction after the journal
 * retention (an evicted id is "expired", an unknown one "not found"), and the grace period
 * of executions nobody consumed. Time is a mutable clock, never the wall clock.
 */
class ExecutionRegistryTests {

	private static final Duration RETENTION = Duration.ofMinutes(1);

	private static final Duration UNSTARTED_TIMEOUT = Duration.ofSeconds(30);

	private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

	private final StreamingGraphExecutor executor = TestGraphs.chain("registry", "a");

	private final StreamingExecutionOptions options = StreamingExecutionOptions.builder()
		.withJournalRetention(RETENTION)
		.build();

	@Test
	void creatingBeyondTheLimitIsRefused() {
		ExecutionRegistry registry = new ExecutionRegistry(2, UNSTARTED_TIMEOUT, this.clock);
		registry.create(this.executor, Map.of(), this.options);
		registry.create(this.executor, Map.of(), this.options);

		assertThatExceptionOfType(ExecutionLimitExceededException.class)
			.isThrownBy(() -> registry.create(this.executor, Map.of(), this.options))
			.withMessage("Too many concurrent executions: the limit is 2");
		assertThat(registry.activeCount()).isEqualTo(2);
		assertThat(registry.executions()).hasSize(2);
		assertThat(registry.maxConcurrentExecutions()).isEqualTo(2);
	}

	@Test
	void finishedExecutionFreesItsSlot() {
		ExecutionRegistry registry = new ExecutionRegistry(1, UNSTARTED_TIMEOUT, this.clock);
		GraphExecution first = registry.create(this.executor, Map.of(), this.options);

		first.start();

		assertThat(first.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(registry.activeCount()).isZero();
		assertThat(registry.create(this.executor, Map.of(), this.options)).isNotNull();
	}

	@Test
	void invalidGraphDoesNotLeakASlot() {
		ExecutionRegistry registry = new ExecutionRegistry(1, UNSTARTED_TIMEOUT, this.clock);
		StreamingGraphExecutor invalid = new StreamingGraphExecutor("invalid", "no start node");
		invalid.addNode(GraphNode.of("a", (s, c) -> Map.of()));

		assertThatExceptionOfType(GraphValidationException.class)
			.isThrownBy(() -> registry.create(invalid, Map.of(), this.options));
		assertThat(registry.activeCount()).isZero();
	}

	@Test
	void finishedExecutionIsEvictedWhenItsRetentionHasPassedAndThenReportedExpired() {
		ExecutionRegistry registry = new ExecutionRegistry(10, UNSTARTED_TIMEOUT, this.clock);
		GraphExecution execution = registry.create(this.executor, Map.of(), this.options).start();
		Instant finished = execution.finishedAt();
		assertThat(finished).isNotNull();

		this.clock.set(finished.plus(RETENTION).minusMillis(1));
		assertThat(registry.evictExpired()).isZero();
		assertThat(registry.find(execution.executionId())).isSameAs(execution);

		this.clock.set(finished.plus(RETENTION));
		assertThat(registry.evictExpired()).isEqualTo(1);

		assertThatExceptionOfType(ExecutionExpiredException.class)
			.isThrownBy(() -> registry.find(execution.executionId()))
			.withMessage("Execution '" + execution.executionId() + "' has ended and its events are no longer kept");
		assertThat(registry.lookup(execution.executionId())).isEmpty();
		assertThat(registry.expiredGraph(execution.executionId())).contains("registry");
	}

	@Test
	void unknownIdIsNotFoundRatherThanExpired() {
		ExecutionRegistry registry = new ExecutionRegistry(10, UNSTARTED_TIMEOUT, this.clock);

		assertThatExceptionOfType(ExecutionNotFoundException.class).isThrownBy(() -> registry.find("nope"))
			.withMessage("No execution 'nope'");
		assertThat(registry.expiredGraph("nope")).isEmpty();
	}

	@Test
	void runningExecutionIsNeverEvicted() {
		TestGraphs.Gate gate = new TestGraphs.Gate();
		StreamingGraphExecutor gated = new StreamingGraphExecutor("gated", "waits");
		gated.addNode(gate.node("a")).setStartNode("a");
		ExecutionRegistry registry = new ExecutionRegistry(10, UNSTARTED_TIMEOUT, this.clock);
		GraphExecution execution = registry.create(gated, Map.of(), this.options).start();

		this.clock.set(execution.createdAt().plus(Duration.ofDays(1)));

		assertThat(registry.evictExpired()).isZero();
		assertThat(execution.status()).isEqualTo(ExecutionStatus.RUNNING);
		gate.open();
	}

	@Test
	void executionNobodyStartedIsCancelledAfterTheGracePeriodAndFreesItsSlot() {
		ExecutionRegistry registry = new ExecutionRegistry(1, UNSTARTED_TIMEOUT, this.clock);
		GraphExecution idle = registry.create(this.executor, Map.of(), this.options);

		this.clock.set(idle.createdAt().plus(UNSTARTED_TIMEOUT).minusMillis(1));
		registry.evictExpired();
		assertThat(idle.status()).isEqualTo(ExecutionStatus.CREATED);

		this.clock.set(idle.createdAt().plus(UNSTARTED_TIMEOUT));
		registry.evictExpired();

		assertThat(idle.status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertThat(registry.activeCount()).isZero();
		StepVerifier.create(idle.stream().flux())
			.assertNext((event) -> assertThat(((ExecutionCancelledEvent) event).reason())
				.isEqualTo("no consumer subscribed within PT30S"))
			.verifyComplete();
	}

	@Test
	void cancelAllCancelsRunningExecutionsOnly() {
		TestGraphs.Gate gate = new TestGraphs.Gate();
		StreamingGraphExecutor gated = new StreamingGraphExecutor("gated", "waits");
		gated.addNode(gate.node("a")).setStartNode("a");
		ExecutionRegistry registry = new ExecutionRegistry(10, UNSTARTED_TIMEOUT, this.clock);
		GraphExecution running = registry.create(gated, Map.of(), this.options).start();
		GraphExecution done = registry.create(this.executor, Map.of(), this.options).start();

		assertThat(registry.cancelAll("shutdown")).isEqualTo(1);

		assertThat(running.status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertThat(done.status()).isEqualTo(ExecutionStatus.COMPLETED);
		StepVerifier.create(running.result())
			.assertNext((result) -> assertThat(result.errorMessage()).isEqualTo("shutdown"))
			.verifyComplete();
	}

	@Test
	void refusingNewExecutionsRefusesCreateAndResumeButLeavesRunningOnesAlone() {
		TestGraphs.Gate gate = new TestGraphs.Gate();
		StreamingGraphExecutor gated = new StreamingGraphExecutor("gated", "waits");
		gated.addNode(gate.node("a")).setStartNode("a");
		ExecutionRegistry registry = new ExecutionRegistry(10, UNSTARTED_TIMEOUT, this.clock);
		GraphExecution running = registry.create(gated, Map.of(), this.options).start();

		registry.refuseNewExecutions();

		assertThat(registry.isRefusingNewExecutions()).isTrue();
		assertThatExceptionOfType(RegistryShutdownException.class)
			.isThrownBy(() -> registry.create(this.executor, Map.of(), this.options))
			.withMessage("The application is shutting down and starts no new executions");
		assertThat(registry.activeCount()).isEqualTo(1);
		assertThat(registry.find(running.executionId())).isSameAs(running);
		assertThat(running.status()).isEqualTo(ExecutionStatus.RUNNING);
		gate.open();
		assertThat(running.result().block(Duration.ofSeconds(10)).status()).isEqualTo(ExecutionStatus.COMPLETED);
	}

	@Test
	void awaitTerminationReturnsOnceEveryExecutionEndedOrFalseAfterTheTimeout() {
		TestGraphs.Gate gate = new TestGraphs.Gate();
		StreamingGraphExecutor gated = new StreamingGraphExecutor("gated", "waits");
		gated.addNode(gate.node("a")).setStartNode("a");
		ExecutionRegistry registry = new ExecutionRegistry(10, UNSTARTED_TIMEOUT, this.clock);
		registry.create(this.executor, Map.of(), this.options).start();
		GraphExecution running = registry.create(gated, Map.of(), this.options).start();

		assertThat(registry.awaitTermination(Duration.ofMillis(50))).isFalse();

		gate.open();
		assertThat(registry.awaitTermination(Duration.ofSeconds(30))).isTrue();
		assertThat(running.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(new ExecutionRegistry(1, UNSTARTED_TIMEOUT, this.clock).awaitTermination(Duration.ZERO)).isTrue();
	}

	@Test
	void periodicEvictionRunsOnTheGivenSchedulerUntilClosed() {
		VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();
		ExecutionRegistry registry = new ExecutionRegistry(10, UNSTARTED_TIMEOUT, this.clock)
			.startEviction(scheduler, Duration.ofSeconds(10));
		GraphExecution first = registry.create(this.executor, Map.of(), this.options).start();
		this.clock.set(first.finishedAt().plus(RETENTION));

		scheduler.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(registry.lookup(first.executionId())).isEmpty();

		registry.close();
		GraphExecution second = registry.create(this.executor, Map.of(), this.options).start();
		this.clock.set(second.finishedAt().plus(RETENTION));
		scheduler.advanceTimeBy(Duration.ofMinutes(10));
		assertThat(registry.lookup(second.executionId())).contains(second);
	}

	@Test
	void constructorValidatesItsArguments() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ExecutionRegistry(0, UNSTARTED_TIMEOUT, this.clock))
			.withMessage("maxConcurrentExecutions must be strictly positive but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new ExecutionRegistry(1, Duration.ZERO, this.clock))
			.withMessage("unstartedTimeout must be strictly positive but was PT0S");
	}

}
