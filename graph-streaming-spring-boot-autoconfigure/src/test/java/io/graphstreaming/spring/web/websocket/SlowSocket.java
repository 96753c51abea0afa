package io.graphstreaming.spring.web.websocket;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.reactivestreams.Subscription;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;

import static org.awaitility.Awaitility.await;

/**
 * A WebSocket client that sends one message, then reads one frame and stops reading
 * (its receive demand stays at 1) until told to read the rest. Opened with
 * {@link #openPonging}, it also sends an unsolicited pong for every frame it reads, as a
 * client answering the pings it reads late keeps sending while it reads the tail of its
 * stream.
 */
final class SlowSocket {

	private final List<String> frames = new CopyOnWriteArrayList<>();

	private final AtomicReference<BaseSubscriber<String>> reader = new AtomicReference<>();

	private final CompletableFuture<Void> done = new CompletableFuture<>();

	private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

	private final Sinks.Many<Boolean> pongs = Sinks.many().unicast().onBackpressureBuffer();

	private final Disposable connection;

	private SlowSocket(URI uri, String message, boolean pongEachFrame) {
		this.connection = new ReactorNettyWebSocketClient().execute(uri, (session) -> {
			session.closeStatus()
				.map(CloseStatus::getCode)
				.defaultIfEmpty(CloseStatus.NO_CLOSE_FRAME.getCode())
				.subscribe(this.closeCode::complete);
			Mono<Void> in = Mono.create((sink) -> {
				BaseSubscriber<String> subscriber = new BaseSubscriber<>() {

					@Override
					protected void hookOnSubscribe(Subscription subscription) {
						subscription.request(1);
					}

					@Override
					protected void hookOnNext(String frame) {
						SlowSocket.this.frames.add(frame);
						if (pongEachFrame) {
							SlowSocket.this.pongs.tryEmitNext(Boolean.TRUE);
						}
					}

					@Override
					protected void hookOnComplete() {
						sink.success();
					}

					@Override
					protected void hookOnError(Throwable error) {
						sink.error(error);
					}

					@Override
					protected void hookFinally(SignalType type) {
						SlowSocket.this.pongs.tryEmitComplete();
					}

				};
				this.reader.set(subscriber);
				session.receive().map(WebSocketMessage::getPayloadAsText).subscribe(subscriber);
				sink.onCancel(subscriber);
			});
			Flux<WebSocketMessage> out = Flux.concat(Mono.just(session.textMessage(message)), this.pongs.asFlux()
				.map((pong) -> session.pongMessage((factory) -> factory.wrap(new byte[0]))));
			return Mono.when(session.send(out), in);
		}).subscribe(null, this.done::completeExceptionally, () -> this.done.complete(null));
	}

	static SlowSocket open(URI uri, String message) {
		return new SlowSocket(uri, message, false);
	}

	/**
	 * Opens a socket that sends a pong for every frame it reads.
	 */
	static SlowSocket openPonging(URI uri, String message) {
		return new SlowSocket(uri, message, true);
	}

	/**
	 * Waits for the first frame.
	 */
	String first() {
		await().atMost(TestSocket.TIMEOUT).until(() -> !this.frames.isEmpty());
		return this.frames.get(0);
	}

	/**
	 * Reads everything until the server closes the socket.
	 */
	List<String> readAll() {
		this.reader.get().requestUnbounded();
		this.done.orTimeout(TestSocket.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
		return List.copyOf(this.frames);
	}

	int closeCode() {
		return this.closeCode.orTimeout(TestSocket.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
	}

	void close() {
		this.connection.dispose();
	}

}
