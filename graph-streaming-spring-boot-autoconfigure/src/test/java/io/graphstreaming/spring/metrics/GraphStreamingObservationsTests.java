package io.graphstreaming.spring.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.ExecutionStartedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.event.NodeFailedEvent;
import io.graphstreaming.core.event.NodeEnteredEvent;
import io.graphstreaming.core.event.NodeStartedEvent;
import io.graphstreaming.core.event.RetryAttemptedEvent;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.RetryPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GraphStreamingObservations} with a {@link TestObservationRegistry}.
 */
class GraphStreamingObservationsTests {

	private static final String EXECUTION = GraphStreamingObservations.EXECUTION_OBSERVATION;

	private static final String NODE = GraphStreamingObservations.NODE_OBSERVATION;

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	private final GraphStreamingObservations observations = new GraphStreamingObservations(this.registry);

	private final List<String> stopOrder = recordStopOrder(this.registry);

	private final List<Observation.Context> startOrder = new CopyOnWriteArrayList<>();

	private final List<Observation.Context> stoppedContexts = new CopyOnWriteArrayList<>();

	{
		recordLifecycle(this.registry, this.startOrder, this.stoppedContexts);
	}

	private final SimpleMeterRegistry meterRegistry = recordMeters(this.registry);

	@Test
	void observationNamesShouldBeStable() {
		assertThat(EXECUTION).isEqualTo("graph.streaming.execution");
		assertThat(NODE).isEqualTo("graph.streaming.node");
	}

	@Test
	void executionShouldBeObservedFromStartedToCompletedWithGraphOutcomeAndExecutionId() {
		Events run = new Events("demo", "exec-1");
		feed(run.started());
		assertThat(this.registry).hasObservationWithNameEqualTo(EXECUTION)
			.that()
			.hasBeenStarted()
			.isNotStopped()
			.hasContextualNameEqualTo("graph demo")
			.hasLowCardinalityKeyValue("graph", "demo")
			.hasHighCardinalityKeyValue("execution.id", "exec-1");
		feed(run.completed());
		assertThat(this.registry).hasNumberOfObservationsEqualTo(1)
			.hasObservationWithNameEqualTo(EXECUTION)
			.that()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("graph", "demo")
			.hasLowCardinalityKeyValue("outcome", "completed")
			.doesNotHaveLowCardinalityKeyValueWithKey("execution.id")
			.hasHighCardinalityKeyValue("execution.id", "exec-1")
			.doesNotHaveParentObservation();
		assertThat(this.observations.openObservations()).isZero();
	}

	@Test
	void nodesShouldBeObservedAsChildrenOfTheirExecutionWithGraphNodeAndOutcome() {
		Events run = new Events("demo", "exec-1");
		feed(run.started(), run.nodeStarted("a"), run.nodeCompleted("a"), run.nodeStarted("b"), run.nodeFailed("b"),
				run.failed("b"));
		assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo(EXECUTION, 1)
			.hasNumberOfObservationsWithNameEqualTo(NODE, 2)
			.forAllObservationsWithNameEqualTo(NODE, (node) -> node.hasLowCardinalityKeyValue("graph", "demo")
				.hasLowCardinalityKeyValueWithKey("node")
				.hasLowCardinalityKeyValueWithKey("outcome")
				.doesNotHaveLowCardinalityKeyValueWithKey("execution.id")
				.hasHighCardinalityKeyValue("execution.id", "exec-1")
				.hasParentObservationContextMatching(executionWithId("exec-1")))
			.hasAnObservation((node) -> node.hasNameEqualTo(NODE)
				.hasContextualNameEqualTo("node a")
				.hasLowCardinalityKeyValue("node", "a")
				.hasLowCardinalityKeyValue("outcome", "completed"))
			.hasAnObservation((node) -> node.hasNameEqualTo(NODE)
				.hasLowCardinalityKeyValue("node", "b")
				.hasLowCardinalityKeyValue("outcome", "failed"))
			.hasObservationWithNameEqualTo(EXECUTION)
			.that()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("outcome", "failed");
		assertThat(stopped()).containsExactly("node a", "node b", "graph demo");
		assertThat(this.observations.openObservations()).isZero();
	}

	@Test
	void nodesRunningInParallelShouldEachHaveTheirObservation() {
		Events run = new Events("demo", "exec-1");
		feed(run.started(), run.nodeStarted("left"), run.nodeStarted("right"));
		assertThat(this.observations.openObservations()).isEqualTo(3);
		feed(run.nodeCompleted("right"));
		assertThat(stopped()).containsExactly("node right");
		feed(run.nodeFailed("left"), run.failed("left"));
		assertThat(stopped()).containsExactly("node right", "node left", "graph demo");
		assertThat(this.registry).hasAnObservation((node) -> node.hasContextualNameEqualTo("node left")
			.hasLowCardinalityKeyValue("outcome", "failed"))
			.hasAnObservation((node) -> node.hasContextualNameEqualTo("node right")
				.hasLowCardinalityKeyValue("outcome", "completed"));
	}

	@Test
	void interleavedExecutionsShouldBeKeptApart() {
		Events first = new Events("demo", "exec-1");
		Events second = new Events("demo", "exec-2");
		feed(first.started(), second.started(), first.nodeStarted("a"), second.nodeStarted("a"),
				second.nodeCompleted("a"), second.completed(), first.nodeFailed("a"), first.failed("a"));
		assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo(EXECUTION, 2)
			.hasNumberOfObservationsWithNameEqualTo(NODE, 2)
			.hasAnObservation((execution) -> execution.hasNameEqualTo(EXECUTION)
				.hasHighCardinalityKeyValue("execution.id", "exec-1")
				.hasLowCardinalityKeyValue("outcome", "failed"))
			.hasAnObservation((execution) -> execution.hasNameEqualTo(EXECUTION)
				.hasHighCardinalityKeyValue("execution.id", "exec-2")
				.hasLowCardinalityKeyValue("outcome", "completed"))
			.hasAnObservation((node) -> node.hasNameEqualTo(NODE)
				.hasHighCardinalityKeyValue("execution.id", "exec-1")
				.hasLowCardinalityKeyValue("outcome", "failed")
				.hasParentObservationContextMatching(executionWithId("exec-1")))
			.hasAnObservation((node) -> node.hasNameEqualTo(NODE)
				.hasHighCardinalityKeyValue("execution.id", "exec-2")
				.hasLowCardinalityKeyValue("outcome", "completed")
				.hasParentObservationContextMatching(executionWithId("exec-2")));
		assertThat(this.observations.openObservations()).isZero();
	}

	@Test
	void cancellationShouldStopTheNodesInFlightAndTheExecutionAsCancelled() {
		Events run = new Events("demo", "exec-1");
		feed(run.started(), run.nodeStarted("a"), run.nodeCompleted("a"), run.nodeStarted("b"), run.nodeStarted("c"));
		Events other = new Events("demo", "exec-2");
		feed(other.started(), other.nodeStarted("b"));
		feed(run.cancelled("b"));
		assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo(NODE, 4)
			.hasAnObservation((node) -> node.hasContextualNameEqualTo("node b")
				.hasHighCardinalityKeyValue("execution.id", "exec-1")
				.hasLowCardinalityKeyValue("outcome", "cancelled"))
			.hasAnObservation((node) -> node.hasContextualNameEqualTo("node c")
				.hasLowCardinalityKeyValue("outcome", "cancelled"))
			.hasAnObservation((node) -> node.hasContextualNameEqualTo("node a")
				.hasLowCardinalityKeyValue("outcome", "completed"))
			.hasAnObservation((execution) -> execution.hasNameEqualTo(EXECUTION)
				.hasHighCardinalityKeyValue("execution.id", "exec-1")
				.hasLowCardinalityKeyValue("outcome", "cancelled"));
		assertThat(stopped()).containsExactlyInAnyOrder("node a", "node b", "node c", "graph demo");
		// The other execution's observations stay open until it ends.
		assertThat(this.observations.openObservations()).isEqualTo(2);
		feed(other.cancelled("b"));
		assertThat(this.observations.openObservations()).isZero();
	}

	@Test
	void retriedNodeShouldHaveOneObservationPerAttemptEachFailedAttemptStoppedWithItsError() {
		Events run = new Events("demo", "exec-1");
		feed(run.started(), run.nodeEntered("a"), run.nodeStarted("a"), run.retry("a", 2, "timeout 1"));
		// the failed attempt is stopped when its retry is announced, not left open
		assertThat(stopped()).containsExactly("node a");
		assertThat(activeNodeTasks()).isZero();
		feed(run.nodeStarted("a"), run.retry("a", 3, "timeout 2"), run.nodeStarted("a"));
		assertThat(stopped()).containsExactly("node a", "node a");
		assertThat(this.observations.openObservations()).isEqualTo(2);
		feed(run.nodeCompleted("a"), run.completed());
		List<Observation.Context> attempts = nodeObservations("a");
		assertThat(attempts).extracting(GraphStreamingObservationsTests::outcome)
			.containsExactly("failed", "failed", "completed");
		assertThat(attempts).extracting(GraphStreamingObservationsTests::errorMessage)
			.containsExactly("IOException: timeout 1", "IOException: timeout 2", null);
		assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo(NODE, 3)
			.forAllObservationsWithNameEqualTo(NODE,
					(node) -> node.hasParentObservationContextMatching(executionWithId("exec-1")));
		assertEveryNodeObservationStopped();
		assertThat(activeNodeTasks()).isZero();
		assertThat(this.observations.openObservations()).isZero();
		assertThat(this.meterRegistry.get(NODE).tags("outcome", "failed", "error", "ReportedError").timer().count())
			.isEqualTo(2);
	}

	@Test
	void realNodeRetriedTwiceThenSucceedingShouldHaveThreeStoppedObservationsTwoWithTheirErrors() {
		StreamingGraphExecutor graph = flakyGraph();
		graph.executeStream(Map.of(), options()).flux().blockLast(Duration.ofSeconds(10));
		List<Observation.Context> attempts = nodeObservations("call");
		assertThat(attempts).extracting(GraphStreamingObservationsTests::outcome)
			.containsExactly("failed", "failed", "completed");
		assertThat(attempts).extracting(GraphStreamingObservationsTests::errorMessage)
			.containsExactly("IllegalStateException: attempt 1 failed", "IllegalStateException: attempt 2 failed",
					null);
		assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo(NODE, 3)
			.forAllObservationsWithNameEqualTo(NODE, (node) -> node.hasParentObservation())
			.hasObservationWithNameEqualTo(EXECUTION)
			.that()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("outcome", "completed");
		assertEveryNodeObservationStopped();
		assertThat(activeNodeTasks()).isZero();
		assertThat(this.observations.openObservations()).isZero();
	}

	@Test
	void retriesWithoutRetryAttemptedEventsShouldStopThePreviousAttemptAtTheNextStart() {
		StreamingGraphExecutor graph = flakyGraph();
		StreamingExecutionOptions monitoring = StreamingExecutionOptions.monitoring()
			.configure()
			.withMetricsListener(this.observations)
			.build();
		graph.executeStream(Map.of(), monitoring).flux().blockLast(Duration.ofSeconds(10));
		List<Observation.Context> attempts = nodeObservations("call");
		assertThat(attempts).extracting(GraphStreamingObservationsTests::outcome)
			.containsExactly("failed", "failed", "completed");
		assertThat(attempts).extracting((context) -> (context.getError() instanceof ReportedError reported)
				? reported.errorType() : null)
			.containsExactly("unknown", "unknown", null);
		assertEveryNodeObservationStopped();
		assertThat(activeNodeTasks()).isZero();
		assertThat(this.observations.openObservations()).isZero();
	}

	@Test
	void nodeEnteredAgainInACycleShouldHaveANewCompletedObservationEachTime() {
		Events run = new Events("demo", "exec-1");
		feed(run.started());
		for (int lap = 0; lap < 2; lap++) {
			feed(run.nodeEntered("count"), run.nodeStarted("count"), run.nodeCompleted("count"),
					run.nodeEntered("check"), run.nodeStarted("check"), run.nodeCompleted("check"));
		}
		assertThat(this.observations.openObservations()).isEqualTo(1);
		feed(run.completed());
		assertThat(nodeObservations("count")).hasSize(2)
			.allSatisfy((context) -> assertThat(outcome(context)).isEqualTo("completed"));
		assertThat(stopped()).containsExactly("node count", "node check", "node count", "node check", "graph demo");
		assertThat(activeNodeTasks()).isZero();
	}

	@Test
	void realCycleShouldHaveACompletedObservationPerLap() {
		StreamingGraphExecutor graph = new StreamingGraphExecutor("loop", "counts to three");
		graph.addNode(GraphNode.of("count", (state, context) -> Map.of("n", state.getInt("n", 0) + 1)))
			.addNode(GraphNode.of("check", (state, context) -> Map.of()))
			.connect("count", "check")
			.connect("check", "count", "again", (state) -> state.getInt("n", 0) < 3)
			.setStartNode("count");
		graph.executeStream(Map.of(), options()).flux().blockLast(Duration.ofSeconds(10));
		assertThat(nodeObservations("count")).hasSize(3)
			.allSatisfy((context) -> assertThat(outcome(context)).isEqualTo("completed"));
		assertThat(nodeObservations("check")).hasSize(3)
			.allSatisfy((context) -> assertThat(outcome(context)).isEqualTo("completed"));
		assertEveryNodeObservationStopped();
		assertThat(activeNodeTasks()).isZero();
		assertThat(this.observations.openObservations()).isZero();
	}

	@Test
	void sameNodeRunningInTwoBranchesAtOnceShouldStopTheAttemptWhoseStartMatchesTheDuration() {
		Events run = new Events("demo", "exec-1");
		Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
		feed(run.started(), run.nodeEntered("x"), run.nodeStarted("x", t0), run.nodeEntered("x"),
				run.nodeStarted("x", t0.plusMillis(10)));
		assertThat(this.observations.openObservations()).isEqualTo(3);
		// the second run (started at +10 ms) ends first, after 5 ms; then the first fails
		feed(run.nodeCompleted("x", t0.plusMillis(15), Duration.ofMillis(5)));
		feed(run.nodeFailed("x", t0.plusMillis(20), Duration.ofMillis(20)));
		List<Observation.Context> runs = nodeObservations("x");
		assertThat(runs).extracting(GraphStreamingObservationsTests::outcome).containsExactly("failed", "completed");
		assertThat(runs.get(0).getError()).isInstanceOf(ReportedError.class);
		assertThat(this.observations.openObservations()).isEqualTo(1);
	}

	@Test
	void realBranchesRunningTheSameNodeAtOnceShouldEachHaveAStoppedObservation() {
		AtomicInteger running = new AtomicInteger();
		Sinks.Empty<Void> bothRunning = Sinks.empty();
		StreamingGraphExecutor graph = new StreamingGraphExecutor("fork", "x in two branches");
		graph.addNode(GraphNode.of("start", (state, context) -> Map.of()))
			.addNode(GraphNode.of("a", (state, context) -> Map.of()))
			.addNode(GraphNode.of("b", (state, context) -> Map.of()))
			.addNode(GraphNode.of("c", (state, context) -> Map.of()))
			// each run of x waits for the other, so both are open at once
			.addNode(GraphNode.async("x", (state, context) -> {
				if (running.incrementAndGet() == 2) {
					bothRunning.tryEmitEmpty();
				}
				return bothRunning.asMono().thenReturn(Map.<String, @Nullable Object>of());
			}))
			.addNode(GraphNode.of("y", (state, context) -> Map.of()))
			.connect("start", "a")
			.connect("start", "b")
			.connect("start", "c")
			.connect("a", "x")
			.connect("b", "x")
			.connect("c", "y")
			.connect("x", "y")
			.setStartNode("start");
		graph.executeStream(Map.of(), options()).flux().blockLast(Duration.ofSeconds(10));
		assertThat(running).hasValue(2);
		assertThat(nodeObservations("x")).hasSize(2)
			.allSatisfy((context) -> assertThat(outcome(context)).isEqualTo("completed"));
		assertEveryNodeObservationStopped();
		assertThat(activeNodeTasks()).isZero();
		assertThat(this.observations.openObservations()).isZero();
	}

	@Test
	void eventsWithoutAStartedObservationShouldBeIgnored() {
		Events run = new Events("demo", "exec-1");
		feed(run.nodeCompleted("a"), run.completed());
		assertThat(this.registry).doesNotHaveAnyObservation();
		assertThat(this.observations.openObservations()).isZero();
	}

	@Test
	void noopRegistryShouldRecordAndKeepNothing() {
		GraphStreamingObservations noop = new GraphStreamingObservations(ObservationRegistry.NOOP);
		Events run = new Events("demo", "exec-1");
		noop.onEvent("graph.streaming", run.started());
		noop.onEvent("graph.streaming", run.nodeStarted("a"));
		assertThat(noop.openObservations()).isZero();
	}

	@Test
	void realExecutionShouldBeObservedThroughTheOptionsListener() {
		StreamingGraphExecutor graph = new StreamingGraphExecutor("demo", "two nodes");
		graph.addNode(GraphNode.of("a", (state, context) -> Map.of("a", 1)))
			.addNode(GraphNode.of("b", (state, context) -> Map.of("b", 2)))
			.connect("a", "b")
			.setStartNode("a");
		graph.executeStream(Map.of(), options()).flux().blockLast(Duration.ofSeconds(10));
		assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo(EXECUTION, 1)
			.hasNumberOfObservationsWithNameEqualTo(NODE, 2)
			.forAllObservationsWithNameEqualTo(NODE,
					(node) -> node.hasLowCardinalityKeyValue("outcome", "completed").hasParentObservation())
			.hasObservationWithNameEqualTo(EXECUTION)
			.that()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("graph", "demo")
			.hasLowCardinalityKeyValue("outcome", "completed")
			.hasHighCardinalityKeyValueWithKey("execution.id");
		assertThat(this.observations.openObservations()).isZero();
	}

	@Test
	void cancellingARealExecutionShouldStopItsObservations() throws InterruptedException {
		CountDownLatch nodeRunning = new CountDownLatch(1);
		StreamingGraphExecutor graph = new StreamingGraphExecutor("slow", "waits until cancelled");
		graph.addNode(GraphNode.async("wait", (state, context) -> {
			nodeRunning.countDown();
			return Mono.never();
		})).setStartNode("wait");
		Disposable subscription = graph.executeStream(Map.of(), options()).flux().subscribe();
		assertThat(nodeRunning.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.observations.openObservations()).isEqualTo(2);
		subscription.dispose();
		assertThat(this.registry).hasObservationWithNameEqualTo(NODE)
			.that()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("node", "wait")
			.hasLowCardinalityKeyValue("outcome", "cancelled")
			.backToTestObservationRegistry()
			.hasObservationWithNameEqualTo(EXECUTION)
			.that()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("graph", "slow")
			.hasLowCardinalityKeyValue("outcome", "cancelled");
		assertThat(this.observations.openObservations()).isZero();
	}

	/**
	 * A graph whose only node fails twice, then succeeds on its third attempt.
	 */
	private static StreamingGraphExecutor flakyGraph() {
		AtomicInteger calls = new AtomicInteger();
		StreamingGraphExecutor graph = new StreamingGraphExecutor("flaky", "fails twice");
		graph.addNode(GraphNode.of("call", (state, context) -> {
			int call = calls.incrementAndGet();
			if (call < 3) {
				throw new IllegalStateException("attempt " + call + " failed");
			}
			return Map.of("ok", true);
		}).withRetry(RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ZERO).jitter(0).build()))
			.setStartNode("call");
		return graph;
	}

	/**
	 * The node observations of one node, in the order they started.
	 */
	private List<Observation.Context> nodeObservations(String nodeId) {
		return this.startOrder.stream()
			.filter((context) -> NODE.equals(context.getName()))
			.filter((context) -> nodeId.equals(lowCardinality(context, "node")))
			.toList();
	}

	private static @Nullable String outcome(Observation.Context context) {
		return lowCardinality(context, "outcome");
	}

	private static @Nullable String lowCardinality(Observation.Context context, String key) {
		KeyValue value = context.getLowCardinalityKeyValue(key);
		return (value != null) ? value.getValue() : null;
	}

	private static @Nullable String errorMessage(Observation.Context context) {
		Throwable error = context.getError();
		return (error != null) ? error.getMessage() : null;
	}

	private void assertEveryNodeObservationStopped() {
		List<Observation.Context> nodes = this.startOrder.stream()
			.filter((context) -> NODE.equals(context.getName()))
			.toList();
		assertThat(nodes).isNotEmpty()
			.allSatisfy((node) -> assertThat(this.stoppedContexts).as("stopped observations").containsOnlyOnce(node));
	}

	/**
	 * Node observations whose long-task timer still runs: started and not stopped.
	 */
	private double activeNodeTasks() {
		return this.meterRegistry.find(NODE + ".active")
			.longTaskTimers()
			.stream()
			.mapToDouble(LongTaskTimer::activeTasks)
			.sum();
	}

	private StreamingExecutionOptions options() {
		return StreamingExecutionOptions.builder().withMetrics().withMetricsListener(this.observations).build();
	}

	private void feed(GraphExecutionEvent... events) {
		for (GraphExecutionEvent event : events) {
			this.observations.onEvent("graph.streaming", event);
		}
	}

	/**
	 * Contextual names of the observations stopped so far, in the order they stopped.
	 */
	private List<String> stopped() {
		return this.stopOrder;
	}

	private static void recordLifecycle(TestObservationRegistry registry, List<Observation.Context> started,
			List<Observation.Context> stopped) {
		registry.observationConfig().observationHandler(new ObservationHandler<>() {
			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

			@Override
			public void onStart(Observation.Context context) {
				started.add(context);
			}

			@Override
			public void onStop(Observation.Context context) {
				stopped.add(context);
			}
		});
	}

	/**
	 * Records the observations as Boot's default meter handler does: a timer per
	 * observation and a long-task timer ({@code <name>.active}) while it runs.
	 */
	private static SimpleMeterRegistry recordMeters(TestObservationRegistry registry) {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		return meters;
	}

	private static List<String> recordStopOrder(TestObservationRegistry registry) {
		List<String> names = new CopyOnWriteArrayList<>();
		registry.observationConfig().observationHandler(new ObservationHandler<>() {
			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

			@Override
			public void onStop(Observation.Context context) {
				names.add(context.getContextualName());
			}
		});
		return names;
	}

	/**
	 * Matches the context of the execution observation with this id.
	 */
	private static Predicate<Observation.ContextView> executionWithId(String executionId) {
		return (context) -> {
			KeyValue id = context.getHighCardinalityKeyValue("execution.id");
			return EXECUTION.equals(context.getName()) && id != null && executionId.equals(id.getValue());
		};
	}

	/**
	 * Events of one execution, numbered in order.
	 */
	private static final class Events {

		private final String graph;

		private final String execution;

		private long sequence;

		Events(String graph, String execution) {
			this.graph = graph;
			this.execution = execution;
		}

		ExecutionStartedEvent started() {
			return new ExecutionStartedEvent(this.execution, this.graph, ++this.sequence, Instant.now(), "a", Map.of());
		}

		NodeEnteredEvent nodeEntered(String node) {
			return new NodeEnteredEvent(this.execution, this.graph, ++this.sequence, Instant.now(), node);
		}

		NodeStartedEvent nodeStarted(String node) {
			return nodeStarted(node, Instant.now());
		}

		NodeStartedEvent nodeStarted(String node, Instant at) {
			return new NodeStartedEvent(this.execution, this.graph, ++this.sequence, at, node);
		}

		RetryAttemptedEvent retry(String node, int attempt, String errorMessage) {
			return new RetryAttemptedEvent(this.execution, this.graph, ++this.sequence, Instant.now(), node, attempt,
					Duration.ZERO, "IOException", errorMessage);
		}

		NodeCompletedEvent nodeCompleted(String node, Instant at, Duration duration) {
			return new NodeCompletedEvent(this.execution, this.graph, ++this.sequence, at, node, duration, Map.of());
		}

		NodeFailedEvent nodeFailed(String node, Instant at, Duration duration) {
			return new NodeFailedEvent(this.execution, this.graph, ++this.sequence, at, node, duration,
					"IllegalStateException", "broken");
		}

		NodeCompletedEvent nodeCompleted(String node) {
			return new NodeCompletedEvent(this.execution, this.graph, ++this.sequence, Instant.now(), node,
					Duration.ofMillis(3), Map.of());
		}

		NodeFailedEvent nodeFailed(String node) {
			return new NodeFailedEvent(this.execution, this.graph, ++this.sequence, Instant.now(), node,
					Duration.ofMillis(3), "IllegalStateException", "broken");
		}

		ExecutionCompletedEvent completed() {
			return new ExecutionCompletedEvent(this.execution, this.graph, ++this.sequence, Instant.now(),
					Duration.ofMillis(10), Map.of());
		}

		ExecutionFailedEvent failed(String node) {
			return new ExecutionFailedEvent(this.execution, this.graph, ++this.sequence, Instant.now(),
					Duration.ofMillis(10), node, "IllegalStateException", "broken");
		}

		ExecutionCancelledEvent cancelled(@Nullable String node) {
			return new ExecutionCancelledEvent(this.execution, this.graph, ++this.sequence, Instant.now(),
					Duration.ofMillis(10), node, "cancelled");
		}

	}

}
