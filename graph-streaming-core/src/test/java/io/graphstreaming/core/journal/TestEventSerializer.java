package io.graphstreaming.core.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeOutputChunkEvent;

/**
 * A simple serializer for the spill tests: {@code NodeOutputChunk} events with a string
 * chunk are written in full (so a spilled backlog of them really lives on disk); any
 * other event is kept in a side table and written as its token (there are few of them).
 * Deterministic: serializing a read-back event gives the same bytes again.
 */
final class TestEventSerializer implements EventSerializer {

	private final Map<Long, GraphExecutionEvent> others = new ConcurrentHashMap<>();

	private final AtomicLong serialized = new AtomicLong();

	private final AtomicLong deserialized = new AtomicLong();

	@Override
	public byte[] serialize(GraphExecutionEvent event) {
		this.serialized.incrementAndGet();
		if (event instanceof NodeOutputChunkEvent chunk && chunk.chunk() instanceof String text) {
			byte[] execution = chunk.executionId().getBytes(StandardCharsets.UTF_8);
			byte[] graph = chunk.graphId().getBytes(StandardCharsets.UTF_8);
			byte[] node = chunk.nodeId().getBytes(StandardCharsets.UTF_8);
			byte[] payload = text.getBytes(StandardCharsets.UTF_8);
			ByteBuffer buffer = ByteBuffer.allocate(1 + 4 * 4 + execution.length + graph.length + node.length
					+ payload.length + 8 + 8 + 4 + 8);
			buffer.put((byte) 1);
			put(buffer, execution);
			put(buffer, graph);
			buffer.putLong(chunk.sequence());
			buffer.putLong(chunk.timestamp().getEpochSecond());
			buffer.putInt(chunk.timestamp().getNano());
			put(buffer, node);
			buffer.putLong(chunk.chunkIndex());
			put(buffer, payload);
			return buffer.array();
		}
		this.others.put(event.sequence(), event);
		return ByteBuffer.allocate(9).put((byte) 0).putLong(event.sequence()).array();
	}

	private static void put(ByteBuffer buffer, byte[] bytes) {
		buffer.putInt(bytes.length);
		buffer.put(bytes);
	}

	private static String string(ByteBuffer buffer) {
		byte[] bytes = new byte[buffer.getInt()];
		buffer.get(bytes);
		return new String(bytes, StandardCharsets.UTF_8);
	}

	@Override
	public GraphExecutionEvent deserialize(byte[] bytes) {
		this.deserialized.incrementAndGet();
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		if (buffer.get() == 0) {
			return this.others.get(buffer.getLong());
		}
		String execution = string(buffer);
		String graph = string(buffer);
		long sequence = buffer.getLong();
		Instant timestamp = Instant.ofEpochSecond(buffer.getLong(), buffer.getInt());
		String node = string(buffer);
		long chunkIndex = buffer.getLong();
		return new NodeOutputChunkEvent(execution, graph, sequence, timestamp, node, chunkIndex, string(buffer));
	}

	long serializedCount() {
		return this.serialized.get();
	}

	long deserializedCount() {
		return this.deserialized.get();
	}

}
