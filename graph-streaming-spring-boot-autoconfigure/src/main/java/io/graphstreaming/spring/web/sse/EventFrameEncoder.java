package io.graphstreaming.spring.web.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.MediaType;

import io.graphstreaming.core.codec.StreamCompressor;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.spring.json.GraphEventJsonWriter;

/**
 * Frames journal entries for one HTTP stream, reusing each entry's cached JSON: the
 * event is serialized once per application, and a frame costs one copy of those bytes
 * into a buffer of exactly the frame's size.
 *
 * <p>SSE: {@code id: <executionId>:<sequence>\nevent: <EventType>\ndata: <json>\n\n};
 * heartbeats are the comment {@code : heartbeat\n\n}. NDJSON: {@code <json>\n}, no
 * heartbeats (the format has no comment line).
 */
final class EventFrameEncoder {

	private static final byte[] FRAME_END = "\n\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] LINE_END = { '\n' };

	private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[][] TYPE_LINES = typeLines();

	private final Format format;

	private final GraphEventJsonWriter jsonWriter;

	private final DataBufferFactory bufferFactory;

	private final byte[] idPrefix;

	EventFrameEncoder(Format format, String executionId, GraphEventJsonWriter jsonWriter,
			DataBufferFactory bufferFactory) {
		this.format = Objects.requireNonNull(format, "format");
		this.jsonWriter = Objects.requireNonNull(jsonWriter, "jsonWriter");
		this.bufferFactory = Objects.requireNonNull(bufferFactory, "bufferFactory");
		this.idPrefix = ("id: " + executionId + ":").getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The frame of one event.
	 */
	DataBuffer encode(JournalEntry entry) {
		return writeFrame(this.bufferFactory.allocateBuffer(frameSize(entry)), entry);
	}

	/**
	 * The frames of several events in one buffer, in order.
	 */
	DataBuffer encode(List<JournalEntry> entries) {
		int size = 0;
		for (JournalEntry entry : entries) {
			size += frameSize(entry);
		}
		DataBuffer buffer = this.bufferFactory.allocateBuffer(size);
		for (JournalEntry entry : entries) {
			writeFrame(buffer, entry);
		}
		return buffer;
	}

	private DataBuffer writeFrame(DataBuffer buffer, JournalEntry entry) {
		byte[] json = entry.serialized(this.jsonWriter);
		if (this.format == Format.NDJSON) {
			return buffer.write(json).write(LINE_END);
		}
		return buffer.write(this.idPrefix)
			.write(Long.toString(entry.sequence()).getBytes(StandardCharsets.US_ASCII))
			.write(TYPE_LINES[entry.event().eventType().ordinal()])
			.write(json)
			.write(FRAME_END);
	}

	private int frameSize(JournalEntry entry) {
		int json = entry.serialized(this.jsonWriter).length;
		if (this.format == Format.NDJSON) {
			return json + LINE_END.length;
		}
		return this.idPrefix.length + stringSize(entry.sequence())
				+ TYPE_LINES[entry.event().eventType().ordinal()].length + json + FRAME_END.length;
	}

	private static int stringSize(long value) {
		int digits = 1;
		for (long rest = value / 10; rest != 0; rest /= 10) {
			digits++;
		}
		return digits;
	}

	/**
	 * Writes the frame of one event into a compressed stream, piece by piece (no frame
	 * buffer), without flushing.
	 * @return the frame's size in bytes
	 */
	int writeTo(StreamCompressor compressor, JournalEntry entry) {
		byte[] json = entry.serialized(this.jsonWriter);
		if (this.format == Format.NDJSON) {
			compressor.write(json);
			compressor.write(LINE_END);
			return json.length + 1;
		}
		byte[] sequence = Long.toString(entry.sequence()).getBytes(StandardCharsets.US_ASCII);
		byte[] typeLine = TYPE_LINES[entry.event().eventType().ordinal()];
		compressor.write(this.idPrefix);
		compressor.write(sequence);
		compressor.write(typeLine);
		compressor.write(json);
		compressor.write(FRAME_END);
		return this.idPrefix.length + sequence.length + typeLine.length + json.length + FRAME_END.length;
	}

	/**
	 * Writes a heartbeat comment into a compressed stream, without flushing.
	 * @return its size in bytes
	 */
	int writeHeartbeatTo(StreamCompressor compressor) {
		compressor.write(HEARTBEAT);
		return HEARTBEAT.length;
	}

	/**
	 * A heartbeat comment (SSE only).
	 */
	DataBuffer heartbeat() {
		return this.bufferFactory.wrap(HEARTBEAT);
	}

	/**
	 * {@code \nevent: <EventType>\ndata: } for each type, computed once.
	 */
	private static byte[][] typeLines() {
		GraphExecutionEventType[] types = GraphExecutionEventType.values();
		byte[][] lines = new byte[types.length][];
		for (GraphExecutionEventType type : types) {
			lines[type.ordinal()] = ("\nevent: " + type.wireName() + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
		}
		return lines;
	}

	/**
	 * The wire formats of an HTTP event stream.
	 */
	enum Format {

		/** Server-Sent Events, {@code text/event-stream}. */
		SSE(MediaType.TEXT_EVENT_STREAM),

		/** One event JSON per line, {@code application/x-ndjson}. */
		NDJSON(MediaType.APPLICATION_NDJSON);

		private final MediaType mediaType;

		Format(MediaType mediaType) {
			this.mediaType = mediaType;
		}

		MediaType mediaType() {
			return this.mediaType;
		}

		/**
		 * The format a client asks for: NDJSON when {@code application/x-ndjson} is
		 * accepted with a higher preference than {@code text/event-stream}, otherwise
		 * SSE (also for {@code *}{@code /*}, no {@code Accept} or anything else).
		 */
		static Format negotiate(List<MediaType> accepted) {
			List<MediaType> sorted = new ArrayList<>(accepted);
			sorted.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
			for (MediaType type : sorted) {
				if (type.getQualityValue() <= 0) {
					continue;
				}
				if (type.equalsTypeAndSubtype(MediaType.APPLICATION_NDJSON)) {
					return NDJSON;
				}
				if (type.includes(MediaType.TEXT_EVENT_STREAM)) {
					return SSE;
				}
			}
			return SSE;
		}

	}

}
