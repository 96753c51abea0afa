package io.graphstreaming.spring.json;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.checkpoint.CheckpointCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link JsonCheckpointCodec}.
 */
class JsonCheckpointCodecTests {

	private static final Instant CREATED = Instant.parse("2025-03-04T05:06:07.123456789Z");

	private final JsonCheckpointCodec codec = new JsonCheckpointCodec(new JsonMapper());

	@Test
	void encodeThenDecodeGivesTheSameCheckpointForJsonTypedState() {
		Map<String, @Nullable Object> nested = new LinkedHashMap<>();
		nested.put("list", List.of(1, "two", 3.5, false));
		nested.put("none", null);
		Map<String, @Nullable Object> state = new LinkedHashMap<>();
		state.put("text", "héllo \"quoted\"\n");
		state.put("int", 42);
		state.put("long", 12_345_678_901L);
		state.put("big", new BigInteger("123456789012345678901234567890"));
		state.put("double", 0.1);
		state.put("flag", true);
		state.put("nothing", null);
		state.put("nested", nested);
		state.put("empty", List.of());
		Checkpoint checkpoint = new Checkpoint("exec-1-7", "exec-1", "agent", "plan", List.of("web", "wiki"), state, 19,
				7, Map.of("tokens", 42.5, "calls", 3.0), Map.of("plan", 2), CREATED);
		Checkpoint decoded = this.codec.decode(this.codec.encode(checkpoint));
		assertThat(decoded).isEqualTo(checkpoint);
		assertThat(decoded.state().keySet()).containsExactlyElementsOf(state.keySet());
		assertThat(decoded.createdAt()).isEqualTo(CREATED);
	}

	@Test
	void encodeWritesOneLineOfReadableJsonWithIsoCreatedAtWhateverTheMapperIndents() {
		JsonCheckpointCodec indenting = new JsonCheckpointCodec(
				JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build());
		Checkpoint checkpoint = new Checkpoint("e-1", "e", "g", "a", List.of("b"), Map.of("n", 1), 4, 1, Map.of(),
				Map.of(), CREATED);
		String json = new String(indenting.encode(checkpoint), StandardCharsets.UTF_8);
		assertThat(json).isEqualTo("{\"checkpointFormat\":1,\"checkpointId\":\"e-1\",\"executionId\":\"e\","
				+ "\"graphId\":\"g\",\"nodeId\":\"a\",\"nextNodes\":[\"b\"],\"sequence\":4,"
				+ "\"createdAt\":\"2025-03-04T05:06:07.123456789Z\",\"nodeExecutions\":1,\"budgetUsage\":{},"
				+ "\"iterations\":{},\"state\":{\"n\":1}}");
	}

	@Test
	void otherStateValuesComeBackAsTheirJson() {
		Checkpoint checkpoint = new Checkpoint("e-1", "e", "g", "a", List.of(), Map.of("point", new Point(1, 2)), 4, 1,
				Map.of(), Map.of(), CREATED);
		assertThat(this.codec.decode(this.codec.encode(checkpoint)).state())
			.containsExactly(Map.entry("point", Map.of("x", 1, "y", 2)));
	}

	@Test
	void encodeRefusesAValueTheMapperCannotWriteNamingItsKey() {
		Checkpoint checkpoint = new Checkpoint("e-1", "e", "g", "a", List.of(), Map.of("handle", new Unwritable()), 4, 1,
				Map.of(), Map.of(), CREATED);
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encode(checkpoint))
			.withMessageStartingWith("State value of key 'handle' (a " + Unwritable.class.getName() + ") cannot be written as JSON");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
			not json            | {oops                 | Not a checkpoint of the JSON codec: malformed JSON at line 1, column 2
			empty               | ``                    | Not a checkpoint of the JSON codec: the content is empty, not a JSON object
			array               | []                    | Not a checkpoint of the JSON codec: the content is an array, not a JSON object
			trailing            | {} {}                 | Not a checkpoint of the JSON codec: malformed JSON
			no marker           | {"checkpointId":"x"}  | Not a checkpoint of the JSON codec: field 'checkpointFormat' is missing
			marker mistyped     | {"checkpointFormat":"1"} | Checkpoint field 'checkpointFormat' must be a whole number (int) but was a string
			newer format        | {"checkpointFormat":2} | Checkpoint format 2 is not supported; this codec reads format 1
			""")
	void decodeRefusesWhatIsNotACheckpoint(String name, @Nullable String json, String message) {
		byte[] bytes = (json != null) ? json.getBytes(StandardCharsets.UTF_8) : new byte[0];
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.decode(bytes))
			.withMessageStartingWith(message);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			checkpointId     | null    | Checkpoint field 'checkpointId' is missing
			graphId          | 7       | Checkpoint field 'graphId' must be a string but was a number
			nextNodes        | '"b"'   | Checkpoint field 'nextNodes' must be an array of strings but was a string
			nextNodes        | '[1]'   | Checkpoint field 'nextNodes' must be an array of strings but holds a number
			sequence         | 1.5     | Checkpoint field 'sequence' must be a whole number but was a number
			nodeExecutions   | 9999999999 | Checkpoint field 'nodeExecutions' must be a whole number (int) but was a number
			createdAt        | '"yesterday"' | Checkpoint field 'createdAt' must be an ISO-8601 instant but was 'yesterday'
			budgetUsage      | '{"tokens":"many"}' | Checkpoint field 'budgetUsage.tokens' must be a number but was a string
			iterations       | '{"plan":true}' | Checkpoint field 'iterations.plan' must be a whole number (int) but was a boolean
			state            | '[]'    | Checkpoint field 'state' must be an object but was an array
			""")
	void decodeNamesAMissingOrMistypedField(String field, String value, String message) {
		String valid = new String(this.codec.encode(new Checkpoint("e-1", "e", "g", "a", List.of("b"), Map.of(), 4, 1,
				Map.of(), Map.of(), CREATED)), StandardCharsets.UTF_8);
		String json = valid.replaceFirst("\"" + field + "\":(\"[^\"]*\"|\\[[^\\]]*\\]|\\{[^}]*\\}|[0-9.]+)",
				"\"" + field + "\":" + value);
		assertThat(json).isNotEqualTo(valid);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.codec.decode(json.getBytes(StandardCharsets.UTF_8)))
			.withMessage(message);
	}

	@Test
	void decodeIgnoresUnknownFields() {
		Checkpoint checkpoint = new Checkpoint("e-1", "e", "g", "a", List.of(), Map.of(), 4, 1, Map.of(), Map.of(),
				CREATED);
		String json = new String(this.codec.encode(checkpoint), StandardCharsets.UTF_8).replaceFirst("\\{",
				"{\"addedLater\":[1,2],");
		assertThat(this.codec.decode(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(checkpoint);
	}

	@Test
	void decodeOfAnotherCodecsBytesFails() {
		byte[] bytes = CheckpointCodec.javaSerialization()
			.encode(new Checkpoint("e-1", "e", "g", "a", List.of(), Map.of(), 4, 1, Map.of(), Map.of(), CREATED));
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.decode(bytes))
			.withMessageStartingWith("Not a checkpoint of the JSON codec: malformed JSON");
	}

	record Point(int x, int y) {
	}

	static final class Unwritable {

		public String getValue() {
			throw new IllegalStateException("not now");
		}

	}

}
