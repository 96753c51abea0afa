package io.graphstreaming.spring.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.test.StepVerifier;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.execution.ExecutionResult;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.graph.GraphDescription;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.core.stream.GraphExecutionEventStream;
import io.graphstreaming.core.stream.StreamStatus;
import io.graphstreaming.spring.client.testapp.ClientTestApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client's operations against a real server: graphs, descriptions, non-streaming
 * runs, cancellation, attaching, and filters applied by the server.
 */
class GraphStreamClientTests extends AbstractRemoteClientTests {

	@Test
	void graphsAndDescribe() {
		GraphStreamClient client = client(this.port, ConnectionType.SSE, reconnecting(3)).build();

		List<GraphDescription> graphs = client.graphs().block(Duration.ofSeconds(5));
		GraphDescription synthetic = client.describe(ClientTestApplication.SYNTHETIC).block(Duration.ofSeconds(5));

		assertThat(graphs).extracting(GraphDescription::id).contains(ClientTestApplication.SYNTHETIC);
		assertThat(synthetic).isEqualTo(this.registry.describe(ClientTestApplication.SYNTHETIC));
		assertThat(synthetic.edges()).singleElement()
			.isEqualTo(new GraphDescription.Edge("step", "step", "more steps"));
	}

	@Test
	void describeUnknownGraphFailsWithTheServersDetail() {
		GraphStreamClient client = client(this.port, ConnectionType.SSE, reconnecting(3)).build();

		StepVerifier.create(client.describe("nope"))
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(GraphStreamClientException.class)
					.hasMessage("GET http://127.0.0.1:" + this.port + "/graphs/nope failed: the server answered "
							+ "404 Not Found: No graph 'nope'");
				assertThat(((GraphStreamClientException) error).statusCode()).isEqualTo(404);
			})
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void requestToAServerThatIsNotThereFailsNamingIt() throws Exception {
		FaultProxy proxy = proxy(11);
		proxy.close();
		GraphStreamClient client = client(proxy.port(), ConnectionType.SSE, reconnecting(3)).build();

		StepVerifier.create(client.graphs())
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(GraphStreamClientException.class)
				.hasMessageStartingWith("GET http://127.0.0.1:" + proxy.port() + "/graphs failed: ")
				.hasMessageContaining("Connection refused"))
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void executeRunsToTheEnd() {
		GraphStreamClient client = client(this.port, ConnectionType.SSE, reconnecting(3)).build();

		ExecutionResult result = client.execute(ClientTestApplication.SYNTHETIC, Map.of("nodes", 4))
			.block(Duration.ofSeconds(5));

		assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(result.graphId()).isEqualTo(ClientTestApplication.SYNTHETIC);
		assertThat(result.output()).containsEntry("step", 4).containsEntry("nodes", 4);
		assertThat(result.duration()).isPositive();
		assertThat(result.errorType()).isNull();
		assertThat(this.registry.execution(ClientTestApplication.SYNTHETIC, result.executionId()).status())
			.isEqualTo(ExecutionStatus.COMPLETED);
	}

	@Test
	void cancelEndsTheExecutionAndItsStreams() {
		GraphStreamClient client = client(this.port, ConnectionType.SSE, reconnecting(3)).build();
		GraphExecution execution = this.registry.start(ClientTestApplication.SYNTHETIC,
				Map.of("nodes", 1000, "delayMs", 20));
		GraphExecutionEventStream stream = client.attach(ClientTestApplication.SYNTHETIC, execution.executionId());

		StepVerifier.create(stream.flux())
			.expectNextCount(2)
			.then(() -> assertThat(client.cancel(ClientTestApplication.SYNTHETIC, execution.executionId())
				.block(Duration.ofSeconds(5))).isEqualTo(ExecutionStatus.CANCELLED))
			.thenConsumeWhile((event) -> !event.isTerminal())
			.expectNextMatches((event) -> event.eventType() == GraphExecutionEventType.EXECUTION_CANCELLED)
			.verifyComplete();
		assertThat(stream.status()).isEqualTo(StreamStatus.CANCELLED);
		assertThat(client.cancel(ClientTestApplication.SYNTHETIC, execution.executionId()).block())
			.isEqualTo(ExecutionStatus.CANCELLED);
	}

	@ParameterizedTest
	@EnumSource(value = ConnectionType.class, names = { "SSE", "WEBSOCKET", "POLLING" })
	void attachAfterASequenceGetsTheRest(ConnectionType transport) {
		GraphStreamClient client = client(this.port, transport, reconnecting(3)).build();
		GraphExecution execution = this.registry.start(ClientTestApplication.SYNTHETIC, Map.of("nodes", 3));
		execution.result().block(Duration.ofSeconds(5));
		long last = execution.journal().head();

		List<GraphExecutionEvent> events = client.attach(ClientTestApplication.SYNTHETIC, execution.executionId(), 5)
			.flux()
			.collectList()
			.block(Duration.ofSeconds(5));
		List<GraphExecutionEvent> nothing = client
			.attach(ClientTestApplication.SYNTHETIC, execution.executionId(), last)
			.flux()
			.collectList()
			.block(Duration.ofSeconds(5));

		assertThat(events).extracting(GraphExecutionEvent::sequence).first().isEqualTo(6L);
		assertThat(events).extracting(GraphExecutionEvent::sequence).last().isEqualTo(last);
		assertThat(nothing).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(value = ConnectionType.class, names = { "SSE", "WEBSOCKET", "POLLING" })
	void filtersAreSentToTheServerAndAppliedAgainByTheClient(ConnectionType transport) {
		List<String> requests = new CopyOnWriteArrayList<>();
		GraphStreamClient client = client(this.port, transport, reconnecting(3))
			.httpClient((http) -> http.doOnRequest((request, connection) -> requests.add(request.uri())))
			.build();
		GraphExecutionEventStream stream = client.stream(ClientTestApplication.SYNTHETIC, Map.of("nodes", 4))
			.filter(GraphExecutionEventType.NODE_COMPLETED)
			.filter((event) -> event.sequence() > 10);

		List<GraphExecutionEvent> events = stream.flux().collectList().block(Duration.ofSeconds(5));

		assertThat(events).isNotEmpty()
			.allMatch((event) -> event.eventType() == GraphExecutionEventType.NODE_COMPLETED)
			.allMatch((event) -> event.sequence() > 10);
		assertThat(stream.status()).isEqualTo(StreamStatus.COMPLETED);
		if (transport != ConnectionType.WEBSOCKET) {
			assertThat(requests).anyMatch((uri) -> uri
				.contains("eventTypes=ExecutionCancelled,ExecutionCompleted,ExecutionFailed,NodeCompleted"));
		}
	}

	/**
	 * The server allows long polls of 2 s here: a client polling for 10 s (no heartbeats
	 * to shorten it) is told the maximum once, and polls with it from then on, without a
	 * reconnect.
	 */
	@Test
	void pollWaitAboveTheServersLongestIsLoweredToItWithoutAReconnect() {
		List<String> requests = new CopyOnWriteArrayList<>();
		StreamingExecutionOptions options = reconnecting(3).configure().withHeartbeatEnabled(false).build();
		GraphStreamClient client = client(this.port, ConnectionType.POLLING, options).pollWait(Duration.ofSeconds(10))
			.httpClient((http) -> http.doOnRequest((request, connection) -> requests.add(request.uri())))
			.build();
		GraphExecutionEventStream stream = client.stream(ClientTestApplication.SYNTHETIC,
				Map.of("nodes", 3, "delayMs", 30));
		List<StreamStatus> statuses = new CopyOnWriteArrayList<>();
		stream.onStatusChanged((change) -> statuses.add(change.current()));

		List<GraphExecutionEvent> events = stream.flux().collectList().block(Duration.ofSeconds(10));

		assertThat(events).last()
			.extracting(GraphExecutionEvent::eventType)
			.isEqualTo(GraphExecutionEventType.EXECUTION_COMPLETED);
		assertThat(statuses).containsExactly(StreamStatus.CONNECTING, StreamStatus.CONNECTED, StreamStatus.COMPLETED);
		List<String> polls = requests.stream().filter((uri) -> uri.contains("/events?")).toList();
		assertThat(polls.get(0)).endsWith("&waitMs=10000");
		assertThat(polls.subList(1, polls.size())).isNotEmpty().allMatch((uri) -> uri.endsWith("&waitMs=2000"));
	}

	@Test
	void nodeFilterEndsTheStreamEvenThoughTheTerminalEventIsFilteredOut() {
		for (ConnectionType transport : List.of(ConnectionType.SSE, ConnectionType.WEBSOCKET, ConnectionType.POLLING)) {
			GraphStreamClient client = client(this.port, transport, reconnecting(3)).build();
			GraphExecutionEventStream stream = client.stream(ClientTestApplication.SYNTHETIC, Map.of("nodes", 2))
				.filterByNode("step");

			List<GraphExecutionEvent> events = stream.flux().collectList().block(Duration.ofSeconds(5));

			assertThat(events).as(transport.displayName()).isNotEmpty().allMatch((event) -> "step".equals(event.nodeId()));
			assertThat(stream.status()).as(transport.displayName()).isEqualTo(StreamStatus.COMPLETED);
		}
	}

	@Test
	void cancellingAStartedStreamCancelsItsExecution() {
		GraphStreamClient client = client(this.port, ConnectionType.SSE, reconnecting(3)).build();

		List<GraphExecutionEvent> events = client
			.stream(ClientTestApplication.SYNTHETIC, Map.of("nodes", 1000, "delayMs", 20))
			.flux()
			.take(3)
			.collectList()
			.block(Duration.ofSeconds(5));

		GraphExecution execution = this.registry.execution(ClientTestApplication.SYNTHETIC,
				events.get(0).executionId());
		await().atMost(Duration.ofSeconds(5)).until(() -> execution.status() == ExecutionStatus.CANCELLED);
	}

	@Test
	void cancellingAnAttachedStreamLeavesTheExecutionRunning() {
		GraphStreamClient client = client(this.port, ConnectionType.SSE, reconnecting(3)).build();
		GraphExecution execution = this.registry.start(ClientTestApplication.SYNTHETIC,
				Map.of("nodes", 30, "delayMs", 10));

		client.attach(ClientTestApplication.SYNTHETIC, execution.executionId())
			.flux()
			.take(3)
			.blockLast(Duration.ofSeconds(5));

		assertThat(execution.result().block(Duration.ofSeconds(5)).status()).isEqualTo(ExecutionStatus.COMPLETED);
	}

}
