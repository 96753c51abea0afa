package io.graphstreaming.core.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import io.graphstreaming.core.TestGraphs;
import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.journal.EventsExpiredException;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.graphstreaming.core.TestEvents.range;
import static io.graphstreaming.core.TestEvents.sequences;
import static io.graphstreaming.core.TestEvents.wireNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Replicas ({@link ExecutionRegistry#follow}): an execution whose events come from an
 * {@link ExecutionFeed} (a journal shared by several instances) rather than from a run in
 * this process. Its consumers get exactly what the feed delivers, its status and result
 * follow the feed's terminal event, cancelling asks the feed, a replica of a run
 * elsewhere neither counts towards the limit nor is cancelled at shutdown, and a slow
 * consumer slows the feed rather than growing the replica's journal. The feeds replay
 * events recorded from real local runs.
 */
class ReplicaExecutionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Duration UNSTARTED_TIMEOUT = Duration.ofSeconds(30);

	private final StreamingExecutionOptions options = StreamingExecutionOptions.defaults();

	@Test
	void consumersOfAReplicaReceiveExactlyTheFeedsEventsInOrderWithTheirSequences() {
		Recorded run = Recorded.of(TestGraphs.chain("chain", "a", "b", "c").createExecution(Map.of(), this.options));
		TestFeed feed = TestFeed.recorded(run.events, false);
		ExecutionRegistry registry = registry(10);

		GraphExecution replica = registry.follow(run.shared(0), this.options, feed, false);
		assertThat(replica.status()).as("idle until a consumer or start()").isEqualTo(ExecutionStatus.CREATED);
		assertThat(feed.subscribedAfter).isEmpty();
		List<GraphExecutionEvent> received = replica.stream().flux().collectList().block(TIMEOUT);

		assertThat(received).containsExactlyElementsOf(run.events);
		assertThat(sequences(received)).containsExactlyElementsOf(range(1, 14));
		assertThat(feed.subscribedAfter).containsExactly(0L);
		assertThat(replica.isReplica()).isTrue();
		assertThat(replica.runsHere()).isFalse();
		assertThat(replica.executionId()).isEqualTo(run.execution.executionId());
		assertThat(replica.graphId()).isEqualTo("chain");
		assertThat(replica.owner()).isEqualTo("alice");
		assertThat(replica.eventCount()).isEqualTo(14);
		assertThat(registry.find(replica.executionId())).isSameAs(replica);
		StepVerifier.create(replica.stream(10).filter(GraphExecutionEventType.NODE_EXITED).flux())
			.assertNext((event) -> assertThat(event).isEqualTo(run.events.get(12)))
			.verifyComplete();
	}

	@Test
	void aReplicaFollowedWithTheRecordedEventsAnswersForThemAtOnceAndTailsTheFeedAfterTheLast() {
		Recorded run = Recorded.of(TestGraphs.chain("chain", "a", "b", "c").createExecution(Map.of(), this.options));
		TestFeed feed = TestFeed.recorded(run.events, false);

		GraphExecution replica = registry(10).follow(run.shared(0), this.options, feed, false,
				run.events.subList(0, 9));
		assertThat(replica.eventCount()).as("before any feed").isEqualTo(9);
		assertThat(replica.journal().read(4, 100, EventFilter.all()).entries()).extracting(JournalEntry::event)
			.containsExactlyElementsOf(run.events.subList(4, 9));
		List<GraphExecutionEvent> rest = replica.stream(9).flux().collectList().block(TIMEOUT);

		assertThat(feed.subscribedAfter).as("the feed is read after the last recorded event").containsExactly(9L);
		assertThat(rest).containsExactlyElementsOf(run.events.subList(9, run.events.size()));
		assertThat(replica.status()).isEqualTo(ExecutionStatus.COMPLETED);
	}

	@Test
	void aReplicaFollowedWithItsTerminalEventIsFinishedAndNeverReadsItsFeed() {
		Recorded run = Recorded.of(TestGraphs.chain("chain", "a").createExecution(Map.of(), this.options));
		TestFeed feed = TestFeed.recorded(run.events, false);

		GraphExecution replica = registry(10).follow(run.shared(0), this.options, feed, false, run.events).start();

		assertThat(replica.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(replica.finishedAt()).isEqualTo(run.last().timestamp());
		assertThat(replica.result().block(TIMEOUT).status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(replica.stream().flux().collectList().block(TIMEOUT)).containsExactlyElementsOf(run.events);
		assertThat(feed.subscribedAfter).isEmpty();
	}

	@Test
	void aLocalRunIsNeitherAReplicaNorElsewhere() {
		GraphExecution local = TestGraphs.chain("chain", "a").createExecution(Map.of(), this.options);

		assertThat(local.isReplica()).isFalse();
		assertThat(local.runsHere()).isTrue();
	}

	@Test
	void statusStaysRunningUntilTheTerminalEventThenTheResultIsTheRunsResult() {
		Recorded run = Recorded.of(TestGraphs.chain("chain", "a", "b").createExecution(Map.of(), this.options));
		Sinks.Many<GraphExecutionEvent> live = Sinks.many().unicast().onBackpressureBuffer();
		TestFeed feed = TestFeed.live(live, false);
		GraphExecution replica = registry(10).follow(run.shared(0), this.options, feed, false).start();

		assertThat(replica.status()).isEqualTo(ExecutionStatus.RUNNING);
		run.events.subList(0, run.events.size() - 1).forEach((event) -> live.tryEmitNext(event).orThrow());
		assertThat(replica.eventCount()).isEqualTo(run.events.size() - 1);
		assertThat(replica.status()).isEqualTo(ExecutionStatus.RUNNING);
		assertThat(replica.finishedAt()).isNull();
		assertThat(replica.result().toFuture()).isNotDone();

		live.tryEmitNext(run.last()).orThrow();

		assertThat(replica.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(replica.finishedAt()).isEqualTo(run.last().timestamp());
		ExecutionResult result = replica.result().block(TIMEOUT);
		assertThat(result).isEqualTo(run.result);
		assertThat(result.output()).isEqualTo(((ExecutionCompletedEvent) run.last()).output())
			.containsEntry("a", 1)
			.containsEntry("b", 2);
	}

	@Test
	void aFailedRunsReplicaEndsFailedWithTheNodeAndError() {
		StreamingGraphExecutor failing = new StreamingGraphExecutor("failing", "b throws");
		failing.addNode(GraphNode.of("a", (state, context) -> Map.of("a", 1)).nonBlocking());
		failing.addNode(GraphNode.of("b", (state, context) -> {
			throw new IllegalStateException("boom");
		}).nonBlocking());
		failing.connect("a", "b").setStartNode("a");
		Recorded run = Recorded.of(failing.createExecution(Map.of(), this.options));
		assertThat(run.last()).isInstanceOf(ExecutionFailedEvent.class);

		GraphExecution replica = registry(10).follow(run.shared(0), this.options, TestFeed.recorded(run.events, false),
				false);
		StepVerifier.create(replica.stream().flux()).expectNextSequence(run.events).verifyComplete();

		assertThat(replica.status()).isEqualTo(ExecutionStatus.FAILED);
		ExecutionResult result = replica.result().block(TIMEOUT);
		assertThat(result).isEqualTo(run.result);
		assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
		assertThat(result.nodeId()).isEqualTo("b");
		assertThat(result.errorMessage()).contains("boom");
		assertThat(result.output()).isNull();
	}

	@Test
	void aCancelledRunsReplicaEndsCancelledWithTheReason() {
		Recorded run = Recorded.cancelledAtGate("user");

		GraphExecution replica = registry(10).follow(run.shared(0), this.options, TestFeed.recorded(run.events, false),
				false);
		StepVerifier.create(replica.stream().flux()).expectNextSequence(run.events).verifyComplete();

		assertThat(replica.status()).isEqualTo(ExecutionStatus.CANCELLED);
		ExecutionResult result = replica.result().block(TIMEOUT);
		assertThat(result).isEqualTo(run.result);
		assertThat(result.errorMessage()).isEqualTo("user");
		assertThat(result.nodeId()).isEqualTo("a");
	}

	@Test
	void currentNodeFollowsNodeStartedEvents() {
		Recorded run = Recorded.of(TestGraphs.chain("chain", "a", "b").createExecution(Map.of(), this.options));
		assertThat(wireNames(run.events).subList(0, 8)).containsExactly("ExecutionStarted", "NodeEntered",
				"NodeStarted", "NodeCompleted", "NodeExited", "NodeEntered", "NodeStarted", "NodeCompleted");
		Sinks.Many<GraphExecutionEvent> live = Sinks.many().unicast().onBackpressureBuffer();
		GraphExecution replica = registry(10).follow(run.shared(0), this.options, TestFeed.live(live, false), false)
			.start();
		assertThat(replica.currentNode()).isNull();

		emit(live, run.events.subList(0, 2));
		assertThat(replica.currentNode()).as("entered is not started").isNull();
		emit(live, run.events.subList(2, 3));
		assertThat(replica.currentNode()).isEqualTo("a");
		emit(live, run.events.subList(3, 6));
		assertThat(replica.currentNode()).isEqualTo("a");
		emit(live, run.events.subList(6, 7));
		assertThat(replica.currentNode()).isEqualTo("b");
	}

	@Test
	void aReplicaStartingAfterNAsksTheFeedFromNAndReplaysFromNPlusOne() {
		Recorded run = Recorded.of(TestGraphs.chain("chain", "a", "b", "c").createExecution(Map.of(), this.options));
		TestFeed feed = TestFeed.recorded(run.events, false);
		GraphExecution replica = registry(10).follow(run.shared(5), this.options, feed, false);

		List<GraphExecutionEvent> received = replica.stream(5).flux().collectList().block(TIMEOUT);

		assertThat(feed.subscribedAfter).containsExactly(5L);
		assertThat(received).containsExactlyElementsOf(run.events.subList(5, 14));
		assertThat(sequences(received)).containsExactlyElementsOf(range(6, 14));
		assertThat(replica.journal().firstRetained()).isEqualTo(6);
		assertThat(replica.status()).isEqualTo(ExecutionStatus.COMPLETED);
		StepVerifier.create(replica.stream(0).flux())
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(EventsExpiredException.class);
				assertThat(((EventsExpiredException) error).requestedAfter()).isZero();
				assertThat(((EventsExpiredException) error).firstRetained()).isEqualTo(6);
			})
			.verify(TIMEOUT);
		StepVerifier.create(replica.stream(4).flux()).expectError(EventsExpiredException.class).verify(TIMEOUT);
		StepVerifier.create(replica.stream(12).flux().map(GraphExecutionEvent::sequence))
			.expectNext(13L, 14L)
			.verifyComplete();
	}

	@Test
	void aReplicaMayStartAfterAnySequence() {
		StreamingGraphExecutor producer = new StreamingGraphExecutor("chunks", "one node, 300 chunks");
		producer.addNode(GraphNode.of("p", (state, context) -> {
			for (int i = 0; i < 300; i++) {
				context.emitChunk(i);
			}
			return Map.of();
		}).nonBlocking());
		producer.setStartNode("p");
		Recorded run = Recorded.of(producer.createExecution(Map.of(), this.options));
		for (long startAfter : List.of(15L, 16L, 100L, 255L, 256L, 300L)) {
			GraphExecution replica = registry(10).follow(run.shared(startAfter), this.options,
					TestFeed.recorded(run.events, false), false);

			List<GraphExecutionEvent> received = replica.stream(startAfter).flux().collectList().block(TIMEOUT);

			assertThat(received).as("after %d", startAfter)
				.containsExactlyElementsOf(run.events.subList((int) startAfter, run.events.size()));
			assertThat(replica.status()).as("after %d", startAfter).isEqualTo(ExecutionStatus.COMPLETED);
		}
	}

	@Test
	void cancelAsksTheFeedAndTheStatusChangesOnlyWhenExecutionCancelledArrives() {
		Recorded run = Recorded.cancelledAtGate("user");
		Sinks.Many<GraphExecutionEvent> live = Sinks.many().unicast().onBackpressureBuffer();
		TestFeed feed = TestFeed.live(live, false);
		GraphExecution replica = registry(10).follow(run.shared(0), this.options, feed, false).start();
		emit(live, run.events.subList(0, run.events.size() - 1));

		assertThat(replica.cancel("user")).as("the feed's answer").isTrue();

		assertThat(feed.cancelReasons).containsExactly("user");
		assertThat(replica.status()).isEqualTo(ExecutionStatus.RUNNING);
		assertThat(replica.result().toFuture()).isNotDone();
		emit(live, List.of(run.last()));
		assertThat(replica.status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertThat(replica.result().block(TIMEOUT).errorMessage()).isEqualTo("user");
		assertThat(replica.cancel("again")).as("already ended").isFalse();
		assertThat(feed.cancelReasons).containsExactly("user");
	}

	@Test
	void cancelReturnsWhatTheFeedAnswers() {
		Recorded run = Recorded.cancelledAtGate("user");
		Sinks.Many<GraphExecutionEvent> live = Sinks.many().unicast().onBackpressureBuffer();
		TestFeed feed = TestFeed.live(live, false);
		feed.acceptsCancel = false;
		GraphExecution replica = registry(10).follow(run.shared(0), this.options, feed, false).start();

		assertThat(replica.cancel("too late")).isFalse();

		assertThat(feed.cancelReasons).containsExactly("too late");
		assertThat(replica.status()).isEqualTo(ExecutionStatus.RUNNING);
	}

	@Test
	void cancellingAnIdleReplicaSubscribesToTheFeedSoTheCancellationArrives() {
		Recorded run = Recorded.cancelledAtGate("user");
		Sinks.Many<GraphExecutionEvent> live = Sinks.many().unicast().onBackpressureBuffer();
		TestFeed feed = TestFeed.live(live, false);
		GraphExecution replica = registry(10).follow(run.shared(0), this.options, feed, false);

		assertThat(replica.cancel("user")).isTrue();

		assertThat(feed.subscribedAfter).containsExactly(0L);
		assertThat(feed.cancelReasons).containsExactly("user");
		assertThat(replica.status()).isEqualTo(ExecutionStatus.RUNNING);
		emit(live, run.events);
		assertThat(replica.status()).isEqualTo(ExecutionStatus.CANCELLED);
	}

	@Test
	void followReturnsTheExecutionAlreadyRegisteredUnderTheId() {
		Recorded run = Recorded.of(TestGraphs.chain("chain", "a").createExecution(Map.of(), this.options));
		ExecutionRegistry registry = registry(10);
		TestFeed first = TestFeed.recorded(run.events, false);
		TestFeed second = TestFeed.recorded(run.events, true);
		GraphExecution replica = registry.follow(run.shared(0), this.options, first, false);

		assertThat(registry.follow(run.shared(0), this.options, second, false)).isSameAs(replica);
		assertThat(registry.follow(run.shared(3), this.options, second, true)).isSameAs(replica);
		replica.start();

		assertThat(first.subscribedAfter).containsExactly(0L);
		assertThat(second.subscribedAfter).isEmpty();
		assertThat(registry.executions()).containsExactly(replica);
		GraphExecution local = registry.create(TestGraphs.chain("local", "a"), Map.of(), this.options);
		SharedExecution sameIdAsLocal = new SharedExecution(local.executionId(), "local", Instant.now(), null, null, 0);
		assertThat(registry.follow(sameIdAsLocal, this.options, second, false)).isSameAs(local);
		assertThat(second.subscribedAfter).isEmpty();
	}

	@Test
	void aReplicaOfARunElsewhereDoesNotCountTowardsTheLimit() {
		ExecutionRegistry registry = registry(1);
		Sinks.Many<GraphExecutionEvent> live = Sinks.many().unicast().onBackpressureBuffer();
		GraphExecution replica = registry.follow(shared("remote-1", 0), this.options, TestFeed.live(live, false),
				false)
			.start();

		assertThat(registry.activeCount()).isZero();
		GraphExecution local = registry.create(TestGraphs.chain("local", "a"), Map.of(), this.options);
		assertThat(registry.activeCount()).isEqualTo(1);
		assertThat(registry.follow(shared("remote-2", 0), this.options, TestFeed.live(live, false), false))
			.as("still accepted at the limit")
			.isNotNull();
		assertThat(registry.executions()).hasSize(3).contains(replica, local);
		assertThat(replica.status()).isEqualTo(ExecutionStatus.RUNNING);
	}

	@Test
	void aReplicaWhoseRunStartsHereCountsTowardsTheLimitUntilItEnds() {
		Recorded run = Recorded.of(TestGraphs.chain("chain", "a").createExecution(Map.of(), this.options));
		ExecutionRegistry registry = registry(1);
		Sinks.Many<GraphExecutionEvent> live = Sinks.many().unicast().onBackpressureBuffer();
		GraphExecution owned = registry.follow(run.shared(0), this.options, TestFeed.live(live, true), true).start();

		assertThat(owned.runsHere()).isTrue();
		assertThat(registry.activeCount()).isEqualTo(1);
		assertThatExceptionOfType(ExecutionLimitExceededException.class)
			.isThrownBy(() -> registry.create(TestGraphs.chain("local", "a"), Map.of(), this.options))
			.withMessage("Too many concurrent executions: the limit is 1");
		assertThatExceptionOfType(ExecutionLimitExceededException.class)
			.isThrownBy(() -> registry.follow(shared("other", 0), this.options, TestFeed.live(live, true), true));
		assertThat(registry.lookup("other")).isEmpty();

		emit(live, run.events);

		assertThat(owned.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(registry.activeCount()).isZero();
		assertThat(registry.create(TestGraphs.chain("local", "a"), Map.of(), this.options)).isNotNull();
	}

	@Test
	void whileRefusingNewExecutionsAReplicaOfARunElsewhereIsStillAcceptedButOneThatRunsHereIsNot() {
		ExecutionRegistry registry = registry(10);
		registry.refuseNewExecutions();
		Sinks.Many<GraphExecutionEvent> live = Sinks.many().unicast().onBackpressureBuffer();

		GraphExecution replica = registry.follow(shared("remote", 0), this.options, TestFeed.live(live, false), false);

		assertThat(registry.find("remote")).isSameAs(replica);
		assertThatExceptionOfType(RegistryShutdownException.class)
			.isThrownBy(() -> registry.follow(shared("mine", 0), this.options, TestFeed.live(live, true), true))
			.withMessage("The application is shutting down and starts no new executions");
		assertThat(registry.lookup("mine")).isEmpty();
		assertThat(registry.activeCount()).isZero();
	}

	@Test
	void cancelAllCancelsReplicasThatRunHereThroughTheirFeedAndLeavesTheOthersToTheirOwners() {
		Recorded run = Recorded.cancelledAtGate("shutdown");
		ExecutionRegistry registry = registry(10);
		Sinks.Many<GraphExecutionEvent> remoteEvents = Sinks.many().unicast().onBackpressureBuffer();
		Sinks.Many<GraphExecutionEvent> ownedEvents = Sinks.many().unicast().onBackpressureBuffer();
		TestFeed remoteFeed = TestFeed.live(remoteEvents, false);
		TestFeed ownedFeed = TestFeed.live(ownedEvents, true);
		GraphExecution remote = registry.follow(shared("remote", 0), this.options, remoteFeed, false).start();
		GraphExecution owned = registry.follow(run.shared(0), this.options, ownedFeed, true).start();

		assertThat(registry.cancelAll("shutdown")).isEqualTo(1);

		assertThat(remoteFeed.cancelReasons).isEmpty();
		assertThat(ownedFeed.cancelReasons).containsExactly("shutdown");
		assertThat(remote.status()).isEqualTo(ExecutionStatus.RUNNING);
		assertThat(owned.status()).as("until the feed delivers ExecutionCancelled").isEqualTo(ExecutionStatus.RUNNING);
		assertThat(registry.awaitTermination(Duration.ofMillis(50))).as("the owned replica is still running")
			.isFalse();
		emit(ownedEvents, run.events);
		assertThat(owned.status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertThat(registry.awaitTermination(Duration.ZERO)).as("a replica of a run elsewhere is not waited for")
			.isTrue();
		assertThat(remote.status()).isEqualTo(ExecutionStatus.RUNNING);
	}

	@Test
	void anIdleReplicaWhoseRunStartsHereIsCancelledThroughItsFeedAfterTheGracePeriod() {
		SharedExecution hourOld = new SharedExecution("mine", "graph", Instant.now().minus(Duration.ofHours(1)),
				"alice", null, 0);
		ExecutionRegistry registry = registry(10);
		Sinks.Many<GraphExecutionEvent> live = Sinks.many().unicast().onBackpressureBuffer();
		TestFeed feed = TestFeed.live(live, true);
		registry.follow(hourOld, this.options, feed, true);

		registry.evictExpired();

		assertThat(feed.cancelReasons).containsExactly("no consumer subscribed within PT30S");
	}

	@Test
	void anIdleReplicaOfARunElsewhereIsNotCancelledByTheUnstartedGracePeriod() {
		// the run started an hour ago on its owner; this instance follows it only now
		SharedExecution hourOld = new SharedExecution("remote", "remote-graph", Instant.now().minus(Duration.ofHours(1)),
				"alice", null, 0);
		ExecutionRegistry registry = registry(10);
		Sinks.Many<GraphExecutionEvent> live = Sinks.many().unicast().onBackpressureBuffer();
		TestFeed feed = TestFeed.live(live, false);
		GraphExecution replica = registry.follow(hourOld, this.options, feed, false);

		registry.evictExpired();

		assertThat(feed.cancelReasons).as("the owner's run is not cancelled").isEmpty();
		assertThat(replica.status()).isNotEqualTo(ExecutionStatus.CANCELLED);
	}

	@Test
	void aConsumerThatDoesNotRequestHoldsBackTheFeedAndResumesItWhenItRequests() {
		int chunks = 1_000;
		StreamingGraphExecutor producer = new StreamingGraphExecutor("chunks", "one node, many chunks");
		producer.addNode(GraphNode.of("p", (state, context) -> {
			for (int i = 0; i < chunks; i++) {
				context.emitChunk(i);
			}
			return Map.of("p", "done");
		}).nonBlocking());
		producer.setStartNode("p");
		Recorded run = Recorded.of(producer.createExecution(Map.of(), this.options));
		int total = chunks + 6;
		assertThat(run.events).hasSize(total);
		int maxBufferSize = 100;
		int prefetch = 64;
		StreamingExecutionOptions blocking = StreamingExecutionOptions.builder()
			.withOverflowPolicy(OverflowPolicy.BLOCK)
			.withBufferSize(10)
			.withMaxBufferSize(maxBufferSize)
			.build();
		TestFeed feed = TestFeed.recorded(run.events, false);
		GraphExecution replica = registry(10).follow(run.shared(0), blocking, feed, false);

		StepVerifier.create(replica.stream().flux(), 0)
			.expectSubscription()
			.then(() -> {
				assertThat(feed.emitted.get()).as("held at about maxBufferSize, plus the prefetch")
					.isBetween((long) maxBufferSize, (long) (maxBufferSize + prefetch));
				assertThat(feed.requested.get()).as("no demand beyond that either")
					.isLessThanOrEqualTo(maxBufferSize + prefetch);
				assertThat(replica.journal().head()).isEqualTo(feed.emitted.get());
			})
			.thenRequest(300)
			.expectNextSequence(run.events.subList(0, 300))
			.then(() -> {
				assertThat(feed.emitted.get()).as("resumed once the consumer read")
					.isGreaterThan(maxBufferSize + prefetch)
					.isLessThanOrEqualTo(300 + maxBufferSize + prefetch);
				assertThat(replica.status()).isEqualTo(ExecutionStatus.RUNNING);
			})
			.thenRequest(Long.MAX_VALUE)
			.expectNextSequence(run.events.subList(300, total))
			.verifyComplete();
		assertThat(feed.emitted.get()).isEqualTo(total);
		assertThat(replica.status()).isEqualTo(ExecutionStatus.COMPLETED);
	}

	private static void emit(Sinks.Many<GraphExecutionEvent> sink, List<GraphExecutionEvent> events) {
		events.forEach((event) -> sink.tryEmitNext(event).orThrow());
	}

	private static ExecutionRegistry registry(int maxConcurrentExecutions) {
		return new ExecutionRegistry(maxConcurrentExecutions, UNSTARTED_TIMEOUT, Clock.systemUTC());
	}

	private static SharedExecution shared(String executionId, long startAfter) {
		return new SharedExecution(executionId, "remote-graph", Instant.now(), "alice", null, startAfter);
	}

	/**
	 * A real local run to its end: its events (as its journal recorded them) and result.
	 */
	private record Recorded(GraphExecution execution, List<GraphExecutionEvent> events, ExecutionResult result) {

		static Recorded of(GraphExecution execution) {
			ExecutionResult result = execution.start().result().block(TIMEOUT);
			assertThat(result).as("the run ended in time").isNotNull();
			List<GraphExecutionEvent> events = execution.journal()
				.read(0, 100_000, EventFilter.all())
				.entries()
				.stream()
				.map(JournalEntry::event)
				.toList();
			assertThat(events).last().matches(GraphExecutionEvent::isTerminal);
			return new Recorded(execution, events, result);
		}

		/**
		 * A one-node run whose node waits on a gate, cancelled once the node started.
		 */
		static Recorded cancelledAtGate(String reason) {
			TestGraphs.Gate gate = new TestGraphs.Gate();
			StreamingGraphExecutor gated = new StreamingGraphExecutor("gated", "waits");
			gated.addNode(gate.node("a")).setStartNode("a");
			GraphExecution execution = gated.createExecution(Map.of(), StreamingExecutionOptions.defaults()).start();
			execution.journal().awaitNewerThan(2).block(TIMEOUT);
			assertThat(execution.currentNode()).isEqualTo("a");
			execution.cancel(reason);
			Recorded recorded = of(execution);
			assertThat(wireNames(recorded.events)).containsExactly("ExecutionStarted", "NodeEntered", "NodeStarted",
					"ExecutionCancelled");
			assertThat(((ExecutionCancelledEvent) recorded.last()).reason()).isEqualTo(reason);
			return recorded;
		}

		GraphExecutionEvent last() {
			return this.events.get(this.events.size() - 1);
		}

		SharedExecution shared(long startAfter) {
			return new SharedExecution(this.execution.executionId(), this.execution.graphId(),
					this.execution.createdAt(), "alice", null, startAfter);
		}

	}

	/**
	 * A feed that records how it is used: from which sequence it was subscribed, the
	 * cancellations asked of it, and the demand it received and events it emitted.
	 */
	private static final class TestFeed implements ExecutionFeed {

		final List<Long> subscribedAfter = new CopyOnWriteArrayList<>();

		final List<String> cancelReasons = new CopyOnWriteArrayList<>();

		final AtomicLong requested = new AtomicLong();

		final AtomicLong emitted = new AtomicLong();

		volatile boolean acceptsCancel = true;

		private final LongFunction<Flux<GraphExecutionEvent>> source;

		private final boolean runsHere;

		private TestFeed(LongFunction<Flux<GraphExecutionEvent>> source, boolean runsHere) {
			this.source = source;
			this.runsHere = runsHere;
		}

		/**
		 * Replays recorded events after the requested sequence, each only when demanded.
		 */
		static TestFeed recorded(List<GraphExecutionEvent> events, boolean runsHere) {
			return new TestFeed((after) -> Flux.fromIterable(events).filter((event) -> event.sequence() > after),
					runsHere);
		}

		/**
		 * Delivers what the test pushes into the sink, whatever the requested sequence.
		 */
		static TestFeed live(Sinks.Many<GraphExecutionEvent> sink, boolean runsHere) {
			return new TestFeed((after) -> sink.asFlux(), runsHere);
		}

		@Override
		public Flux<GraphExecutionEvent> events(long afterSequence) {
			this.subscribedAfter.add(afterSequence);
			return this.source.apply(afterSequence)
				.doOnNext((event) -> this.emitted.incrementAndGet())
				.doOnRequest((n) -> this.requested.getAndUpdate((current) -> Operators.addCap(current, n)));
		}

		@Override
		public boolean cancel(String reason) {
			this.cancelReasons.add(reason);
			return this.acceptsCancel;
		}

		@Override
		public boolean runsHere() {
			return this.runsHere;
		}

	}

}
