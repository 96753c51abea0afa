package io.graphstreaming.core.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import io.graphstreaming.core.TestGraphs;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionStartedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.journal.BufferOverflowException;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static io.graphstreaming.core.stream.StreamStatus.ACTIVE;
import static io.graphstreaming.core.stream.StreamStatus.BUFFERING;
import static io.graphstreaming.core.stream.StreamStatus.CANCELLED;
import static io.graphstreaming.core.stream.StreamStatus.COMPLETED;
import static io.graphstreaming.core.stream.StreamStatus.CONNECTED;
import static io.graphstreaming.core.stream.StreamStatus.CONNECTING;
import static io.graphstreaming.core.stream.StreamStatus.FAILED;
import static io.graphstreaming.core.stream.StreamStatus.NOT_STARTED;
import static io.graphstreaming.core.stream.StreamStatus.RECONNECTING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status of a stream's latest subscription and its change notifications.
 */
class StreamStatusTests {

	@Test
	void completedRunGoesFromNotStartedThroughActiveToCompleted() {
		GraphExecutionEventStream stream = TestGraphs.chain("status", "a").executeStream(Map.of());
		List<StreamStatusChange> changes = record(stream);
		assertThat(stream.status()).isEqualTo(NOT_STARTED);

		StepVerifier.create(stream.flux(), 0)
			.expectSubscription()
			.then(() -> assertThat(stream.status()).isEqualTo(ACTIVE))
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(6)
			.verifyComplete();

		assertThat(stream.status()).isEqualTo(COMPLETED);
		assertThat(changes).containsExactly(new StreamStatusChange(NOT_STARTED, ACTIVE, "subscribed"),
				new StreamStatusChange(ACTIVE, COMPLETED, "execution ended"));
	}

	@Test
	void failedRunEndsFailed() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("status", "fails");
		executor.addNode(GraphNode.of("a", (s, c) -> {
			throw new IllegalStateException("no");
		}).nonBlocking()).setStartNode("a");
		GraphExecutionEventStream stream = executor.executeStream(Map.of());

		StepVerifier.create(stream.flux()).expectNextCount(6).verifyComplete();

		assertThat(stream.status()).isEqualTo(FAILED);
	}

	@Test
	void cancelledConsumerEndsCancelled() {
		TestGraphs.Gate gate = new TestGraphs.Gate();
		StreamingGraphExecutor executor = new StreamingGraphExecutor("status", "gated");
		executor.addNode(gate.node("a")).setStartNode("a");
		GraphExecutionEventStream stream = executor.executeStream(Map.of());
		List<StreamStatusChange> changes = record(stream);

		StepVerifier.create(stream.flux()).expectNextCount(3).thenCancel().verify();

		assertThat(stream.status()).isEqualTo(CANCELLED);
		assertThat(changes).last().isEqualTo(new StreamStatusChange(ACTIVE, CANCELLED, "consumer cancelled"));
	}

	@Test
	void stalledConsumerIsBufferingUntilItCatchesUp() {
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withBufferSize(2)
			.withMaxBufferSize(5)
			.build();
		GraphExecutionEventStream stream = TestGraphs.chain("status", "a", "b").executeStream(Map.of(), options);
		List<StreamStatusChange> changes = record(stream);

		StepVerifier.create(stream.flux(), 0)
			.expectSubscription()
			.then(() -> assertThat(stream.status()).isEqualTo(BUFFERING))
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(10)
			.verifyComplete();

		assertThat(changes).extracting(StreamStatusChange::current)
			.containsExactly(ACTIVE, BUFFERING, ACTIVE, COMPLETED);
		assertThat(changes.get(1).reason()).isEqualTo("consumer is more than bufferSize events behind");
		assertThat(changes.get(2).reason()).isEqualTo("consumer caught up");
	}

	@Test
	void overflowUnderFailEndsFailed() {
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withBufferSize(1)
			.withMaxBufferSize(2)
			.withOverflowPolicy(OverflowPolicy.FAIL)
			.build();
		GraphExecutionEventStream stream = TestGraphs.chain("status", "a").executeStream(Map.of(), options);

		StepVerifier.create(stream.flux(), 0).expectSubscription().expectError(BufferOverflowException.class).verify();

		assertThat(stream.status()).isEqualTo(FAILED);
	}

	@Test
	void resubscribingRestartsTheStatusAndTheDropCount() {
		StreamingExecutionOptions options = StreamingExecutionOptions.builder()
			.withBufferSize(1)
			.withMaxBufferSize(2)
			.withOverflowPolicy(OverflowPolicy.DROP_OLDEST)
			.build();
		GraphExecutionEventStream stream = TestGraphs.chain("status", "a").executeStream(Map.of(), options);

		StepVerifier.create(stream.flux(), 0)
			.expectSubscription()
			.then(() -> assertThat(stream.droppedEvents()).isEqualTo(4))
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(2)
			.verifyComplete();
		assertThat(stream.droppedEvents()).isEqualTo(4);
		assertThat(stream.status()).isEqualTo(COMPLETED);

		StepVerifier.create(stream.flux()).expectNextCount(6).verifyComplete();
		assertThat(stream.droppedEvents()).isZero();
	}

	@Test
	void statusChangesFluxAndListenerRemoval() {
		GraphExecutionEventStream stream = TestGraphs.chain("status", "a").executeStream(Map.of());
		List<StreamStatusChange> viaFlux = new CopyOnWriteArrayList<>();
		List<StreamStatusChange> removed = new CopyOnWriteArrayList<>();
		Disposable subscription = stream.statusChanges().subscribe(viaFlux::add);
		stream.onStatusChanged(removed::add).dispose();

		stream.flux().blockLast();
		subscription.dispose();

		assertThat(viaFlux).extracting(StreamStatusChange::current).containsExactly(ACTIVE, COMPLETED);
		assertThat(removed).isEmpty();
	}

	@Test
	void connectingSourceReportsItsConnectionChangesInOrder() {
		GraphExecutionEventStream.ConnectingSource source = (filter, listener, connection) -> Flux.defer(() -> {
			connection.onConnection(CONNECTED, "connected to example:80");
			return Flux.just(entry(new ExecutionStartedEvent("e", "remote", 1, Instant.EPOCH, "a", Map.of())));
		}).concatWith(Flux.defer(() -> {
			connection.onConnection(RECONNECTING, "connection lost; reconnect 1 of 3");
			connection.onConnection(CONNECTED, "reconnected to example:80");
			return Flux.just(entry(new ExecutionCompletedEvent("e", "remote", 2, Instant.EPOCH, Duration.ZERO, null)));
		}));
		GraphExecutionEventStream stream = GraphExecutionEventStream.create("remote",
				StreamingExecutionOptions.defaults(), source);
		List<StreamStatusChange> changes = record(stream);

		StepVerifier.create(stream.flux()).expectNextCount(2).verifyComplete();

		assertThat(changes).containsExactly(new StreamStatusChange(NOT_STARTED, CONNECTING, "subscribed"),
				new StreamStatusChange(CONNECTING, CONNECTED, "connected to example:80"),
				new StreamStatusChange(CONNECTED, RECONNECTING, "connection lost; reconnect 1 of 3"),
				new StreamStatusChange(RECONNECTING, CONNECTED, "reconnected to example:80"),
				new StreamStatusChange(CONNECTED, COMPLETED, "execution ended"));
	}

	@Test
	void connectingSourceThatGivesUpEndsFailedWithItsMessage() {
		GraphExecutionEventStream.ConnectingSource source = (filter, listener, connection) -> {
			connection.onConnection(RECONNECTING, "connection refused; reconnect 1 of 1");
			return Flux.error(new IllegalStateException("gave up after 1 reconnect"));
		};
		GraphExecutionEventStream stream = GraphExecutionEventStream.create("remote",
				StreamingExecutionOptions.defaults(), source);
		List<StreamStatusChange> changes = record(stream);

		StepVerifier.create(stream.flux()).verifyErrorMessage("gave up after 1 reconnect");

		assertThat(changes).extracting(StreamStatusChange::current).containsExactly(CONNECTING, RECONNECTING, FAILED);
		assertThat(changes).last().extracting(StreamStatusChange::reason).isEqualTo("gave up after 1 reconnect");
	}

	private static JournalEntry entry(GraphExecutionEvent event) {
		return new JournalEntry(event);
	}

	private static List<StreamStatusChange> record(GraphExecutionEventStream stream) {
		List<StreamStatusChange> changes = new CopyOnWriteArrayList<>();
		stream.onStatusChanged(changes::add);
		return changes;
	}

}
