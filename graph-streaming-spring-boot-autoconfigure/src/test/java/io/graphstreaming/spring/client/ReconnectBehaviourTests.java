package io.graphstreaming.spring.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.core.stream.GraphExecutionEventStream;
import io.graphstreaming.core.stream.StreamStatus;
import io.graphstreaming.core.stream.StreamStatusChange;
import io.graphstreaming.spring.client.testapp.ClientTestApplication;

import static io.graphstreaming.core.stream.StreamStatus.COMPLETED;
import static io.graphstreaming.core.stream.StreamStatus.CONNECTED;
import static io.graphstreaming.core.stream.StreamStatus.CONNECTING;
import static io.graphstreaming.core.stream.StreamStatus.FAILED;
import static io.graphstreaming.core.stream.StreamStatus.NOT_STARTED;
import static io.graphstreaming.core.stream.StreamStatus.RECONNECTING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a remote stream reacts to one failure at a time, for each transport: a cut
 * connection, a stalled one (heartbeat silence), a server gone for good, an answer that
 * refuses the request, a proxy that refuses a transport.
 */
class ReconnectBehaviourTests extends AbstractRemoteClientTests {

	private static final Map<String, Object> SLOW_RUN = Map.of("nodes", 8, "delayMs", 40);

	@ParameterizedTest
	@EnumSource(value = ConnectionType.class, names = { "SSE", "WEBSOCKET", "POLLING" })
	void cutConnectionReconnectsWithStatusChangesInOrder(ConnectionType transport) throws Exception {
		FaultProxy proxy = proxy(1);
		GraphStreamClient client = client(proxy.port(), transport, reconnecting(3)).build();
		GraphExecutionEventStream stream = client.stream(ClientTestApplication.SYNTHETIC, SLOW_RUN);
		List<StreamStatusChange> viaListener = record(stream);
		List<StreamStatusChange> viaFlux = new CopyOnWriteArrayList<>();
		Disposable fluxSubscription = stream.statusChanges().subscribe(viaFlux::add);

		StepVerifier.create(stream.flux())
			.expectNextMatches((event) -> event.sequence() == 1)
			.expectNextCount(4)
			.then(() -> assertThat(proxy.cutOpenConnections()).isPositive())
			.thenConsumeWhile((event) -> !event.isTerminal())
			.expectNextMatches((event) -> event.eventType() == GraphExecutionEventType.EXECUTION_COMPLETED)
			.verifyComplete();
		fluxSubscription.dispose();

		assertThat(viaListener).extracting(StreamStatusChange::current)
			.containsExactly(CONNECTING, CONNECTED, RECONNECTING, CONNECTED, COMPLETED);
		assertThat(viaListener.get(0)).isEqualTo(new StreamStatusChange(NOT_STARTED, CONNECTING, "subscribed"));
		String where = "127.0.0.1:" + proxy.port() + " over " + transport.displayName();
		assertThat(viaListener.get(1).reason()).startsWith("connected to " + where + ", execution ");
		assertThat(viaListener.get(2).reason()).startsWith("connection to " + where + " lost (")
			.containsPattern("\\); reconnect 1 of 3 in \\d+ ms, resuming after sequence \\d+$");
		assertThat(viaListener.get(3).reason()).startsWith("reconnected to " + where + ", resuming execution ");
		assertThat(viaListener.get(4).reason()).isEqualTo("execution ended");
		assertThat(viaFlux).isEqualTo(viaListener);
		assertThat(stream.status()).isEqualTo(COMPLETED);
	}

	/**
	 * Five cuts over one run with at most two reconnects in a row: each resume that
	 * receives something starts the count over, so every reconnect is the first of its
	 * run and the stream never gives up. Cuts are ten sequences apart, so that each one
	 * comes after the connection before it delivered something.
	 */
	@ParameterizedTest
	@EnumSource(value = ConnectionType.class, names = { "SSE", "WEBSOCKET" })
	void attemptCountStartsOverAfterEachSuccessfulResume(ConnectionType transport) throws Exception {
		FaultProxy proxy = proxy(10);
		GraphStreamClient client = client(proxy.port(), transport, reconnecting(2)).build();
		GraphExecutionEventStream stream = client.stream(ClientTestApplication.SYNTHETIC,
				Map.of("nodes", 12, "delayMs", 30));
		List<StreamStatusChange> changes = record(stream);
		Set<Long> cutAt = Set.of(3L, 13L, 23L, 33L, 43L);

		List<GraphExecutionEvent> events = stream.flux().doOnNext((event) -> {
			if (cutAt.contains(event.sequence())) {
				assertThat(proxy.cutOpenConnections()).isPositive();
			}
		}).collectList().block(Duration.ofSeconds(20));

		assertThat(events).extracting(GraphExecutionEvent::sequence)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList())
			.contains(43L);
		assertThat(events.get(events.size() - 1).eventType()).isEqualTo(GraphExecutionEventType.EXECUTION_COMPLETED);
		assertThat(changes).filteredOn((change) -> change.current() == RECONNECTING)
			.hasSize(5)
			.allSatisfy((change) -> assertThat(change.reason()).contains("; reconnect 1 of 2 in "));
		assertThat(stream.status()).isEqualTo(COMPLETED);
	}

	@ParameterizedTest
	@EnumSource(value = ConnectionType.class, names = { "SSE", "WEBSOCKET", "POLLING" })
	void everySequenceArrivesOnceAfterAStall(ConnectionType transport) throws Exception {
		FaultProxy proxy = proxy(2);
		GraphStreamClient client = client(proxy.port(), transport, reconnecting(3)).build();
		GraphExecutionEventStream stream = client.stream(ClientTestApplication.SYNTHETIC, SLOW_RUN);
		List<StreamStatusChange> changes = record(stream);

		List<GraphExecutionEvent> events = stream.flux()
			.doOnNext((event) -> {
				if (event.sequence() == 3) {
					proxy.stallOpenConnections();
				}
			})
			.collectList()
			.block(Duration.ofSeconds(10));

		assertThat(events).extracting(GraphExecutionEvent::sequence)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
		assertThat(events.get(events.size() - 1).eventType()).isEqualTo(GraphExecutionEventType.EXECUTION_COMPLETED);
		assertThat(changes).extracting(StreamStatusChange::current)
			.containsExactly(CONNECTING, CONNECTED, RECONNECTING, CONNECTED, COMPLETED);
		assertThat(changes.get(2).reason())
			.contains("lost (nothing arrived (no event, heartbeat or ping) for 300 ms); reconnect 1 of 3");
	}

	@ParameterizedTest
	@EnumSource(value = ConnectionType.class, names = { "SSE", "WEBSOCKET", "POLLING" })
	void serverGoneLongerThanTheAttemptsAllowFailsNamingHostAttemptsAndCause(ConnectionType transport)
			throws Exception {
		FaultProxy proxy = proxy(3);
		GraphStreamClient client = client(proxy.port(), transport, reconnecting(3)).build();
		GraphExecutionEventStream stream = client.stream(ClientTestApplication.SYNTHETIC, SLOW_RUN);
		List<StreamStatusChange> changes = record(stream);

		StepVerifier.create(stream.flux())
			.expectNextCount(3)
			.then(proxy::close)
			.thenConsumeWhile((event) -> true)
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(GraphStreamClientException.class)
					.hasMessageStartingWith("The stream of execution ")
					.hasMessageContaining(" of graph 'synthetic' failed at 127.0.0.1:" + proxy.port() + " over "
							+ transport.displayName() + ": gave up after 3 reconnect attempts in a row (max 3); "
							+ "last cause: ")
					.hasMessageContaining("Connection refused");
				GraphStreamClientException failure = (GraphStreamClientException) error;
				assertThat(failure.address()).isEqualTo("127.0.0.1:" + proxy.port());
				assertThat(failure.reconnectAttempts()).isEqualTo(3);
				assertThat(failure.statusCode()).isZero();
			})
			.verify(Duration.ofSeconds(10));

		assertThat(stream.status()).isEqualTo(FAILED);
		assertThat(changes).extracting(StreamStatusChange::current)
			.containsExactly(CONNECTING, CONNECTED, RECONNECTING, FAILED);
		assertThat(changes.get(3).reason()).contains("gave up after 3 reconnect attempts");
	}

	@Test
	void unreachableServerFailsTheStartAfterTheAttempts() throws Exception {
		FaultProxy proxy = proxy(4);
		proxy.close();
		GraphStreamClient client = client(proxy.port(), ConnectionType.SSE, reconnecting(2)).build();
		GraphExecutionEventStream stream = client.stream(ClientTestApplication.SYNTHETIC, Map.of());
		List<StreamStatusChange> changes = record(stream);

		StepVerifier.create(stream.flux())
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(GraphStreamClientException.class)
				.hasMessageStartingWith("Starting an execution of graph 'synthetic' failed at 127.0.0.1:"
						+ proxy.port() + " over SSE: gave up after 2 reconnect attempts in a row (max 2); last cause: ")
				.hasMessageContaining("Connection refused"))
			.verify(Duration.ofSeconds(10));
		assertThat(changes).extracting(StreamStatusChange::current).containsExactly(CONNECTING, RECONNECTING, FAILED);
		assertThat(changes.get(1).reason()).startsWith("could not start an execution at 127.0.0.1:" + proxy.port() + " (");
	}

	@Test
	void withoutAutoReconnectTheFirstFailureEndsTheStream() throws Exception {
		FaultProxy proxy = proxy(5);
		StreamingExecutionOptions options = reconnecting(3).configure().withAutoReconnect(false).build();
		GraphStreamClient client = client(proxy.port(), ConnectionType.SSE, options).build();
		GraphExecutionEventStream stream = client.stream(ClientTestApplication.SYNTHETIC, SLOW_RUN);

		StepVerifier.create(stream.flux())
			.expectNextCount(2)
			.then(proxy::cutOpenConnections)
			.thenConsumeWhile((event) -> true)
			.expectErrorSatisfies((error) -> assertThat(error)
				.hasMessageContaining("failed at 127.0.0.1:" + proxy.port() + " over SSE: auto-reconnect is off; "
						+ "last cause: "))
			.verify(Duration.ofSeconds(10));
		assertThat(stream.status()).isEqualTo(FAILED);
	}

	@ParameterizedTest
	@EnumSource(value = ConnectionType.class, names = { "SSE", "WEBSOCKET", "POLLING" })
	void unknownExecutionIsNotRetried(ConnectionType transport) throws Exception {
		FaultProxy proxy = proxy(6);
		GraphStreamClient client = client(proxy.port(), transport, reconnecting(5)).build();
		GraphExecutionEventStream stream = client.attach(ClientTestApplication.SYNTHETIC, "no-such-execution");
		List<StreamStatusChange> changes = record(stream);

		StepVerifier.create(stream.flux())
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(GraphStreamClientException.class)
					.hasMessageContaining("The stream of execution no-such-execution of graph 'synthetic' failed at "
							+ "127.0.0.1:" + proxy.port() + " over " + transport.displayName() + ": ")
					.hasMessageContaining("404")
					.hasMessageContaining("No execution 'no-such-execution'")
					.hasMessageEndingWith("(not retried)");
				assertThat(((GraphStreamClientException) error).statusCode()).isEqualTo(404);
			})
			.verify(Duration.ofSeconds(10));
		assertThat(proxy.accepted()).isEqualTo(1);
		assertThat(changes).extracting(StreamStatusChange::current).doesNotContain(RECONNECTING).endsWith(FAILED);
	}

	@ParameterizedTest
	@EnumSource(value = ConnectionType.class, names = { "SSE", "WEBSOCKET", "POLLING" })
	void badFilterIsNotRetried(ConnectionType transport) throws Exception {
		GraphStreamClient client = client(this.port, transport, reconnecting(5)).build();
		GraphExecutionEventStream stream = client.stream(ClientTestApplication.SYNTHETIC, Map.of())
			.filterByNode("no-such-node");

		StepVerifier.create(stream.flux())
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(GraphStreamClientException.class)
					.hasMessageContaining("no-such-node")
					.hasMessageEndingWith("(not retried)");
				assertThat(((GraphStreamClientException) error).statusCode()).isEqualTo(400);
			})
			.verify(Duration.ofSeconds(10));
	}

	@Test
	void autoFallsBackToSseWhenAProxyRefusesTheWebSocketUpgrade() throws Exception {
		FaultProxy proxy = proxy(7).refuseUpgrades(true);
		GraphStreamClient client = client(proxy.port(), ConnectionType.AUTO, reconnecting(3)).build();

		assertCompletesOver(client, "SSE");
	}

	@Test
	void autoFallsBackToPollingWhenAProxyRefusesWebSocketsAndEventStreams() throws Exception {
		FaultProxy proxy = proxy(8).refuseUpgrades(true).refuseEventStreams(true);
		GraphStreamClient client = client(proxy.port(), ConnectionType.AUTO, reconnecting(3)).build();

		assertCompletesOver(client, "polling");
	}

	@Test
	void autoUsesWebSocketWhenNothingRefusesIt() {
		GraphStreamClient client = client(this.port, ConnectionType.AUTO, reconnecting(3)).build();

		assertCompletesOver(client, "WebSocket");
	}

	@Test
	void explicitWebSocketRefusedByAProxyIsNotRetried() throws Exception {
		FaultProxy proxy = proxy(9).refuseUpgrades(true);
		GraphStreamClient client = client(proxy.port(), ConnectionType.WEBSOCKET, reconnecting(3)).build();

		StepVerifier.create(client.stream(ClientTestApplication.SYNTHETIC, Map.of()).flux())
			.expectErrorSatisfies((error) -> {
				assertThat(error).hasMessageContaining("WebSocket handshake answered 403 Forbidden (not retried)");
				assertThat(((GraphStreamClientException) error).statusCode()).isEqualTo(403);
			})
			.verify(Duration.ofSeconds(10));
	}

	private static void assertCompletesOver(GraphStreamClient client, String transport) {
		GraphExecutionEventStream stream = client.stream(ClientTestApplication.SYNTHETIC, Map.of("nodes", 3));
		List<StreamStatusChange> changes = record(stream);

		List<GraphExecutionEvent> events = stream.flux().collectList().block(Duration.ofSeconds(10));

		assertThat(events).last()
			.extracting(GraphExecutionEvent::eventType)
			.isEqualTo(GraphExecutionEventType.EXECUTION_COMPLETED);
		assertThat(changes).extracting(StreamStatusChange::current).containsExactly(CONNECTING, CONNECTED, COMPLETED);
		assertThat(changes.get(1).reason()).contains(" over " + transport + ", execution ");
		assertThat(stream.status()).isEqualTo(StreamStatus.COMPLETED);
	}

	private static List<StreamStatusChange> record(GraphExecutionEventStream stream) {
		List<StreamStatusChange> changes = new CopyOnWriteArrayList<>();
		stream.onStatusChanged(changes::add);
		return changes;
	}

}
