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
import reactor.core.publisher.Mono;

import static org.awaitility.Awaitility.await;

/**
 * A WebSocket client that sends one message, then reads one frame and stops reading
 * (its receive demand stays at 1) until told to read the rest.
 */
final class SlowSocket {

	private final List<String> frames = new CopyOnWriteArrayList<>();

	private final AtomicReference<BaseSubscriber<String>> reader = new AtomicReference<>();

	private final CompletableFuture<Void> done = new CompletableFuture<>();

	private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

	private final Disposable connection;

	private SlowSocket(URI uri, String message) {
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
					}

					@Override
					protected void hookOnComplete() {
						sink.success();
					}

					@Override
					protected void hookOnError(Throwable error) {
						sink.error(error);
					}

				};
				this.reader.set(subscriber);
				session.receive().map(WebSocketMessage::getPayloadAsText).subscribe(subscriber);
				sink.onCancel(subscriber);
			});
			return Mono.when(session.send(Mono.just(session.textMessage(message))), in);
		}).subscribe(null, this.done::completeExceptionally, () -> this.done.complete(null));
	}

	static SlowSocket open(URI uri, String message) {
		return new SlowSocket(uri, message);
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
