package io.graphstreaming.spring.json;

import java.util.Objects;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.journal.EventSerializer;
import io.graphstreaming.core.journal.JournalEntry;

/**
 * The {@link EventSerializer} of memory-mapped journal segments: the event JSON that the
 * transports send. A journal entry's bytes are the ones the transports use (made by the
 * same {@link GraphEventJsonWriter} instance, cached on the entry), so an event is
 * serialized once whether it is spilled, sent, or both; read back, the JSON is parsed by
 * {@link GraphEventJsonReader}, and writing the parsed event gives the same bytes again.
 */
public class JsonEventSerializer implements EventSerializer {

	private final GraphEventJsonWriter writer;

	private final GraphEventJsonReader reader;

	/**
	 * Creates the serializer.
	 * @param writer the writer the transports use
	 * @param reader the reader
	 */
	public JsonEventSerializer(GraphEventJsonWriter writer, GraphEventJsonReader reader) {
		this.writer = Objects.requireNonNull(writer, "writer");
		this.reader = Objects.requireNonNull(reader, "reader");
	}

	@Override
	public byte[] serialize(GraphExecutionEvent event) {
		return this.writer.apply(event);
	}

	@Override
	public byte[] serialize(JournalEntry entry) {
		return entry.serialized(this.writer);
	}

	@Override
	public GraphExecutionEvent deserialize(byte[] bytes) {
		return this.reader.read(bytes);
	}

}
