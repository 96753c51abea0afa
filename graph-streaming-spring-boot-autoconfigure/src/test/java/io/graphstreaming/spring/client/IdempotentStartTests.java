package io.graphstreaming.spring.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.test.StepVerifier;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.stream.GraphExecutionEventStream;
import io.graphstreaming.core.stream.StreamStatusChange;
import io.graphstreaming.spring.client.testapp.ClientTestApplication;

import static io.graphstreaming.core.stream.StreamStatus.COMPLETED;
import static io.graphstreaming.core.stream.StreamStatus.CONNECTED;
import static io.graphstreaming.core.stream.StreamStatus.CONNECTING;
import static io.graphstreaming.core.stream.StreamStatus.FAILED;
import static io.graphstreaming.core.stream.StreamStatus.RECONNECTING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A start request whose answer is lost after the server acted on it: the client repeats
 * it with the same {@code Idempotency-Key}, and the server answers with the execution it
 * already started, so one subscription runs the graph exactly once.
 */
class IdempotentStartTests extends AbstractRemoteClientTests {

	private static final String START = "POST /graphs/" + ClientTestApplication.SYNTHETIC + "/executions";

	@ParameterizedTest
	@EnumSource(value = ConnectionType.class, names = { "SSE", "WEBSOCKET", "POLLING" })
	void startWhoseAnswerIsCutIsRepeatedAndStartsExactlyOneExecution(ConnectionType transport) throws Exception {
		FaultProxy proxy = proxy(21).cutAnswers(START, 1);
		GraphStreamClient client = client(proxy.port(), transport, reconnecting(3)).build();
		GraphExecutionEventStream stream = client.stream(ClientTestApplication.SYNTHETIC, Map.of("nodes", 3));
		List<StreamStatusChange> changes = record(stream);
		Instant begin = Instant.now();

		List<GraphExecutionEvent> events = stream.flux().collectList().block(Duration.ofSeconds(10));

		assertThat(proxy.cuts()).as("the first start's answer was cut").isEqualTo(1);
		assertThat(events).extracting(GraphExecutionEvent::sequence)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
		assertThat(events.get(events.size() - 1).eventType()).isEqualTo(GraphExecutionEventType.EXECUTION_COMPLETED);
		assertThat(changes).extracting(StreamStatusChange::current)
			.containsExactly(CONNECTING, RECONNECTING, CONNECTED, COMPLETED);
		assertThat(changes.get(1).reason())
			.startsWith("could not start an execution at 127.0.0.1:" + proxy.port() + " (")
			.contains("reconnect 1 of 3");
		assertThat(startedSince(begin)).as("executions on the server")
			.containsExactly(events.get(0).executionId());
	}

	@Test
	void startWhoseAnswersAreAllCutGivesUpSayingAnExecutionMayHaveStarted() throws Exception {
		FaultProxy proxy = proxy(22).cutAnswers(START, 100);
		GraphStreamClient client = client(proxy.port(), ConnectionType.SSE, reconnecting(2)).build();
		GraphExecutionEventStream stream = client.stream(ClientTestApplication.SYNTHETIC, Map.of("nodes", 3));
		List<StreamStatusChange> changes = record(stream);
		Instant begin = Instant.now();

		StepVerifier.create(stream.flux())
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(GraphStreamClientException.class)
					.hasMessageStartingWith("Starting an execution of graph 'synthetic' failed at 127.0.0.1:"
							+ proxy.port() + " over SSE: gave up after 2 reconnect attempts in a row (max 2)");
				assertThat(((GraphStreamClientException) error).executionMayHaveStarted()).isTrue();
			})
			.verify(Duration.ofSeconds(10));

		assertThat(proxy.cuts()).as("three start requests, each answer cut").isEqualTo(3);
		assertThat(changes).extracting(StreamStatusChange::current).containsExactly(CONNECTING, RECONNECTING, FAILED);
		assertThat(changes.get(2).reason()).contains("gave up after 2 reconnect attempts");
		assertThat(startedSince(begin)).as("one key, one execution").hasSize(1);
	}

	@Test
	void startRefusedWithoutReachingTheServerDoesNotSayAnExecutionMayHaveStarted() throws Exception {
		FaultProxy proxy = proxy(23);
		proxy.close();
		GraphStreamClient client = client(proxy.port(), ConnectionType.SSE, reconnecting(1)).build();

		StepVerifier.create(client.stream(ClientTestApplication.SYNTHETIC, Map.of()).flux())
			.expectErrorSatisfies((error) -> assertThat(((GraphStreamClientException) error).executionMayHaveStarted())
				.isFalse())
			.verify(Duration.ofSeconds(10));
	}

	private List<String> startedSince(Instant begin) {
		return this.registry.executions()
			.executions()
			.stream()
			.filter((execution) -> execution.graphId().equals(ClientTestApplication.SYNTHETIC))
			.filter((execution) -> !execution.createdAt().isBefore(begin))
			.map(GraphExecution::executionId)
			.toList();
	}

	private static List<StreamStatusChange> record(GraphExecutionEventStream stream) {
		List<StreamStatusChange> changes = new CopyOnWriteArrayList<>();
		stream.onStatusChanged(changes::add);
		return changes;
	}

}
