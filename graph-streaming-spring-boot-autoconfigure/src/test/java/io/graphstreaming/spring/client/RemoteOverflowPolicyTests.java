package io.graphstreaming.spring.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.test.StepVerifier;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.journal.BufferOverflowException;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.core.stream.GraphExecutionEventStream;
import io.graphstreaming.core.stream.StreamStatus;
import io.graphstreaming.core.stream.StreamStatusChange;
import io.graphstreaming.spring.client.testapp.ClientTestApplication;

import static io.graphstreaming.core.stream.StreamStatus.BUFFERING;
import static io.graphstreaming.core.stream.StreamStatus.COMPLETED;
import static io.graphstreaming.core.stream.StreamStatus.CONNECTED;
import static io.graphstreaming.core.stream.StreamStatus.CONNECTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A remote stream whose consumer stalls (asks for nothing) while its execution runs to
 * the end, for each overflow policy and transport: the client's local buffer (buffer
 * size 2, at most 5 events) holds back, drops or fails as the policy says, counts what
 * it drops and reports {@code BUFFERING}.
 */
class RemoteOverflowPolicyTests extends AbstractRemoteClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final int MAX_BUFFER_SIZE = 5;

	private static final Map<String, Object> RUN = Map.of("nodes", 6);

	@ParameterizedTest
	@EnumSource(value = ConnectionType.class, names = { "SSE", "WEBSOCKET", "POLLING" })
	void blockHoldsTheNetworkBackAndLosesNothing(ConnectionType transport) {
		GraphExecutionEventStream stream = stream(transport, OverflowPolicy.BLOCK);
		List<StreamStatusChange> changes = record(stream);
		List<GraphExecutionEvent> events = new ArrayList<>();

		StepVerifier.create(stream.flux(), 0)
			.then(() -> await().atMost(TIMEOUT).until(() -> stream.status() == BUFFERING))
			.thenRequest(Long.MAX_VALUE)
			.recordWith(() -> events)
			.thenConsumeWhile((event) -> true)
			.verifyComplete();

		assertThat(events).extracting(GraphExecutionEvent::sequence)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
		assertThat(events.get(events.size() - 1).eventType()).isEqualTo(GraphExecutionEventType.EXECUTION_COMPLETED);
		assertThat(stream.droppedEvents()).isZero();
		assertThat(changes).extracting(StreamStatusChange::current)
			.containsSubsequence(CONNECTING, CONNECTED, BUFFERING, CONNECTED, COMPLETED);
		assertThat(changes).filteredOn((change) -> change.previous() == BUFFERING)
			.first()
			.extracting(StreamStatusChange::reason)
			.isEqualTo("consumer caught up");
	}

	@ParameterizedTest
	@EnumSource(value = ConnectionType.class, names = { "SSE", "WEBSOCKET", "POLLING" })
	void dropOldestKeepsTheNewestEventsAndCountsTheOthers(ConnectionType transport) {
		GraphExecutionEventStream stream = stream(transport, OverflowPolicy.DROP_OLDEST);
		List<StreamStatusChange> changes = record(stream);
		List<GraphExecutionEvent> events = new ArrayList<>();
		long[] total = new long[1];

		StepVerifier.create(stream.flux(), 0)
			.then(() -> {
				total[0] = finishedExecution(changes).journal().head();
				await().atMost(TIMEOUT).until(() -> stream.droppedEvents() == total[0] - MAX_BUFFER_SIZE);
			})
			.thenRequest(Long.MAX_VALUE)
			.recordWith(() -> events)
			.thenConsumeWhile((event) -> true)
			.verifyComplete();

		assertThat(events).extracting(GraphExecutionEvent::sequence)
			.containsExactlyElementsOf(LongStream.rangeClosed(total[0] - MAX_BUFFER_SIZE + 1, total[0]).boxed().toList());
		assertThat(events.get(events.size() - 1).eventType()).isEqualTo(GraphExecutionEventType.EXECUTION_COMPLETED);
		assertThat(stream.droppedEvents()).isEqualTo(total[0] - MAX_BUFFER_SIZE);
		assertThat(changes).extracting(StreamStatusChange::current).contains(BUFFERING);
		assertThat(stream.status()).isEqualTo(COMPLETED);
	}

	@ParameterizedTest
	@EnumSource(value = ConnectionType.class, names = { "SSE", "WEBSOCKET", "POLLING" })
	void dropNewestKeepsTheFirstEventsAndTheTerminalOneAndCountsTheOthers(ConnectionType transport) {
		GraphExecutionEventStream stream = stream(transport, OverflowPolicy.DROP_NEWEST);
		List<StreamStatusChange> changes = record(stream);
		List<GraphExecutionEvent> events = new ArrayList<>();
		long[] total = new long[1];

		StepVerifier.create(stream.flux(), 0)
			.then(() -> {
				total[0] = finishedExecution(changes).journal().head();
				await().atMost(TIMEOUT).until(() -> stream.droppedEvents() == total[0] - MAX_BUFFER_SIZE - 1);
			})
			.thenRequest(Long.MAX_VALUE)
			.recordWith(() -> events)
			.thenConsumeWhile((event) -> true)
			.verifyComplete();

		List<Long> expected = new ArrayList<>(LongStream.rangeClosed(1, MAX_BUFFER_SIZE).boxed().toList());
		expected.add(total[0]);
		assertThat(events).extracting(GraphExecutionEvent::sequence).containsExactlyElementsOf(expected);
		assertThat(events.get(events.size() - 1).eventType()).isEqualTo(GraphExecutionEventType.EXECUTION_COMPLETED);
		assertThat(stream.droppedEvents()).isEqualTo(total[0] - MAX_BUFFER_SIZE - 1);
		assertThat(stream.status()).isEqualTo(COMPLETED);
	}

	@ParameterizedTest
	@EnumSource(value = ConnectionType.class, names = { "SSE", "WEBSOCKET", "POLLING" })
	void failEndsTheStreamWithBufferOverflowAndLeavesTheExecutionRunning(ConnectionType transport) {
		GraphExecutionEventStream stream = stream(transport, OverflowPolicy.FAIL);
		List<StreamStatusChange> changes = record(stream);

		StepVerifier.create(stream.flux(), 0)
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(BufferOverflowException.class)
				.hasMessageStartingWith("Consumer of execution ")
				.hasMessageEndingWith(" fell more than 5 events behind (overflow policy 'fail')"))
			.verify(TIMEOUT);

		assertThat(stream.status()).isEqualTo(StreamStatus.FAILED);
		assertThat(finishedExecution(changes).status()).isEqualTo(ExecutionStatus.COMPLETED);
	}

	private GraphExecutionEventStream stream(ConnectionType transport, OverflowPolicy policy) {
		StreamingExecutionOptions options = reconnecting(3).configure()
			.withBufferSize(2)
			.withMaxBufferSize(MAX_BUFFER_SIZE)
			.withOverflowPolicy(policy)
			.build();
		GraphStreamClient client = client(this.port, transport, options).build();
		return client.stream(ClientTestApplication.SYNTHETIC, RUN);
	}

	/**
	 * The stream's execution on the server (named by the reason of its first
	 * {@code CONNECTED}), once it has ended.
	 */
	private GraphExecution finishedExecution(List<StreamStatusChange> changes) {
		await().atMost(TIMEOUT).until(() -> changes.stream().anyMatch((change) -> change.current() == CONNECTED));
		String reason = changes.stream().filter((change) -> change.current() == CONNECTED).findFirst().orElseThrow()
			.reason();
		GraphExecution execution = this.registry.execution(ClientTestApplication.SYNTHETIC,
				reason.substring(reason.lastIndexOf(' ') + 1));
		execution.result().block(TIMEOUT);
		return execution;
	}

	private static List<StreamStatusChange> record(GraphExecutionEventStream stream) {
		List<StreamStatusChange> changes = new CopyOnWriteArrayList<>();
		stream.onStatusChanged(changes::add);
		return changes;
	}

}
