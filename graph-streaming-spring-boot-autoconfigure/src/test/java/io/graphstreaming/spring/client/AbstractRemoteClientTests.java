package io.graphstreaming.spring.client;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.spring.client.testapp.ClientTestApplication;
import io.graphstreaming.spring.registry.GraphRegistry;

/**
 * The shared server of the remote client tests (one application context for every
 * subclass): heartbeats every 100 ms on SSE, WebSocket pings every 100 ms, Reactor Netty's
 * warnings about cut connections silenced. Tests reach it directly or through a
 * {@link FaultProxy}.
 */
@SpringBootTest(classes = ClientTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.heartbeat.enabled=true", "graph.streaming.heartbeat.interval=100ms",
				"graph.streaming.web.websocket-ping-interval=100ms", "graph.streaming.web.long-poll-max-wait=2s",
				"logging.level.reactor.netty=error",
				// The soak starts 500 executions per transport from one address: far above the
				// default per-client rate, which would otherwise pace it with 429s.
				"graph.streaming.web.max-executions-per-minute-per-client=100000" })
abstract class AbstractRemoteClientTests {

	/** The heartbeat interval of the server, and of the clients' silence detection. */
	static final Duration HEARTBEAT = Duration.ofMillis(100);

	@LocalServerPort
	int port;

	@Autowired
	GraphRegistry registry;

	private final List<FaultProxy> proxies = new ArrayList<>();

	@AfterEach
	void closeProxies() {
		this.proxies.forEach(FaultProxy::close);
		this.proxies.clear();
	}

	/**
	 * A proxy to the server, closed after the test.
	 */
	FaultProxy proxy(long seed) throws IOException {
		FaultProxy proxy = new FaultProxy(this.port, seed);
		this.proxies.add(proxy);
		return proxy;
	}

	/**
	 * Options with auto-reconnect (the given attempts, 2 to 20 ms apart) and heartbeats.
	 */
	static StreamingExecutionOptions reconnecting(int maxAttempts) {
		return StreamingExecutionOptions.builder()
			.withAutoReconnect(true)
			.withReconnect(maxAttempts, Duration.ofMillis(2), Duration.ofMillis(20))
			.withHeartbeatEnabled(true)
			.withHeartbeatInterval(HEARTBEAT)
			.build();
	}

	/**
	 * A client of the server on a port (the server's or a proxy's).
	 */
	static GraphStreamClient.Builder client(int port, ConnectionType type, StreamingExecutionOptions options) {
		return GraphStreamClient.builder()
			.baseUrl("http://127.0.0.1:" + port + "/graphs")
			.connectionType(type)
			.options(options);
	}

}
