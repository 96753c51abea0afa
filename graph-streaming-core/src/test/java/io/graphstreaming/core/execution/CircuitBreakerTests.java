package io.graphstreaming.core.execution;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.junit.jupiter.api.Test;

import io.graphstreaming.core.event.CircuitBreakerStateChangedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeFailedEvent;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.RetryPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.testsupport.MutableClock;

import static io.graphstreaming.core.TestEvents.wireNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A node's circuit breaker, shared by every execution of the node: it opens when enough
 * calls fail, rejects calls without running the node while open, lets trial calls through
 * once its wait is over, and each transition is reported by the execution that caused it.
 */
class CircuitBreakerTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final MutableClock clock = new MutableClock();

	private final AtomicInteger calls = new AtomicInteger();

	private final AtomicBoolean failing = new AtomicBoolean();

	private final StreamingGraphExecutor executor = new StreamingGraphExecutor("breaker", "a guarded call");

	private final GraphNode node;

	CircuitBreakerTests() {
		CircuitBreakerConfig config = CircuitBreakerConfig.custom()
			.slidingWindowSize(4)
			.minimumNumberOfCalls(4)
			.failureRateThreshold(50)
			.waitDurationInOpenState(WAIT)
			.permittedNumberOfCallsInHalfOpenState(2)
			.clock(this.clock)
			.build();
		this.node = GraphNode.of("call", (state, context) -> {
			this.calls.incrementAndGet();
			if (this.failing.get()) {
				throw new IllegalStateException("service down");
			}
			return Map.of("call", "ok");
		}).nonBlocking().withCircuitBreaker(config);
		this.executor.addNode(this.node).setStartNode("call");
	}

	@Test
	void theCallThatReachesTheFailureRateOpensTheBreakerAndReportsIt() {
		List<GraphExecutionEvent> first = run(false);
		List<GraphExecutionEvent> second = run(true);
		List<GraphExecutionEvent> third = run(false);
		assertThat(breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);

		List<GraphExecutionEvent> fourth = run(true);

		assertThat(breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
		for (List<GraphExecutionEvent> earlier : List.of(first, second, third)) {
			assertThat(wireNames(earlier)).doesNotContain("CircuitBreakerStateChanged");
		}
		assertThat(wireNames(fourth)).containsExactly("ExecutionStarted", "NodeEntered", "NodeStarted",
				"CircuitBreakerStateChanged", "NodeFailed", "NodeExited", "ExecutionFailed");
		assertThat(transitions(fourth)).singleElement().satisfies((changed) -> {
			assertThat(changed.nodeId()).isEqualTo("call");
			assertThat(changed.fromState()).isEqualTo("CLOSED");
			assertThat(changed.toState()).isEqualTo("OPEN");
		});
		assertThat(one(fourth, NodeFailedEvent.class).errorMessage()).isEqualTo("service down");
	}

	@Test
	void callsWhileOpenFailFastWithoutRunningTheNodeAndAreNotRetried() {
		tripBreaker();
		int callsWhenOpened = this.calls.get();
		this.executor.retryPolicy(RetryPolicy.builder()
			.maxAttempts(5)
			.initialDelay(Duration.ZERO)
			.maxDelay(Duration.ZERO)
			.retryOn((error) -> true)
			.build());

		List<GraphExecutionEvent> rejected = run(false);

		assertThat(this.calls).as("node function calls").hasValue(callsWhenOpened);
		assertThat(wireNames(rejected)).containsExactly("ExecutionStarted", "NodeEntered", "NodeStarted", "NodeFailed",
				"NodeExited", "ExecutionFailed");
		NodeFailedEvent nodeFailed = one(rejected, NodeFailedEvent.class);
		assertThat(nodeFailed.errorType()).isEqualTo("CircuitBreakerOpenException");
		assertThat(nodeFailed.errorMessage())
			.isEqualTo("Circuit breaker 'call' of node 'call' is OPEN: the call was rejected without running the node");
		ExecutionFailedEvent failed = one(rejected, ExecutionFailedEvent.class);
		assertThat(failed.nodeId()).isEqualTo("call");
		assertThat(failed.errorType()).isEqualTo("CircuitBreakerOpenException");
	}

	@Test
	void aBreakerOpeningDuringRetriesStopsThem() {
		this.executor.retryPolicy(RetryPolicy.builder()
			.maxAttempts(10)
			.initialDelay(Duration.ZERO)
			.maxDelay(Duration.ZERO)
			.build());

		List<GraphExecutionEvent> events = run(true);

		assertThat(this.calls).as("the fifth attempt was rejected").hasValue(4);
		assertThat(wireNames(events)).containsExactly("ExecutionStarted", "NodeEntered", "NodeStarted",
				"RetryAttempted", "NodeStarted", "RetryAttempted", "NodeStarted", "RetryAttempted", "NodeStarted",
				"CircuitBreakerStateChanged", "RetryAttempted", "NodeStarted", "NodeFailed", "NodeExited",
				"ExecutionFailed");
		assertThat(one(events, NodeFailedEvent.class).errorType()).isEqualTo("CircuitBreakerOpenException");
	}

	@Test
	void theBreakerStaysOpenUntilItsWaitIsOver() {
		tripBreaker();
		int callsWhenOpened = this.calls.get();

		this.clock.advance(WAIT.minusSeconds(1));
		List<GraphExecutionEvent> early = run(false);

		assertThat(this.calls).hasValue(callsWhenOpened);
		assertThat(wireNames(early)).doesNotContain("CircuitBreakerStateChanged").last().isEqualTo("ExecutionFailed");
		assertThat(breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void afterTheWaitTheNextCallGoesHalfOpenAndEnoughSuccessesCloseIt() {
		tripBreaker();
		this.clock.advance(WAIT.plusMillis(1));
		assertThat(breaker().getState()).as("lazy: no call yet").isEqualTo(CircuitBreaker.State.OPEN);

		List<GraphExecutionEvent> trial = run(false);

		assertThat(wireNames(trial)).containsExactly("ExecutionStarted", "NodeEntered", "NodeStarted",
				"CircuitBreakerStateChanged", "NodeCompleted", "NodeExited", "ExecutionCompleted");
		assertThat(transitions(trial)).extracting(CircuitBreakerStateChangedEvent::fromState,
				CircuitBreakerStateChangedEvent::toState)
			.containsExactly(tuple("OPEN", "HALF_OPEN"));
		assertThat(breaker().getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);

		List<GraphExecutionEvent> secondTrial = run(false);

		assertThat(transitions(secondTrial)).extracting(CircuitBreakerStateChangedEvent::fromState,
				CircuitBreakerStateChangedEvent::toState)
			.containsExactly(tuple("HALF_OPEN", "CLOSED"));
		assertThat(wireNames(secondTrial)).last().isEqualTo("ExecutionCompleted");
		assertThat(breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void failingTrialCallsOpenTheBreakerAgain() {
		tripBreaker();
		this.clock.advance(WAIT.plusMillis(1));

		List<GraphExecutionEvent> firstTrial = run(true);
		List<GraphExecutionEvent> secondTrial = run(true);

		assertThat(transitions(firstTrial)).extracting(CircuitBreakerStateChangedEvent::toState)
			.containsExactly("HALF_OPEN");
		assertThat(transitions(secondTrial)).extracting(CircuitBreakerStateChangedEvent::fromState,
				CircuitBreakerStateChangedEvent::toState)
			.containsExactly(tuple("HALF_OPEN", "OPEN"));
		assertThat(breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
		int callsWhenReopened = this.calls.get();

		List<GraphExecutionEvent> rejected = run(false);

		assertThat(this.calls).as("the wait starts over").hasValue(callsWhenReopened);
		assertThat(one(rejected, NodeFailedEvent.class).errorType()).isEqualTo("CircuitBreakerOpenException");
	}

	/**
	 * Two successes and two failures: a failure rate of 50% over the full window.
	 */
	private void tripBreaker() {
		run(false);
		run(true);
		run(false);
		run(true);
		assertThat(breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	/**
	 * One execution of the shared node, to its end; the node fails if told to.
	 */
	private List<GraphExecutionEvent> run(boolean fail) {
		this.failing.set(fail);
		List<GraphExecutionEvent> events = new CopyOnWriteArrayList<>();
		StreamingExecutionOptions options = StreamingExecutionOptions.builder().withEventHandler(events::add).build();
		this.executor.createExecution(Map.of(), options).start().result().block(Duration.ofSeconds(10));
		return events;
	}

	private CircuitBreaker breaker() {
		CircuitBreaker breaker = this.node.circuitBreaker();
		assertThat(breaker).isNotNull();
		return breaker;
	}

	private static List<CircuitBreakerStateChangedEvent> transitions(List<GraphExecutionEvent> events) {
		return events.stream()
			.filter(CircuitBreakerStateChangedEvent.class::isInstance)
			.map(CircuitBreakerStateChangedEvent.class::cast)
			.toList();
	}

	private static <T extends GraphExecutionEvent> T one(List<GraphExecutionEvent> events, Class<T> type) {
		List<T> matching = events.stream().filter(type::isInstance).map(type::cast).toList();
		assertThat(matching).as(type.getSimpleName()).hasSize(1);
		return matching.get(0);
	}

}
