package io.graphstreaming.spring.web;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.spring.json.JsonTreeReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link InputLimits} and the depth-limited {@link JsonTreeReader}.
 */
class InputLimitsTests {

	private final JsonMapper mapper = new JsonMapper();

	private final InputLimits limits = new InputLimits(3, 5);

	@Test
	void inputWithinTheLimitsPasses() {
		assertThat(this.limits.check(json("{\"a\":{\"b\":[1,2]}}"), "Field 'input'")).isNull();
		assertThat(this.limits.check(json("{\"a\":12345678901234567890,\"b\":1e-400}"), "Field 'input'")).isNull();
	}

	@Test
	void inputNestedDeeperThanTheLimitIsA400() {
		InputLimits.Violation violation = this.limits.check(json("{\"a\":{\"b\":[[1]]}}"), "Field 'input'");
		assertThat(violation).isEqualTo(new InputLimits.Violation(400,
				"Field 'input' nests objects and arrays more than 3 levels deep; the limit is 3"));
	}

	@Test
	void inputWithMoreValuesThanTheLimitIsA413() {
		assertThat(this.limits.check(json("{\"a\":[1,2,3,4]}"), "Field 'input'")).isNull();
		InputLimits.Violation violation = this.limits.check(json("{\"a\":[1,2,3,4],\"b\":1}"), "Query parameter 'input'");
		assertThat(violation).isEqualTo(new InputLimits.Violation(413,
				"Query parameter 'input' holds more than 5 values; the limit is 5"));
	}

	@Test
	void numberBeyondTheRangeOfADoubleIsA400() {
		assertThat(this.limits.check(json("{\"a\":[-1e400]}"), "Field 'input'")).isEqualTo(new InputLimits.Violation(
				400, "Field 'input' holds a number beyond the range of a double (such as 1e400)"));
	}

	@Test
	void readerRefusesDocumentsNestedDeeperThanTheInputMayBeBeforeBuildingATree() {
		JsonTreeReader reader = this.limits.reader(this.mapper, 1);
		assertThat(reader.maxNestingDepth()).isEqualTo(4);
		assertThat(reader.read(bytes("{\"input\":{\"a\":{\"b\":1}}}")).isObject()).isTrue();
		String deep = "{\"input\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> reader.read(bytes(deep)))
			.satisfies((ex) -> assertThat(JsonTreeReader.isNestingTooDeep(ex)).isTrue());
	}

	@Test
	void readerRefusesTrailingContent() {
		JsonTreeReader reader = this.limits.reader(this.mapper, 0);
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> reader.read(bytes("{} {}")))
			.satisfies((ex) -> assertThat(JsonTreeReader.isNestingTooDeep(ex)).isFalse())
			.withMessageContaining("Trailing token");
		assertThat(reader.read(bytes("  ")).isMissingNode()).isTrue();
	}

	@Test
	void limitsMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InputLimits(0, 1))
			.withMessage("maxDepth must be strictly positive but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new InputLimits(1, 0))
			.withMessage("maxElements must be strictly positive but was 0");
	}

	private JsonNode json(String text) {
		return this.mapper.readTree(text);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

}
