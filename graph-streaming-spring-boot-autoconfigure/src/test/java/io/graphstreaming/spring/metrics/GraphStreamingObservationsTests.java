package io.graphstreaming.spring.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.ExecutionStartedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.event.NodeFailedEvent;
import io.graphstreaming.core.event.NodeStartedEvent;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
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

		NodeStartedEvent nodeStarted(String node) {
			return new NodeStartedEvent(this.execution, this.graph, ++this.sequence, Instant.now(), node);
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
