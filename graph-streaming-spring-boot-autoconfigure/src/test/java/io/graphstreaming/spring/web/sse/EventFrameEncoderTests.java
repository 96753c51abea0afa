package io.graphstreaming.spring.web.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.web.sse.EventFrameEncoder.Format;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EventFrameEncoder}.
 */
class EventFrameEncoderTests {

	private final GraphEventJsonWriter writer = new GraphEventJsonWriter(new JsonMapper());

	private final JournalEntry entry = new JournalEntry(new NodeCompletedEvent("e1", "g", 42,
			Instant.parse("2026-01-02T03:04:05Z"), "n", Duration.ofMillis(2), Map.of("k", "v")));

	private static final String JSON = "{\"eventType\":\"NodeCompleted\",\"executionId\":\"e1\",\"graphId\":\"g\","
			+ "\"sequence\":42,\"timestamp\":\"2026-01-02T03:04:05Z\",\"nodeId\":\"n\",\"durationMs\":2.0,"
			+ "\"output\":{\"k\":\"v\"}}";

	@Test
	void sseFrameIsIdEventAndDataLines() {
		EventFrameEncoder encoder = new EventFrameEncoder(Format.SSE, "e1", this.writer,
				DefaultDataBufferFactory.sharedInstance);
		assertThat(text(encoder.encode(this.entry)))
			.isEqualTo("id: e1:42\nevent: NodeCompleted\ndata: " + JSON + "\n\n");
		assertThat(text(encoder.heartbeat())).isEqualTo(": heartbeat\n\n");
	}

	@Test
	void ndjsonFrameIsTheJsonAndANewline() {
		EventFrameEncoder encoder = new EventFrameEncoder(Format.NDJSON, "e1", this.writer,
				DefaultDataBufferFactory.sharedInstance);
		assertThat(text(encoder.encode(this.entry))).isEqualTo(JSON + "\n");
	}

	@Test
	void framesReuseTheEntrysCachedJson() {
		byte[] cached = this.entry.serialized(this.writer);
		EventFrameEncoder encoder = new EventFrameEncoder(Format.SSE, "e1", this.writer,
				DefaultDataBufferFactory.sharedInstance);
		encoder.encode(this.entry);
		assertThat(this.entry.serialized(this.writer)).isSameAs(cached);
	}

	@Test
	void negotiationPrefersSseUnlessNdjsonIsPreferred() {
		assertThat(negotiate(null)).isEqualTo(Format.SSE);
		assertThat(negotiate("*/*")).isEqualTo(Format.SSE);
		assertThat(negotiate("application/json")).isEqualTo(Format.SSE);
		assertThat(negotiate("text/event-stream")).isEqualTo(Format.SSE);
		assertThat(negotiate("application/x-ndjson")).isEqualTo(Format.NDJSON);
		assertThat(negotiate("application/x-ndjson, */*")).isEqualTo(Format.NDJSON);
		assertThat(negotiate("text/event-stream, application/x-ndjson;q=0.5")).isEqualTo(Format.SSE);
		assertThat(negotiate("text/event-stream;q=0.4, application/x-ndjson")).isEqualTo(Format.NDJSON);
		assertThat(negotiate("application/x-ndjson;q=0, */*")).isEqualTo(Format.SSE);
	}

	private static Format negotiate(String accept) {
		return Format.negotiate((accept != null) ? MediaType.parseMediaTypes(accept) : java.util.List.of());
	}

	private static String text(DataBuffer buffer) {
		return buffer.toString(StandardCharsets.UTF_8);
	}

}
