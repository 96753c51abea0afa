package io.graphstreaming.spring.json;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.event.NodeStartedEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer formats timestamps itself (see {@link GraphEventJsonWriter.IsoInstant}); the
 * text must be exactly {@link Instant#toString()}'s.
 */
class GraphEventJsonWriterTimestampTests {

	private final GraphEventJsonWriter writer = new GraphEventJsonWriter(new JsonMapper());

	@ParameterizedTest
	@ValueSource(strings = { "2026-11-25T19:07:10Z", "2026-11-25T19:07:10.100Z", "2026-11-25T19:07:10.120Z",
			"2026-11-25T19:07:10.123456Z", "2026-11-25T19:07:10.000001Z", "2026-11-25T19:07:10.123456789Z",
			"2026-11-25T19:07:10.000000001Z", "2026-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
			"0000-01-01T00:00:00.5Z", "9999-12-31T23:59:59.999Z", "+10000-01-01T00:00:00.001Z",
			"-0001-06-15T12:00:00.25Z" })
	void timestampIsWrittenAsInstantToString(String text) {
		Instant instant = Instant.parse(text);
		assertThat(timestampOf(instant)).isEqualTo(instant.toString());
		// the same second again: formatted from the cached text up to the seconds
		Instant sameSecond = instant.plusNanos((instant.getNano() == 0) ? 7_000_000 : -instant.getNano());
		assertThat(timestampOf(sameSecond)).isEqualTo(sameSecond.toString());
	}

	private String timestampOf(Instant instant) {
		String json = new String(
				this.writer.apply(new NodeStartedEvent("e-1", "g", 1, instant, "a")), StandardCharsets.UTF_8);
		int start = json.indexOf("\"timestamp\":\"") + 13;
		return json.substring(start, json.indexOf('"', start));
	}

}
