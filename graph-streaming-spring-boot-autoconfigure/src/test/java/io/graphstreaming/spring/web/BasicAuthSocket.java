package io.graphstreaming.spring.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;

import static org.assertj.core.api.Assertions.fail;

/**
 * A WebSocket client for the authorization tests: opens the socket with HTTP Basic
 * credentials, sends text frames, and hands out the text frames received in order.
 */
final class BasicAuthSocket implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final ReactorNettyWebSocketClient CLIENT = new ReactorNettyWebSocketClient(HttpClient.create());

	private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

	private final Sinks.Many<String> outgoing = Sinks.many().unicast().onBackpressureBuffer();

	private final CompletableFuture<Void> opened = new CompletableFuture<>();

	private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

	private final Disposable connection;

	private BasicAuthSocket(URI uri, @Nullable String user) {
		HttpHeaders headers = new HttpHeaders();
		if (user != null) {
			headers.set(HttpHeaders.AUTHORIZATION, basic(user).get(HttpHeaders.AUTHORIZATION));
		}
		this.connection = CLIENT.execute(uri, headers, (session) -> {
			this.opened.complete(null);
			session.closeStatus().defaultIfEmpty(CloseStatus.NO_CLOSE_FRAME).subscribe(this.closed::complete);
			Mono<Void> in = session.receive()
				.filter((message) -> message.getType() == WebSocketMessage.Type.TEXT)
				.doOnNext((message) -> this.received.add(message.getPayloadAsText()))
				.then();
			Mono<Void> out = session.send(this.outgoing.asFlux().map(session::textMessage));
			return Mono.firstWithSignal(in, out.then(Mono.never()));
		}).subscribe(null, (error) -> {
			this.opened.completeExceptionally(error);
			this.closed.complete(CloseStatus.NO_CLOSE_FRAME);
		}, () -> this.closed.complete(CloseStatus.NO_CLOSE_FRAME));
	}

	/**
	 * The {@code Authorization} header of a test user, whose password is
	 * {@code <name>-pw}.
	 */
	static Map<String, String> basic(String user) {
		String credentials = user + ":" + user + "-pw";
		return Map.of(HttpHeaders.AUTHORIZATION,
				"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * Opens a socket as a user and waits for the handshake.
	 */
	static BasicAuthSocket open(URI uri, String user) {
		BasicAuthSocket socket = new BasicAuthSocket(uri, user);
		socket.opened.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
		return socket;
	}

	/**
	 * Tries to open a socket without credentials.
	 * @return how the handshake ended
	 */
	static CompletableFuture<Void> openAnonymously(URI uri) {
		BasicAuthSocket socket = new BasicAuthSocket(uri, null);
		return socket.opened.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((result, error) -> socket.close());
	}

	void send(String text) {
		this.outgoing.tryEmitNext(text).orThrow();
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
	 * Text frames until one contains the text; an error message fails.
	 */
	String nextContaining(String text) {
		String message;
		do {
			message = next();
			if (message.startsWith("{\"type\":\"error\"")) {
				fail("Expected a message with " + text + " but got " + message);
			}
		}
		while (!message.contains(text));
		return message;
	}

	/**
	 * Text frames until an error message.
	 */
	String nextError() {
		String message;
		do {
			message = next();
		}
		while (!message.startsWith("{\"type\":\"error\""));
		return message;
	}

	CloseStatus awaitClose() {
		return this.closed.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
	}

	@Override
	public void close() {
		this.connection.dispose();
	}

}
