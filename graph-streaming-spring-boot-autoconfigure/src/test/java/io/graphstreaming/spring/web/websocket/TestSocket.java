package io.graphstreaming.spring.web.websocket;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.springframework.web.reactive.socket.client.WebSocketClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A real WebSocket client for tests: sends text or binary frames, collects the text
 * frames received in order, counts pings and records the close status.
 */
final class TestSocket implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(15);

	private static final WebSocketClient CLIENT = new ReactorNettyWebSocketClient(HttpClient.create(),
			() -> WebsocketClientSpec.builder().maxFramePayloadLength(1 << 20));

	private static final WebSocketClient PING_CLIENT = new ReactorNettyWebSocketClient(HttpClient.create(),
			() -> WebsocketClientSpec.builder().handlePing(true));

	private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

	private final AtomicInteger pings = new AtomicInteger();

	private final Sinks.Many<Function<WebSocketSession, WebSocketMessage>> outgoing = Sinks.many()
		.unicast()
		.onBackpressureBuffer();

	private final CompletableFuture<Void> opened = new CompletableFuture<>();

	private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

	private final Disposable connection;

	private TestSocket(WebSocketClient client, URI uri) {
		this.connection = client.execute(uri, (session) -> {
			this.opened.complete(null);
			session.closeStatus()
				.defaultIfEmpty(CloseStatus.NO_CLOSE_FRAME)
				.subscribe(this.closed::complete, this.closed::completeExceptionally);
			Mono<Void> in = session.receive().doOnNext((message) -> {
				switch (message.getType()) {
					case TEXT -> this.received.add(message.getPayloadAsText());
					case PING -> this.pings.incrementAndGet();
					default -> this.received.add("<" + message.getType() + ">");
				}
			}).then();
			Mono<Void> out = session.send(this.outgoing.asFlux().map((factory) -> factory.apply(session)));
			return Mono.firstWithSignal(in, out.then(Mono.never()));
		}).subscribe(null, (error) -> {
			this.opened.completeExceptionally(error);
			this.closed.complete(CloseStatus.NO_CLOSE_FRAME);
		}, () -> this.closed.complete(CloseStatus.NO_CLOSE_FRAME));
	}

	/**
	 * Opens a socket and waits for the handshake.
	 */
	static TestSocket open(URI uri) {
		return open(CLIENT, uri);
	}

	/**
	 * Opens a socket whose client passes pings through to be counted.
	 */
	static TestSocket openCountingPings(URI uri) {
		return open(PING_CLIENT, uri);
	}

	private static TestSocket open(WebSocketClient client, URI uri) {
		TestSocket socket = new TestSocket(client, uri);
		socket.opened.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
		return socket;
	}

	void send(String text) {
		this.outgoing.tryEmitNext((session) -> session.textMessage(text)).orThrow();
	}

	void sendBinary(byte[] bytes) {
		this.outgoing.tryEmitNext((session) -> session.binaryMessage((factory) -> factory.wrap(bytes))).orThrow();
	}

	/**
	 * The next text frame.
	 */
	String next() {
		try {
			String message = this.received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			if (message == null) {
				fail("No message within " + TIMEOUT);
			}
			return message;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Every text frame until the server closes the socket.
	 */
	List<String> untilClosed() {
		awaitClose();
		List<String> rest = new ArrayList<>();
		this.received.drainTo(rest);
		return rest;
	}

	CloseStatus awaitClose() {
		return this.closed.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
	}

	boolean isClosed() {
		return this.closed.isDone();
	}

	int pings() {
		return this.pings.get();
	}

	List<String> receivedSoFar() {
		return List.copyOf(this.received);
	}

	@Override
	public void close() {
		this.connection.dispose();
	}

	static void assertClosedWith(TestSocket socket, int code) {
		assertThat(socket.awaitClose().getCode()).isEqualTo(code);
	}

}
