package io.graphstreaming.core.execution;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.test.StepVerifier;

import io.graphstreaming.core.TestGraphs;
import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.journal.BufferOverflowException;
import io.graphstreaming.core.journal.ConsumerSpec;
import io.graphstreaming.core.journal.EventsExpiredException;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.graphstreaming.core.TestEvents.range;
import static io.graphstreaming.core.TestEvents.sequences;
import static io.graphstreaming.core.TestEvents.wireNames;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One execution and its consumers: late joiners and resumers read the journal and then
 * follow live with no gap and no duplicate, several consumers watch at once with their
 * own filters, and every consumer sees the Reactive Streams protocol in order.
 */
class GraphExecutionTests {

	@Test
	void resumeAfterNWhileTheRunIsBlockedReplaysThenFollowsLiveWithNoGapOrDuplicate() throws Exception {
		CountDownLatch bStarted = new CountDownLatch(1);
		CountDownLatch releaseB = new CountDownLatch(1);
		StreamingGraphExecutor executor = new StreamingGraphExecutor("resume", "b blocks on a latch");
		executor.addNode(GraphNode.of("a", (s, c) -> Map.of("a", 1)));
		executor.addNode(GraphNode.of("b", (s, c) -> {
			bStarted.countDown();
			releaseB.await(20, TimeUnit.SECONDS);
			return Map.of("b", 2);
		}));
		executor.addNode(GraphNode.of("c", (s, c) -> Map.of("c", 3)));
		executor.connect("a", "b").connect("b", "c").setStartNode("a");
		GraphExecution execution = executor.createExecution(Map.of(), StreamingExecutionOptions.defaults()).start();
		assertThat(bStarted.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(execution.journal().head()).isEqualTo(7);

		List<GraphExecutionEvent> received = new ArrayList<>();
		StepVerifier.create(execution.stream(3).flux())
			.recordWith(() -> received)
			.expectNextCount(4)
			.then(releaseB::countDown)
			.thenConsumeWhile((event) -> true)
			.verifyComplete();

		assertThat(sequences(received)).containsExactlyElementsOf(range(4, 14));
		assertThat(wireNames(received)).last().isEqualTo("ExecutionCompleted");
	}

	@Test
	void joinerAttachingWhileEventsAreProducedOnAnotherThreadMissesNothingAndRepeatsNothing() throws Exception {
		int chunks = 5_000;
		CountDownLatch halfway = new CountDownLatch(1);
		StreamingGraphExecutor executor = new StreamingGraphExecutor("race", "chunks on boundedElastic");
		executor.addNode(GraphNode.of("producer", (s, context) -> {
			for (int i = 0; i < chunks; i++) {
				context.emitChunk(i);
				if (i == 100) {
					halfway.countDown();
				}
			}
			return Map.of();
		}));
		executor.setStartNode("producer");
		GraphExecution execution = executor.createExecution(Map.of(), StreamingExecutionOptions.defaults()).start();
		assertThat(halfway.await(10, TimeUnit.SECONDS)).isTrue();

		List<GraphExecutionEvent> events = execution.stream(50).flux().collectList().block();

		long last = 3 + chunks + 3;
		assertThat(sequences(events)).containsExactlyElementsOf(range(51, last));
	}

	@Test
	void severalConsumersOfOneExecutionEachGetWhatTheirFilterSelects() {
		TestGraphs.Gate gate = new TestGraphs.Gate();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("multi", "gated chain");
		executor.addNode(gate.node("a"));
		executor.addNode(GraphNode.of("b", (s, c) -> Map.of("b", 2)).nonBlocking());
		executor.addNode(GraphNode.of("c", (s, c) -> Map.of("c", 3)).nonBlocking());
		executor.connect("a", "b").connect("b", "c").setStartNode("a");
		GraphExecution execution = executor.createExecution(Map.of(), StreamingExecutionOptions.defaults());

		CompletableFuture<List<GraphExecutionEvent>> everything = execution.stream().flux().collectList().toFuture();
		CompletableFuture<List<GraphExecutionEvent>> completions = execution.stream()
			.filter(GraphExecutionEventType.NODE_COMPLETED)
			.flux()
			.collectList()
			.toFuture();
		CompletableFuture<List<GraphExecutionEvent>> nodeB = execution.stream().filterByNode("b").flux().collectList()
			.toFuture();
		CompletableFuture<List<GraphExecutionEvent>> lateHalf = execution.stream(2)
			.filter((event) -> event.sequence() % 2 == 0)
			.flux()
			.collectList()
			.toFuture();
		assertThat(execution.consumerCount()).isEqualTo(4);
		gate.open();

		assertThat(sequences(everything.join())).containsExactlyElementsOf(range(1, 14));
		assertThat(completions.join()).extracting(GraphExecutionEvent::nodeId).containsExactly("a", "b", "c");
		assertThat(wireNames(nodeB.join())).containsExactly("NodeEntered", "NodeStarted", "NodeCompleted",
				"NodeExited");
		assertThat(sequences(lateHalf.join())).containsExactly(4L, 6L, 8L, 10L, 12L, 14L);
		assertThat(execution.consumerCount()).isZero();
	}

	@Test
	void aStalledLosslessConsumerHoldsTheRunButAFastConsumerReceivesEverythingJournaled() {
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withBufferSize(2)
			.withMaxBufferSize(5)
			.build();
		GraphExecution execution = TestGraphs.chain("multi", "a", "b", "c").createExecution(Map.of(), options);
		List<GraphExecutionEvent> fast = new CopyOnWriteArrayList<>();

		StepVerifier.create(execution.stream().flux(), 0)
			.expectSubscription()
			.then(() -> execution.stream().flux().subscribe(fast::add))
			.then(() -> {
				assertThat(execution.journal().head()).isEqualTo(5);
				assertThat(sequences(fast)).containsExactlyElementsOf(range(1, 5));
			})
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(14)
			.verifyComplete();
		assertThat(sequences(fast)).containsExactlyElementsOf(range(1, 14));
	}

	@Test
	void streamAfterTheTerminalSequenceCompletesAtOnce() {
		GraphExecution execution = TestGraphs.chain("done", "a")
			.createExecution(Map.of(), StreamingExecutionOptions.defaults())
			.start();
		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);

		StepVerifier.create(execution.stream(6).flux()).verifyComplete();
		StepVerifier.create(execution.stream(5).flux().map(GraphExecutionEvent::sequence)).expectNext(6L).verifyComplete();
	}

	@Test
	void streamAfterTheTerminalSequenceCompletesAtOnceUnderDropNewest() {
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withOverflowPolicy(OverflowPolicy.DROP_NEWEST)
			.build();
		GraphExecution execution = TestGraphs.chain("done", "a").createExecution(Map.of(), options).start();

		StepVerifier.create(execution.stream(6).flux()).verifyComplete();
	}

	@Test
	void resumingBeforeTheFirstRetainedEventFailsWithEventsExpired() {
		StreamingExecutionOptions options = StreamingExecutionOptions.builder().withJournalMaxEvents(3).build();
		GraphExecution execution = TestGraphs.chain("short", "a", "b", "c").createExecution(Map.of(), options).start();
		assertThat(execution.journal().firstRetained()).isEqualTo(12);

		StepVerifier.create(execution.stream(10).flux())
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(EventsExpiredException.class)
					.hasMessage("Events after sequence 10 of execution " + execution.executionId()
							+ " are no longer kept; the oldest kept is 12");
				assertThat(((EventsExpiredException) error).requestedAfter()).isEqualTo(10);
				assertThat(((EventsExpiredException) error).firstRetained()).isEqualTo(12);
			})
			.verify();
		StepVerifier.create(execution.stream(11).flux().map(GraphExecutionEvent::sequence))
			.expectNext(12L, 13L, 14L)
			.verifyComplete();
	}

	@Test
	void resumingAfterASequenceNotYetEmittedIsRejected() {
		GraphExecution execution = TestGraphs.chain("done", "a")
			.createExecution(Map.of(), StreamingExecutionOptions.defaults())
			.start();

		StepVerifier.create(execution.stream(7).flux())
			.expectErrorMessage("Sequence 7 is ahead of execution " + execution.executionId()
					+ ", whose newest event is 6")
			.verify();
	}

	@Test
	void firstConsumerStartsAnIdleExecutionAndStartIsIdempotent() {
		GraphExecution execution = TestGraphs.chain("idle", "a")
			.createExecution(Map.of(), StreamingExecutionOptions.defaults());
		assertThat(execution.status()).isEqualTo(ExecutionStatus.CREATED);
		assertThat(execution.status().wireValue()).isEqualTo("running");
		assertThat(execution.eventCount()).isZero();

		StepVerifier.create(execution.stream().flux()).expectNextCount(6).verifyComplete();
		execution.start();

		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(execution.status().wireValue()).isEqualTo("completed");
		assertThat(execution.eventCount()).isEqualTo(6);
		assertThat(execution.finishedAt()).isNotNull();
		assertThat(execution.startedAt()).isAfterOrEqualTo(execution.createdAt());
	}

	@Test
	void entriesWithAConsumerSpecGiveJournalEntriesAfterTheRequestedSequence() {
		GraphExecution execution = TestGraphs.chain("entries", "a")
			.createExecution(Map.of(), StreamingExecutionOptions.defaults());
		ConsumerSpec spec = ConsumerSpec.of(execution.options(), 0,
				EventFilter.all().withTypes(List.of(GraphExecutionEventType.NODE_COMPLETED,
						GraphExecutionEventType.EXECUTION_COMPLETED)));

		StepVerifier.create(execution.entries(spec).map(JournalEntry::sequence)).expectNext(4L, 6L).verifyComplete();
	}

	@Test
	void consumerWhoseFilterMatchesNothingGetsOnSubscribeBeforeOnComplete() {
		RecordingSubscriber subscriber = new RecordingSubscriber(Long.MAX_VALUE);

		TestGraphs.chain("sync", "a", "b").executeStream(Map.of()).filter((event) -> false).subscribe(subscriber);

		assertThat(subscriber.signals).containsExactly("onSubscribe", "onComplete");
	}

	@Test
	void failOverflowOfAStalledConsumerArrivesAfterOnSubscribe() {
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withBufferSize(1)
			.withMaxBufferSize(2)
			.withOverflowPolicy(OverflowPolicy.FAIL)
			.build();
		RecordingSubscriber subscriber = new RecordingSubscriber(0);

		TestGraphs.chain("sync", "a", "b").executeStream(Map.of(), options).subscribe(subscriber);

		assertThat(subscriber.signals).containsExactly("onSubscribe", "onError:BufferOverflowException");
		assertThat(subscriber.error).isInstanceOf(BufferOverflowException.class);
	}

	/**
	 * Records the order of Reactive Streams signals, requesting a fixed amount on subscribe.
	 */
	private static final class RecordingSubscriber implements Subscriber<GraphExecutionEvent> {

		final List<String> signals = new CopyOnWriteArrayList<>();

		private final long initialRequest;

		volatile Throwable error;

		RecordingSubscriber(long initialRequest) {
			this.initialRequest = initialRequest;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.signals.add("onSubscribe");
			if (this.initialRequest > 0) {
				subscription.request(this.initialRequest);
			}
		}

		@Override
		public void onNext(GraphExecutionEvent event) {
			this.signals.add("onNext");
		}

		@Override
		public void onError(Throwable throwable) {
			this.error = throwable;
			this.signals.add("onError:" + throwable.getClass().getSimpleName());
		}

		@Override
		public void onComplete() {
			this.signals.add("onComplete");
		}

	}

}
