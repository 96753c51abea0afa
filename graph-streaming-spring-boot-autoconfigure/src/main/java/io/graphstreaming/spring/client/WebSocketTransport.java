package io.graphstreaming.spring.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.publisher.SynchronousSink;
import tools.jackson.databind.JsonNode;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.options.CompressionAlgorithm;

/**
 * Receives events over {@code {base}/{graphId}/ws}: opens a socket, sends
 * {@code {"type":"resume","executionId":...,"after":N}} with the filters (and
 * {@code "compression"} when the client asks for compressed frames), then reads one event
 * per frame: text frames carry event JSON, binary frames a tag byte and the compressed
 * JSON ({@link CompressedFrames}). Server pings count as progress and are answered. A
 * close with 1000 ends the stream; any other close, or none, is a failure;
 * {@code {"type":"error"}} messages become {@link ClientFailures.StatusFailure}s.
 */
final class WebSocketTransport implements Transport {

	/** The normal close code: the execution ended. */
	static final int NORMAL_CLOSURE = 1000;

	private final ClientSettings settings;

	WebSocketTransport(ClientSettings settings) {
		this.settings = settings;
	}

	@Override
	public Flux<GraphExecutionEvent> open(Attempt attempt) {
		byte[] resume = resumeMessage(attempt);
		return this.settings.httpClient()
			.websocket(this.settings.webSocketSpec())
			.uri(this.settings.webSocketUrl(attempt.graphId()))
			.handle((inbound, outbound) -> {
				attempt.connected();
				Sinks.Many<WebSocketFrame> frames = Sinks.many().unicast().onBackpressureBuffer();
				frames.tryEmitNext(new TextWebSocketFrame(Unpooled.wrappedBuffer(resume)));
				Disposable sending = outbound.sendObject(frames.asFlux()).then().subscribe(null, (error) -> {
				});
				Mono<GraphExecutionEvent> closed = inbound.receiveCloseStatus()
					.defaultIfEmpty(WebSocketCloseStatus.ABNORMAL_CLOSURE)
					.flatMap(WebSocketTransport::closeOutcome);
				return inbound.aggregateFrames(this.settings.webSocketSpec().maxFramePayloadLength())
					.receiveFrames()
					.<GraphExecutionEvent>handle((frame, sink) -> onFrame(attempt, frame, frames, sink))
					.concatWith(closed)
					.doFinally((signal) -> {
						frames.tryEmitComplete();
						sending.dispose();
					});
			})
			.onErrorMap((error) -> {
				ClientFailures.StatusFailure refused = ClientFailures.ofHandshake(error);
				return (refused != null) ? refused : error;
			});
	}

	private static Mono<GraphExecutionEvent> closeOutcome(WebSocketCloseStatus status) {
		if (status.code() == NORMAL_CLOSURE) {
			return Mono.empty();
		}
		String reason = status.reasonText();
		return Mono.error(new ClientFailures.CloseFailure(status.code(), "the WebSocket closed with " + status.code()
				+ ((reason == null || reason.isEmpty()) ? "" : " (" + reason + ")")));
	}

	private void onFrame(Attempt attempt, WebSocketFrame frame, Sinks.Many<WebSocketFrame> frames,
			SynchronousSink<GraphExecutionEvent> sink) {
		attempt.heard();
		if (frame instanceof PingWebSocketFrame) {
			frames.tryEmitNext(new PongWebSocketFrame(frame.content().retain()));
			attempt.progressed();
		}
		else if (frame instanceof TextWebSocketFrame) {
			message(ByteBufUtil.getBytes(frame.content()), sink);
		}
		else if (frame instanceof BinaryWebSocketFrame) {
			message(CompressedFrames.decode(ByteBufUtil.getBytes(frame.content())), sink);
		}
	}

	private void message(byte[] json, SynchronousSink<GraphExecutionEvent> sink) {
		JsonNode root = EventParsing.tree(this.settings, json, "a WebSocket message");
		JsonNode type = root.get("type");
		if (type != null && "error".equals(type.asString())) {
			int status = root.path("status").asInt(500);
			sink.error(new ClientFailures.StatusFailure(status, null, "the server sent error " + status + ": "
					+ root.path("detail").asString(""), false));
			return;
		}
		sink.next(EventParsing.event(this.settings, root));
	}

	private byte[] resumeMessage(Attempt attempt) {
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("type", "resume");
		message.put("executionId", attempt.executionId());
		message.put("after", attempt.after());
		if (attempt.eventTypes() != null && !attempt.eventTypes().isEmpty()) {
			List<String> names = new ArrayList<>();
			attempt.eventTypes().forEach((eventType) -> names.add(eventType.wireName()));
			message.put("eventTypes", names);
		}
		if (attempt.nodes() != null && !attempt.nodes().isEmpty()) {
			message.put("nodes", List.copyOf(attempt.nodes()));
		}
		if (this.settings.webSocketCompression() != CompressionAlgorithm.NONE) {
			message.put("compression", this.settings.webSocketCompression().value());
		}
		return this.settings.mapper().writeValueAsBytes(message);
	}

}
