package io.graphstreaming.spring.web;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * A real WebSocket client for the limit and hostile-input tests: sends text frames (also
 * with raw, possibly invalid UTF-8 bytes) and binary frames of any size, with request
 * headers on the handshake, collects what the server sends and records the close status.
 */
final class WsTestClient implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(15);

	private static final ReactorNettyWebSocketClient CLIENT = new ReactorNettyWebSocketClient(HttpClient.create(),
			() -> WebsocketClientSpec.builder().maxFramePayloadLength(16 << 20));

	private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

	private final Sinks.Many<Function<WebSocketSession, WebSocketMessage>> outgoing = Sinks.many()
		.unicast()
		.onBackpressureBuffer();

	private final CompletableFuture<Void> opened = new CompletableFuture<>();

	private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

	private final Disposable connection;

	private WsTestClient(URI uri, HttpHeaders headers) {
		this.connection = CLIENT.execute(uri, headers, (session) -> {
			this.opened.complete(null);
			session.closeStatus()
				.defaultIfEmpty(CloseStatus.NO_CLOSE_FRAME)
				.subscribe(this.closed::complete, this.closed::completeExceptionally);
			Mono<Void> in = session.receive().doOnNext((message) -> {
				switch (message.getType()) {
					case TEXT -> this.received.add(message.getPayloadAsText());
					case BINARY -> this.received.add("<BINARY>");
					default -> {
					}
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
	 * Opens a socket and waits for the handshake; throws the handshake's failure.
	 */
	static WsTestClient open(URI uri, HttpHeaders headers) {
		WsTestClient socket = new WsTestClient(uri, headers);
		try {
			socket.opened.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.ExecutionException ex) {
			socket.close();
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (Exception ex) {
			socket.close();
			throw new IllegalStateException("No handshake within " + TIMEOUT, ex);
		}
		return socket;
	}

	static WsTestClient open(URI uri) {
		return open(uri, new HttpHeaders());
	}

	void send(String text) {
		this.outgoing.tryEmitNext((session) -> session.textMessage(text)).orThrow();
	}

	/**
	 * A text frame carrying these bytes as they are (invalid UTF-8 included).
	 */
	void sendTextBytes(byte[] bytes) {
		this.outgoing
			.tryEmitNext((session) -> new WebSocketMessage(WebSocketMessage.Type.TEXT,
					session.bufferFactory().wrap(bytes)))
			.orThrow();
	}

	void sendBinary(byte[] bytes) {
		this.outgoing.tryEmitNext((session) -> session.binaryMessage((factory) -> factory.wrap(bytes))).orThrow();
	}

	/**
	 * The next frame received (text, or {@code <BINARY>}), or {@code null} if the socket
	 * closed with nothing more.
	 */
	@Nullable String next() {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		try {
			while (System.nanoTime() < deadline) {
				String message = this.received.poll(50, TimeUnit.MILLISECONDS);
				if (message != null) {
					return message;
				}
				if (this.closed.isDone()) {
					return this.received.poll();
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		throw new AssertionError("Nothing received and no close within " + TIMEOUT);
	}

	/**
	 * Frames received until the server closes the socket.
	 */
	java.util.List<String> untilClosed() {
		awaitClose();
		java.util.List<String> rest = new java.util.ArrayList<>();
		this.received.drainTo(rest);
		return rest;
	}

	CloseStatus awaitClose() {
		return this.closed.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
	}

	boolean isClosed() {
		return this.closed.isDone();
	}

	@Override
	public void close() {
		this.connection.dispose();
	}

}
