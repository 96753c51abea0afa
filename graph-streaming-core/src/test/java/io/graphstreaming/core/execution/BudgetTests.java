package io.graphstreaming.core.execution;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeFailedEvent;
import io.graphstreaming.core.event.ResourceBudgetExhaustedEvent;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.NodeAction;
import io.graphstreaming.core.graph.RetryPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.graphstreaming.core.TestEvents.wireNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Execution budgets: a duration, a number of node executions and user budgets drawn on
 * by nodes. Going over one emits {@code ResourceBudgetExhausted}, stops everything that
 * runs, and ends the execution as the budget says.
 */
class BudgetTests {

	private final List<GraphExecutionEvent> events = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

	@Test
	void maxNodeExecutionsEndsTheRunBeforeTheExtraNodeRuns() {
		StreamingGraphExecutor executor = chain("a", "b", "c", "d");
		executor.budget(ExecutionBudget.builder().maxNodeExecutions(2).build());

		GraphExecution execution = run(executor);

		assertThat(callsOf("a")).isEqualTo(1);
		assertThat(callsOf("b")).isEqualTo(1);
		assertThat(callsOf("c")).as("the extra node").isZero();
		assertThat(wireNames(this.events)).endsWith("ResourceBudgetExhausted", "ExecutionFailed");
		assertThat(this.events).filteredOn((event) -> "c".equals(event.nodeId()))
			.extracting((event) -> event.eventType().wireName())
			.doesNotContain("NodeStarted", "NodeCompleted", "NodeFailed");
		ResourceBudgetExhaustedEvent exhausted = only(ResourceBudgetExhaustedEvent.class);
		assertThat(exhausted.nodeId()).isEqualTo("c");
		assertThat(exhausted.budget()).isEqualTo("node-executions");
		assertThat(exhausted.limit()).isEqualTo(2);
		assertThat(exhausted.used()).isEqualTo(2);
		ExecutionFailedEvent failed = only(ExecutionFailedEvent.class);
		assertThat(failed.nodeId()).isEqualTo("c");
		assertThat(failed.errorType()).isEqualTo("ResourceBudgetExhaustedException");
		assertThat(failed.errorMessage()).isEqualTo("Resource budget 'node-executions' exhausted: used 2 of 2");
		assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
	}

	@Test
	void everyAttemptOfARetriedNodeCountsAsANodeExecution() {
		AtomicInteger attempts = new AtomicInteger();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("budget", "retried node");
		executor.addNode(GraphNode.of("call", (state, context) -> {
			attempts.incrementAndGet();
			throw new IllegalStateException("down");
		}).nonBlocking().withRetry(RetryPolicy.builder().maxAttempts(10).initialDelay(Duration.ZERO).build()));
		executor.setStartNode("call").budget(ExecutionBudget.builder().maxNodeExecutions(3).build());

		run(executor);

		assertThat(attempts).hasValue(3);
		assertThat(only(ResourceBudgetExhaustedEvent.class).budget()).isEqualTo("node-executions");
		assertThat(only(ExecutionFailedEvent.class).errorType()).isEqualTo("ResourceBudgetExhaustedException");
	}

	@Test
	void maxDurationCancelsALongNodeWhenTheTimerClockReachesIt() {
		VirtualTimeScheduler clock = VirtualTimeScheduler.create();
		AtomicBoolean nodeCancelled = new AtomicBoolean();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("budget", "a node that never ends");
		executor.addNode(GraphNode.async("slow",
				(state, context) -> Mono.<Map<String, Object>>never().doOnCancel(() -> nodeCancelled.set(true))));
		executor.setStartNode("slow")
			.timerScheduler(clock)
			.budget(ExecutionBudget.builder().maxDuration(Duration.ofSeconds(1)).build());
		GraphExecution execution = start(executor);

		clock.advanceTimeBy(Duration.ofMillis(999));
		assertThat(execution.status()).isEqualTo(ExecutionStatus.RUNNING);
		assertThat(nodeCancelled).isFalse();
		clock.advanceTimeBy(Duration.ofMillis(1));

		assertThat(nodeCancelled).isTrue();
		assertThat(wireNames(this.events)).containsExactly("ExecutionStarted", "NodeEntered", "NodeStarted",
				"ResourceBudgetExhausted", "ExecutionFailed");
		ResourceBudgetExhaustedEvent exhausted = only(ResourceBudgetExhaustedEvent.class);
		assertThat(exhausted.nodeId()).isEqualTo("slow");
		assertThat(exhausted.budget()).isEqualTo("duration");
		assertThat(exhausted.limit()).isEqualTo(1000);
		assertThat(exhausted.used()).as("used, by the timer's clock").isEqualTo(1000);
		assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
	}

	@Test
	void consumeReturnsWhatIsLeftAndGoingOverTheLimitStopsTheNode() {
		List<Double> remaining = new CopyOnWriteArrayList<>();
		AtomicBoolean pastConsume = new AtomicBoolean();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("budget", "token spenders");
		executor.addNode(node("a", (state, context) -> {
			remaining.add(context.consume("tokens", 40));
			return Map.of("a", 1);
		}));
		executor.addNode(node("b", (state, context) -> {
			remaining.add(context.consume("tokens", 50.5));
			return Map.of("b", 2);
		}));
		executor.addNode(node("c", (state, context) -> {
			remaining.add(context.consume("tokens", 20));
			pastConsume.set(true);
			return Map.of("c", 3);
		}));
		executor.connect("a", "b").connect("b", "c").setStartNode("a");
		executor.budget(ExecutionBudget.builder().limit("tokens", 100).limit("dollars", 5).build());

		run(executor);

		assertThat(remaining).containsExactly(60.0, 9.5);
		assertThat(pastConsume).as("the node went on after exhausting the budget").isFalse();
		ResourceBudgetExhaustedEvent exhausted = only(ResourceBudgetExhaustedEvent.class);
		assertThat(exhausted.nodeId()).isEqualTo("c");
		assertThat(exhausted.budget()).isEqualTo("tokens");
		assertThat(exhausted.limit()).isEqualTo(100);
		assertThat(exhausted.used()).isEqualTo(110.5);
		assertThat(only(ExecutionFailedEvent.class).errorMessage())
			.isEqualTo("Resource budget 'tokens' exhausted: used 110.5 of 100");
	}

	@Test
	void aNodeSwallowingTheExhaustionStillEndsTheRun() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("budget", "a node that ignores the budget");
		executor.addNode(node("a", (state, context) -> {
			try {
				context.consume("tokens", 500);
			}
			catch (ResourceBudgetExhaustedException ignored) {
				// carries on regardless
			}
			return Map.of("a", 1);
		}));
		executor.addNode(node("b", (state, context) -> Map.of("b", 2)));
		executor.connect("a", "b").setStartNode("a");
		executor.budget(ExecutionBudget.builder().limit("tokens", 100).build());

		GraphExecution execution = run(executor);

		assertThat(callsOf("b")).isZero();
		assertThat(wireNames(this.events)).endsWith("ResourceBudgetExhausted", "ExecutionFailed");
		assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
	}

	@Test
	void theStateCompletedOnExhaustionIsTheStateWhenTheBudgetRanOut() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("budget", "a node that ignores the budget");
		executor.addNode(node("a", (state, context) -> Map.of("a", 1)));
		executor.addNode(node("b", (state, context) -> {
			try {
				context.consume("tokens", 500);
			}
			catch (ResourceBudgetExhaustedException ignored) {
				// carries on regardless
			}
			return Map.of("b", 2);
		}));
		executor.connect("a", "b").setStartNode("a");
		executor.budget(ExecutionBudget.builder()
			.limit("tokens", 100)
			.onExhausted(ExecutionBudget.OnExhausted.COMPLETE)
			.build());

		GraphExecution execution = run(executor);

		assertThat(only(ExecutionCompletedEvent.class).output())
			.containsExactlyInAnyOrderEntriesOf(Map.of("input", "x", "a", 1));
		assertThat(execution.result().block().output()).doesNotContainKey("b");
	}

	@Test
	void usingUpABudgetExactlyIsNotExhaustion() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("budget", "spends it all");
		executor.addNode(node("a", (state, context) -> Map.of("left", context.consume("tokens", 100))));
		executor.setStartNode("a").budget(ExecutionBudget.builder().limit("tokens", 100).build());

		GraphExecution execution = run(executor);

		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(execution.result().block().output()).containsEntry("left", 0.0);
		assertThat(wireNames(this.events)).doesNotContain("ResourceBudgetExhausted");
	}

	@Test
	void exhaustingABudgetIsNeverRetried() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("budget", "retried spender");
		executor.addNode(node("a", (state, context) -> Map.of("left", context.consume("tokens", 500)))
			.withRetry(RetryPolicy.builder()
				.maxAttempts(3)
				.initialDelay(Duration.ZERO)
				.retryOn((error) -> true)
				.build()));
		executor.setStartNode("a").budget(ExecutionBudget.builder().limit("tokens", 100).build());

		run(executor);

		assertThat(callsOf("a")).isEqualTo(1);
		assertThat(wireNames(this.events)).doesNotContain("RetryAttempted").last().isEqualTo("ExecutionFailed");
	}

	@Test
	void consumingAnUnknownBudgetOrANegativeAmountIsAnIllegalArgument() {
		List<String> messages = new CopyOnWriteArrayList<>();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("budget", "careless spender");
		executor.addNode(node("a", (state, context) -> {
			for (Runnable misuse : List.<Runnable>of(() -> context.consume("dollars", 1),
					() -> context.consume("tokens", -1), () -> context.consume("tokens", Double.NaN),
					() -> context.consume("tokens", Double.POSITIVE_INFINITY))) {
				try {
					misuse.run();
				}
				catch (IllegalArgumentException ex) {
					messages.add(ex.getMessage());
				}
			}
			return Map.of("left", context.consume("tokens", 0));
		}));
		executor.setStartNode("a").budget(ExecutionBudget.builder().limit("tokens", 10).limit("calls", 3).build());

		GraphExecution execution = run(executor);

		assertThat(messages).containsExactly(
				"Node 'a' consumed budget 'dollars' but the execution has no such budget; "
						+ "configured budgets: tokens, calls",
				"Node 'a' consumed -1.0 of budget 'tokens'; an amount must be a finite number >= 0",
				"Node 'a' consumed NaN of budget 'tokens'; an amount must be a finite number >= 0",
				"Node 'a' consumed Infinity of budget 'tokens'; an amount must be a finite number >= 0");
		assertThat(execution.result().block().output()).as("misuse draws nothing").containsEntry("left", 10.0);
	}

	@Test
	void consumingWithoutUserBudgetsFailsTheNodeWithAnIllegalArgument() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("budget", "no user budgets");
		executor.addNode(node("a", (state, context) -> Map.of("left", context.consume("tokens", 1))));
		executor.setStartNode("a").budget(ExecutionBudget.builder().maxNodeExecutions(10).build());

		run(executor);

		NodeFailedEvent nodeFailed = only(NodeFailedEvent.class);
		assertThat(nodeFailed.errorType()).isEqualTo("IllegalArgumentException");
		assertThat(nodeFailed.errorMessage()).isEqualTo("Node 'a' consumed budget 'tokens' but the execution has no "
				+ "user budgets; configure them with GraphExecutor.budget");
		assertThat(only(ExecutionFailedEvent.class).errorType()).isEqualTo("IllegalArgumentException");
	}

	@Test
	void onExhaustedFailEndsWithExecutionFailed() {
		GraphExecution execution = run(spenders(ExecutionBudget.OnExhausted.FAIL));

		assertThat(wireNames(this.events)).endsWith("ResourceBudgetExhausted", "ExecutionFailed");
		ExecutionFailedEvent failed = only(ExecutionFailedEvent.class);
		assertThat(failed.nodeId()).isEqualTo("b");
		assertThat(failed.errorType()).isEqualTo("ResourceBudgetExhaustedException");
		assertThat(execution.result().block().status()).isEqualTo(ExecutionStatus.FAILED);
	}

	@Test
	void onExhaustedCancelEndsWithExecutionCancelledNamingTheBudget() {
		GraphExecution execution = run(spenders(ExecutionBudget.OnExhausted.CANCEL));

		assertThat(wireNames(this.events)).endsWith("ResourceBudgetExhausted", "ExecutionCancelled")
			.doesNotContain("ExecutionFailed");
		ExecutionCancelledEvent cancelled = only(ExecutionCancelledEvent.class);
		assertThat(cancelled.nodeId()).isEqualTo("b");
		assertThat(cancelled.reason()).isEqualTo("Resource budget 'tokens' exhausted: used 150 of 100");
		assertThat(execution.result().block().status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertThat(callsOf("c")).isZero();
	}

	@Test
	void onExhaustedCompleteEndsWithExecutionCompletedAndTheStateSoFar() {
		GraphExecution execution = run(spenders(ExecutionBudget.OnExhausted.COMPLETE));

		assertThat(wireNames(this.events)).endsWith("ResourceBudgetExhausted", "ExecutionCompleted");
		ExecutionCompletedEvent completed = only(ExecutionCompletedEvent.class);
		assertThat(completed.output()).containsExactlyInAnyOrderEntriesOf(Map.of("input", "x", "a", 1));
		ExecutionResult result = execution.result().block();
		assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(result.output()).isEqualTo(completed.output());
		assertThat(callsOf("c")).isZero();
	}

	@Test
	void exhaustionInOneParallelBranchCancelsTheOtherRunningBranch() {
		AtomicBoolean slowCancelled = new AtomicBoolean();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("budget", "two branches");
		executor.addNode(node("fork", (state, context) -> Map.of()));
		executor.addNode(GraphNode.async("slow",
				(state, context) -> Mono.<Map<String, Object>>never().doOnCancel(() -> slowCancelled.set(true))));
		executor.addNode(node("greedy", (state, context) -> Map.of("left", context.consume("tokens", 200))));
		executor.addNode(node("join", (state, context) -> Map.of()));
		executor.connect("fork", "slow").connect("fork", "greedy").connect("slow", "join").connect("greedy", "join");
		executor.setStartNode("fork").budget(ExecutionBudget.builder().limit("tokens", 100).build());

		GraphExecution execution = run(executor);

		assertThat(slowCancelled).as("the other branch was cancelled").isTrue();
		assertThat(callsOf("join")).isZero();
		assertThat(wireNames(this.events)).endsWith("ResourceBudgetExhausted", "ExecutionFailed");
		assertThat(only(ResourceBudgetExhaustedEvent.class).nodeId()).isEqualTo("greedy");
		assertThat(only(ExecutionFailedEvent.class).nodeId()).isEqualTo("greedy");
		assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
	}

	@Test
	void exhaustionInABlockingBranchInterruptsTheOtherBlockingBranch() throws InterruptedException {
		CountDownLatch slowStarted = new CountDownLatch(1);
		CountDownLatch slowInterrupted = new CountDownLatch(1);
		StreamingGraphExecutor executor = new StreamingGraphExecutor("budget", "two blocking branches");
		executor.addNode(node("fork", (state, context) -> Map.of()));
		executor.addNode(GraphNode.of("slow", (state, context) -> {
			slowStarted.countDown();
			try {
				new CountDownLatch(1).await(20, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				slowInterrupted.countDown();
			}
			return Map.of("slow", "late");
		}));
		executor.addNode(GraphNode.of("greedy", (state, context) -> {
			slowStarted.await(10, TimeUnit.SECONDS);
			return Map.of("left", context.consume("tokens", 200));
		}));
		executor.addNode(node("join", (state, context) -> Map.of()));
		executor.connect("fork", "slow").connect("fork", "greedy").connect("slow", "join").connect("greedy", "join");
		executor.setStartNode("fork").budget(ExecutionBudget.builder().limit("tokens", 100).build());

		GraphExecution execution = run(executor);

		assertThat(slowInterrupted.await(10, TimeUnit.SECONDS)).as("the other branch was interrupted").isTrue();
		assertThat(callsOf("join")).isZero();
		assertThat(wireNames(this.events)).endsWith("ResourceBudgetExhausted", "ExecutionFailed");
		assertThat(only(ExecutionFailedEvent.class).nodeId()).isEqualTo("greedy");
		assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
	}

	@Test
	void theBuilderRejectsInvalidLimitsWithTheirValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> ExecutionBudget.builder().maxNodeExecutions(0))
			.withMessage("maxNodeExecutions must be strictly positive but was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ExecutionBudget.builder().maxDuration(Duration.ZERO).build())
			.withMessage("maxDuration must be strictly positive but was PT0S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ExecutionBudget.builder().maxDuration(Duration.ofSeconds(-1)).build())
			.withMessage("maxDuration must be strictly positive but was PT-1S");
		assertThatIllegalArgumentException().isThrownBy(() -> ExecutionBudget.builder().limit("tokens", -1).build())
			.withMessage("The limit of budget 'tokens' must be a finite number >= 0 but was -1.0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ExecutionBudget.builder().limit("tokens", Double.NaN).build())
			.withMessage("The limit of budget 'tokens' must be a finite number >= 0 but was NaN");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ExecutionBudget.builder().limit("tokens", Double.POSITIVE_INFINITY).build())
			.withMessage("The limit of budget 'tokens' must be a finite number >= 0 but was Infinity");
		for (String name : List.of("duration", "node-executions", "", "-x", "has space", "x".repeat(65))) {
			assertThatIllegalArgumentException().as(name)
				.isThrownBy(() -> ExecutionBudget.builder().limit(name, 1).build())
				.withMessage("Invalid budget name '" + name + "': use 1 to 64 letters, digits, '-', '_' or '.', "
						+ "other than 'duration' and 'node-executions'");
		}
		assertThatNullPointerException().isThrownBy(() -> ExecutionBudget.builder().onExhausted(null))
			.withMessage("action");
		assertThat(ExecutionBudget.builder().build().isLimited()).isFalse();
		assertThat(ExecutionBudget.builder().limit("tokens", 0).build().isLimited()).isTrue();
	}

	/**
	 * {@code a} spends 60 of 100 tokens, {@code b} 90 more, {@code c} would spend nothing.
	 */
	private StreamingGraphExecutor spenders(ExecutionBudget.OnExhausted action) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("budget", "spenders");
		executor.addNode(node("a", (state, context) -> {
			context.consume("tokens", 60);
			return Map.of("a", 1);
		}));
		executor.addNode(node("b", (state, context) -> {
			context.consume("tokens", 90);
			return Map.of("b", 2);
		}));
		executor.addNode(node("c", (state, context) -> Map.of("c", 3)));
		executor.connect("a", "b").connect("b", "c").setStartNode("a");
		executor.budget(ExecutionBudget.builder().limit("tokens", 100).onExhausted(action).build());
		return executor;
	}

	private StreamingGraphExecutor chain(String... ids) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("budget", "chain");
		for (int i = 0; i < ids.length; i++) {
			String id = ids[i];
			executor.addNode(node(id, (state, context) -> Map.of(id, true)));
			if (i > 0) {
				executor.connect(ids[i - 1], id);
			}
		}
		executor.setStartNode(ids[0]);
		return executor;
	}

	/**
	 * A non-blocking node that counts its calls.
	 */
	private GraphNode node(String id, NodeAction action) {
		AtomicInteger counter = this.calls.computeIfAbsent(id, (key) -> new AtomicInteger());
		return GraphNode.of(id, (state, context) -> {
			counter.incrementAndGet();
			return action.execute(state, context);
		}).nonBlocking();
	}

	private int callsOf(String id) {
		AtomicInteger counter = this.calls.get(id);
		return (counter != null) ? counter.get() : 0;
	}

	private GraphExecution start(StreamingGraphExecutor executor) {
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withEventHandler(this.events::add)
			.build();
		return executor.createExecution(Map.of("input", "x"), options).start();
	}

	private GraphExecution run(StreamingGraphExecutor executor) {
		GraphExecution execution = start(executor);
		execution.result().block(Duration.ofSeconds(10));
		return execution;
	}

	private <T extends GraphExecutionEvent> T only(Class<T> type) {
		List<T> matching = this.events.stream().filter(type::isInstance).map(type::cast).toList();
		assertThat(matching).as(type.getSimpleName()).hasSize(1);
		return matching.get(0);
	}

}
