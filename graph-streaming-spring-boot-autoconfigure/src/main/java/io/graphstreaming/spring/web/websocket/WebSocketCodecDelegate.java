package io.graphstreaming.spring.web.websocket;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.codec.CompressionCodec;
import io.graphstreaming.core.codec.CompressionPolicy;
import io.graphstreaming.core.execution.ExecutionExpiredException;
import io.graphstreaming.core.graph.Graph;
import io.graphstreaming.core.journal.BufferOverflowException;
import io.graphstreaming.core.journal.EventsExpiredException;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.metrics.TransportMetrics;
import io.graphstreaming.spring.web.InputLimits;

/**
 * The wire side of the WebSocket protocol: reads client messages and makes the frames the
 * server sends (events as the journal's cached JSON bytes or, for a client that asked for
 * compression, as {@link CompressedEventFrames binary frames}, error replies, pings), so that
 * {@link GraphWebSocketHandler} deals in protocol decisions only.
 */
final class WebSocketCodecDelegate {

	private static final System.Logger logger = System.getLogger(WebSocketCodecDelegate.class.getName());

	private static final byte[] EMPTY = new byte[0];

	private final GraphEventJsonWriter jsonWriter;

	private final JsonMapper jsonMapper;

	private final ClientMessageReader reader;

	WebSocketCodecDelegate(GraphEventJsonWriter jsonWriter, JsonMapper jsonMapper, InputLimits inputLimits) {
		this.jsonWriter = Objects.requireNonNull(jsonWriter, "jsonWriter");
		this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
		this.reader = new ClientMessageReader(jsonMapper, inputLimits);
	}

	/**
	 * Reads a text frame's payload (which the caller still owns and releases).
	 * @throws BadMessageException (400) naming the problem
	 */
	ClientMessage read(DataBuffer payload, Graph graph) {
		byte[] json = new byte[payload.readableByteCount()];
		payload.read(json);
		return this.reader.read(json, graph);
	}

	/**
	 * One event as a text frame: the entry's cached bytes, wrapped, never copied or
	 * re-serialized.
	 */
	WebSocketMessage event(WebSocketSession session, JournalEntry entry) {
		byte[] json = entry.serialized(this.jsonWriter);
		return new WebSocketMessage(WebSocketMessage.Type.TEXT, session.bufferFactory().wrap(json));
	}

	/**
	 * One event for a client that asked for compression: a binary frame (tag byte, then
	 * the entry's cached compressed form) when the policy picks it, otherwise the text
	 * frame. The compressed form is computed at most once per event and algorithm, however
	 * many sockets send it.
	 */
	WebSocketMessage event(WebSocketSession session, JournalEntry entry, FrameCompression compression) {
		byte[] json = entry.serialized(this.jsonWriter);
		if (!compression.policy().shouldCompress(json.length)) {
			compression.metrics().eventCompressionSkipped(compression.codec().algorithm().value());
			return new WebSocketMessage(WebSocketMessage.Type.TEXT, session.bufferFactory().wrap(json));
		}
		byte[] compressed = entry.compressed(this.jsonWriter, compression.codec());
		compression.policy().recordCompressed(json.length, compressed.length);
		compression.metrics().eventCompressed(compression.codec().algorithm().value(), json.length, compressed.length);
		DataBufferFactory factory = session.bufferFactory();
		DataBuffer payload = factory.join(List.of(factory.wrap(new byte[] { compression.tag() }), factory.wrap(compressed)));
		return new WebSocketMessage(WebSocketMessage.Type.BINARY, payload);
	}

	/**
	 * {@code {"type":"error","status":<status>,"detail":"<detail>"}} as a text frame.
	 */
	WebSocketMessage error(WebSocketSession session, int status, String detail) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", "error");
		body.put("status", status);
		body.put("detail", detail);
		return new WebSocketMessage(WebSocketMessage.Type.TEXT,
				session.bufferFactory().wrap(this.jsonMapper.writeValueAsBytes(body)));
	}

	/**
	 * The error reply to an event stream that failed: its own message for the known
	 * failures (events no longer kept 410, consumer too slow under the {@code fail}
	 * policy 429), a generic detail for anything else, which is logged here.
	 */
	WebSocketMessage streamError(WebSocketSession session, Throwable error) {
		if (error instanceof EventsExpiredException || error instanceof ExecutionExpiredException) {
			return error(session, 410, String.valueOf(error.getMessage()));
		}
		if (error instanceof BufferOverflowException) {
			return error(session, 429, String.valueOf(error.getMessage()));
		}
		logger.log(Level.ERROR, "Event stream of WebSocket session " + session.getId() + " failed", error);
		return error(session, 500, "The event stream failed");
	}

	WebSocketMessage ping(WebSocketSession session) {
		return session.pingMessage((factory) -> factory.wrap(EMPTY));
	}

	/**
	 * The compression one socket asked for: its codec, the threshold policy of its stream
	 * and where the outcomes are counted.
	 */
	record FrameCompression(CompressionCodec codec, CompressionPolicy policy, TransportMetrics metrics) {

		byte tag() {
			return CompressedEventFrames.tag(this.codec.algorithm());
		}

	}

}
