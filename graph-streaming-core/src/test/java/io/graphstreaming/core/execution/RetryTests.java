package io.graphstreaming.core.execution;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeFailedEvent;
import io.graphstreaming.core.event.NodeStartedEvent;
import io.graphstreaming.core.event.RetryAttemptedEvent;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.RetryPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.graphstreaming.core.TestEvents.wireNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * Retries: how many attempts a failing node gets, how long the run waits between them
 * (under virtual time), what each attempt reports, and which errors are never retried.
 */
class RetryTests {

	private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();

	private final List<GraphExecutionEvent> events = new CopyOnWriteArrayList<>();

	private final List<Long> startTimes = new CopyOnWriteArrayList<>();

	@Test
	void backOffsDoubleFromTheInitialDelayUpToTheMaxDelay() {
		RetryPolicy policy = RetryPolicy.builder()
			.maxAttempts(5)
			.initialDelay(Duration.ofMillis(100))
			.maxDelay(Duration.ofMillis(300))
			.multiplier(2)
			.jitter(0)
			.build();
		Flaky flaky = new Flaky(4);
		GraphExecution execution = start(singleNode(flaky.node("call").withRetry(policy)));

		this.clock.advanceTimeBy(Duration.ofSeconds(5));

		assertThat(retries()).extracting(RetryAttemptedEvent::attempt).containsExactly(2, 3, 4, 5);
		assertThat(retries()).extracting(RetryAttemptedEvent::delay)
			.containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300),
					Duration.ofMillis(300));
		assertThat(this.startTimes).containsExactly(0L, 100L, 300L, 600L, 900L);
		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
	}

	@Test
	void theNextAttemptWaitsForTheWholeBackOff() {
		RetryPolicy policy = RetryPolicy.builder()
			.maxAttempts(3)
			.initialDelay(Duration.ofMillis(100))
			.multiplier(2)
			.jitter(0)
			.build();
		Flaky flaky = new Flaky(2);
		GraphExecution execution = start(singleNode(flaky.node("call").withRetry(policy)));

		assertThat(startedCount()).isEqualTo(1);
		this.clock.advanceTimeBy(Duration.ofMillis(99));
		assertThat(startedCount()).as("started before the first back-off ended").isEqualTo(1);
		this.clock.advanceTimeBy(Duration.ofMillis(1));
		assertThat(startedCount()).isEqualTo(2);
		this.clock.advanceTimeBy(Duration.ofMillis(199));
		assertThat(startedCount()).as("started before the second back-off ended").isEqualTo(2);
		this.clock.advanceTimeBy(Duration.ofMillis(1));
		assertThat(startedCount()).isEqualTo(3);
		assertThat(flaky.calls).hasValue(3);
		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
	}

	@Test
	void retryAttemptedNamesTheErrorOfTheAttemptThatFailed() {
		Flaky flaky = new Flaky(2);
		start(singleNode(flaky.node("call").withRetry(noDelay().maxAttempts(3).build())));

		assertThat(retries()).extracting(RetryAttemptedEvent::nodeId).containsOnly("call");
		assertThat(retries()).extracting(RetryAttemptedEvent::errorType).containsOnly("IllegalStateException");
		assertThat(retries()).extracting(RetryAttemptedEvent::errorMessage)
			.containsExactly("attempt 1 failed", "attempt 2 failed");
	}

	@Test
	void succeedingAfterFailuresCompletesTheNodeOnceWithoutNodeFailed() {
		Flaky flaky = new Flaky(2);
		StreamingGraphExecutor executor = singleNode(flaky.node("call").withRetry(noDelay().maxAttempts(3).build()));
		executor.addNode(GraphNode.of("after", (state, context) -> Map.of("after", true)).nonBlocking());
		executor.connect("call", "after");

		GraphExecution execution = start(executor);

		assertThat(wireNames(eventsOf("call"))).containsExactly("NodeEntered", "NodeStarted", "RetryAttempted",
				"NodeStarted", "RetryAttempted", "NodeStarted", "NodeCompleted", "NodeExited");
		assertThat(wireNames(this.events)).doesNotContain("NodeFailed").last().isEqualTo("ExecutionCompleted");
		assertThat(execution.result().block().output()).containsEntry("call", 3).containsEntry("after", true);
	}

	@Test
	void givingUpAfterMaxAttemptsFailsTheNodeAndTheExecution() {
		Flaky flaky = new Flaky(Integer.MAX_VALUE);
		StreamingGraphExecutor executor = singleNode(flaky.node("call").withRetry(noDelay().maxAttempts(3).build()));
		AtomicInteger afterCalls = new AtomicInteger();
		executor.addNode(GraphNode.of("after", (state, context) -> Map.of("after", afterCalls.incrementAndGet()))
			.nonBlocking());
		executor.connect("call", "after");

		GraphExecution execution = start(executor);

		assertThat(flaky.calls).hasValue(3);
		assertThat(afterCalls).hasValue(0);
		assertThat(wireNames(this.events)).containsExactly("ExecutionStarted", "NodeEntered", "NodeStarted",
				"RetryAttempted", "NodeStarted", "RetryAttempted", "NodeStarted", "NodeFailed", "NodeExited",
				"ExecutionFailed");
		NodeFailedEvent nodeFailed = only(NodeFailedEvent.class);
		assertThat(nodeFailed.errorType()).isEqualTo("IllegalStateException");
		assertThat(nodeFailed.errorMessage()).isEqualTo("attempt 3 failed");
		ExecutionFailedEvent failed = only(ExecutionFailedEvent.class);
		assertThat(failed.nodeId()).isEqualTo("call");
		assertThat(failed.errorType()).isEqualTo("IllegalStateException");
		assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
	}

	@Test
	void errorsThatRetryOnRejectsAreNotRetried() {
		RetryPolicy onlyIo = noDelay().maxAttempts(3).retryOn(IOException.class).build();
		Flaky stateErrors = new Flaky(1);
		start(singleNode(stateErrors.node("call").withRetry(onlyIo)));

		assertThat(stateErrors.calls).hasValue(1);
		assertThat(wireNames(this.events)).doesNotContain("RetryAttempted").contains("NodeFailed").last()
			.isEqualTo("ExecutionFailed");

		this.events.clear();
		AtomicInteger ioCalls = new AtomicInteger();
		GraphNode io = GraphNode.of("io", (state, context) -> {
			if (ioCalls.incrementAndGet() == 1) {
				throw new IOException("connection reset");
			}
			return Map.of("io", "ok");
		}).nonBlocking().withRetry(onlyIo);
		GraphExecution execution = start(singleNode(io));

		assertThat(ioCalls).hasValue(2);
		assertThat(retries()).singleElement().satisfies((retry) -> {
			assertThat(retry.errorType()).isEqualTo("IOException");
			assertThat(retry.errorMessage()).isEqualTo("connection reset");
		});
		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
	}

	@Test
	void notRetryableErrorsAreNeverRetriedEvenWhenRetryOnAcceptsThem() {
		AtomicInteger calls = new AtomicInteger();
		RetryPolicy everything = noDelay().maxAttempts(5).retryOn((error) -> true).build();
		GraphNode node = GraphNode.of("call", (state, context) -> {
			calls.incrementAndGet();
			throw new Incurable("quota revoked");
		}).nonBlocking().withRetry(everything);

		start(singleNode(node));

		assertThat(calls).hasValue(1);
		assertThat(wireNames(this.events)).doesNotContain("RetryAttempted");
		assertThat(only(NodeFailedEvent.class).errorType()).isEqualTo("Incurable");
		assertThat(everything.shouldRetry(1, new AssertionError("jvm error"))).isFalse();
		assertThat(everything.shouldRetry(1, new IllegalStateException("plain"))).isTrue();
		assertThat(everything.shouldRetry(5, new IllegalStateException("plain"))).isFalse();
	}

	@Test
	void aNodePolicyOverridesTheGraphWidePolicy() {
		Flaky usesGraphPolicy = new Flaky(2);
		Flaky ownPolicy = new Flaky(Integer.MAX_VALUE);
		StreamingGraphExecutor executor = new StreamingGraphExecutor("retry", "graph-wide and node policies");
		executor.addNode(usesGraphPolicy.node("graphWide"));
		executor.addNode(ownPolicy.node("override").withRetry(noDelay().maxAttempts(2).build()));
		executor.connect("graphWide", "override").setStartNode("graphWide");
		executor.retryPolicy(noDelay().maxAttempts(4).build());

		GraphExecution execution = start(executor);

		assertThat(usesGraphPolicy.calls).as("graph policy retries a node without its own").hasValue(3);
		assertThat(ownPolicy.calls).as("the node's own policy wins").hasValue(2);
		assertThat(only(NodeFailedEvent.class).nodeId()).isEqualTo("override");
		assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
	}

	@Test
	void contextAttemptCountsFromOneAcrossRetries() {
		List<Integer> attempts = new CopyOnWriteArrayList<>();
		GraphNode node = GraphNode.of("call", (state, context) -> {
			attempts.add(context.attempt());
			if (context.attempt() < 3) {
				throw new IllegalStateException("not yet");
			}
			return Map.of();
		}).nonBlocking().withRetry(noDelay().maxAttempts(3).build());

		GraphExecution execution = start(singleNode(node));

		assertThat(attempts).containsExactly(1, 2, 3);
		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
	}

	@Test
	void cancellingDuringABackOffEndsTheRunWithoutAnotherAttempt() {
		RetryPolicy policy = RetryPolicy.builder()
			.maxAttempts(3)
			.initialDelay(Duration.ofMillis(100))
			.jitter(0)
			.build();
		Flaky flaky = new Flaky(1);
		GraphExecution execution = start(singleNode(flaky.node("call").withRetry(policy)));
		assertThat(wireNames(this.events)).last().isEqualTo("RetryAttempted");

		assertThat(execution.cancel("operator stop")).isTrue();
		this.clock.advanceTimeBy(Duration.ofSeconds(10));

		assertThat(flaky.calls).hasValue(1);
		assertThat(wireNames(this.events)).containsExactly("ExecutionStarted", "NodeEntered", "NodeStarted",
				"RetryAttempted", "ExecutionCancelled");
		ExecutionCancelledEvent cancelled = only(ExecutionCancelledEvent.class);
		assertThat(cancelled.nodeId()).isEqualTo("call");
		assertThat(cancelled.reason()).isEqualTo("operator stop");
		assertThat(execution.status()).isEqualTo(ExecutionStatus.CANCELLED);
	}

	@Test
	void jitterShortensTheDelayByAtMostItsFraction() {
		RetryPolicy policy = RetryPolicy.builder()
			.initialDelay(Duration.ofMillis(100))
			.maxDelay(Duration.ofSeconds(1))
			.multiplier(2)
			.jitter(0.5)
			.build();

		assertThat(policy.delayBefore(2, () -> 0.0)).isEqualTo(Duration.ofMillis(100));
		assertThat(policy.delayBefore(2, () -> 0.5)).isEqualTo(Duration.ofMillis(75));
		assertThat(policy.delayBefore(3, () -> 0.5)).isEqualTo(Duration.ofMillis(150));
		for (double random : new double[] { 0.0, 0.1, 0.25, 0.5, 0.75, 0.9, Math.nextDown(1.0) }) {
			for (int attempt = 2; attempt <= 6; attempt++) {
				long full = Math.min(100L << (attempt - 2), 1000L);
				long nanos = policy.delayBefore(attempt, () -> random).toNanos();
				assertThat(nanos).as("attempt %d, random %s", attempt, random)
					.isBetween(TimeUnit.MILLISECONDS.toNanos(full) / 2, TimeUnit.MILLISECONDS.toNanos(full));
			}
		}
		assertThat(policy.delayBefore(2, () -> Math.nextDown(1.0)).toNanos() / 1e6).isCloseTo(50.0, within(0.001));
	}

	@Test
	void delaysWithoutJitterAreExactAndCapped() {
		RetryPolicy policy = RetryPolicy.builder()
			.initialDelay(Duration.ofMillis(100))
			.maxDelay(Duration.ofMillis(350))
			.multiplier(2)
			.jitter(0)
			.build();
		List<Duration> delays = new ArrayList<>();
		for (int attempt = 2; attempt <= 5; attempt++) {
			delays.add(policy.delayBefore(attempt, () -> 0.99));
		}

		assertThat(delays).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(350),
				Duration.ofMillis(350));
		assertThatIllegalArgumentException().isThrownBy(() -> policy.delayBefore(1, () -> 0.0))
			.withMessage("The first retry is attempt 2 but got 1");
	}

	@Test
	void invalidSettingsAreRejectedWithTheirValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.builder().maxAttempts(0).build())
			.withMessage("maxAttempts must be at least 1 but was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RetryPolicy.builder().initialDelay(Duration.ofMillis(-1)).build())
			.withMessage("initialDelay must not be negative but was PT-0.001S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RetryPolicy.builder()
				.initialDelay(Duration.ofMillis(100))
				.maxDelay(Duration.ofMillis(50))
				.build())
			.withMessage("maxDelay (PT0.05S) must not be shorter than initialDelay (PT0.1S)");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.builder().multiplier(0.5).build())
			.withMessage("multiplier must be a finite number >= 1 but was 0.5");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.builder().multiplier(Double.NaN).build())
			.withMessage("multiplier must be a finite number >= 1 but was NaN");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.builder().jitter(1.5).build())
			.withMessage("jitter must be between 0 and 1 but was 1.5");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.builder().jitter(-0.1).build())
			.withMessage("jitter must be between 0 and 1 but was -0.1");
	}

	private static RetryPolicy.Builder noDelay() {
		return RetryPolicy.builder().initialDelay(Duration.ZERO).maxDelay(Duration.ZERO).jitter(0);
	}

	private StreamingGraphExecutor singleNode(GraphNode node) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("retry", "a retried node");
		executor.addNode(node).setStartNode(node.id());
		return executor;
	}

	/**
	 * Starts a run on the test thread, its back-offs on the virtual clock, recording each
	 * event and the virtual time of each {@code NodeStarted}.
	 */
	private GraphExecution start(StreamingGraphExecutor executor) {
		executor.timerScheduler(this.clock);
		StreamingExecutionOptions options = StreamingExecutionOptions.builder().withEventHandler((event) -> {
			if (event instanceof NodeStartedEvent) {
				this.startTimes.add(this.clock.now(TimeUnit.MILLISECONDS));
			}
			this.events.add(event);
		}).build();
		return executor.createExecution(Map.of(), options).start();
	}

	private List<GraphExecutionEvent> eventsOf(String nodeId) {
		return this.events.stream().filter((event) -> nodeId.equals(event.nodeId())).toList();
	}

	private List<RetryAttemptedEvent> retries() {
		return this.events.stream()
			.filter(RetryAttemptedEvent.class::isInstance)
			.map(RetryAttemptedEvent.class::cast)
			.toList();
	}

	private long startedCount() {
		return this.events.stream().filter(NodeStartedEvent.class::isInstance).count();
	}

	private <T extends GraphExecutionEvent> T only(Class<T> type) {
		List<T> matching = this.events.stream().filter(type::isInstance).map(type::cast).toList();
		assertThat(matching).as(type.getSimpleName()).hasSize(1);
		return matching.get(0);
	}

	/**
	 * A non-blocking node that fails its first {@code failures} calls, then writes how
	 * many calls it took.
	 */
	private static final class Flaky {

		final AtomicInteger calls = new AtomicInteger();

		private final int failures;

		Flaky(int failures) {
			this.failures = failures;
		}

		GraphNode node(String id) {
			return GraphNode.of(id, (state, context) -> {
				int call = this.calls.incrementAndGet();
				if (call <= this.failures) {
					throw new IllegalStateException("attempt " + call + " failed");
				}
				return Map.of(id, call);
			}).nonBlocking();
		}

	}

	/**
	 * An error no retry can cure.
	 */
	private static final class Incurable extends RuntimeException implements RetryPolicy.NotRetryable {

		Incurable(String message) {
			super(message);
		}

	}

}
