package io.graphstreaming.spring.registry;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link InputDigest}: equal inputs digest alike whatever their maps' order; inputs that
 * differ anywhere, even where their hash codes collide, do not.
 */
class InputDigestTests {

	@Test
	void equalInputsInAnotherEntryOrderHaveTheSameDigest() {
		Map<String, Object> first = new LinkedHashMap<>();
		first.put("a", 1);
		first.put("b", Map.of("x", List.of("p", "q"), "y", true));
		Map<String, Object> second = new LinkedHashMap<>();
		second.put("b", Map.of("y", true, "x", List.of("p", "q")));
		second.put("a", 1);

		assertThat(InputDigest.of(first)).isEqualTo(InputDigest.of(second))
			.hasSameHashCodeAs(InputDigest.of(second));
	}

	@Test
	void inputsWhoseHashCodesCollideHaveDifferentDigests() {
		Map<String, Object> ones = Map.of("x", 1, "y", 1);
		Map<String, Object> zeros = Map.of("x", 0, "y", 0);

		assertThat(ones.hashCode()).isEqualTo(zeros.hashCode());
		assertThat(InputDigest.of(ones)).isNotEqualTo(InputDigest.of(zeros));
	}

	@Test
	void typesListOrderNullsAndNestingAllCount() {
		assertThat(InputDigest.of(Map.of("n", 1))).isNotEqualTo(InputDigest.of(Map.of("n", "1")))
			.isNotEqualTo(InputDigest.of(Map.of("n", 1L)));
		assertThat(InputDigest.of(Map.of("l", List.of(1, 2)))).isNotEqualTo(InputDigest.of(Map.of("l", List.of(2, 1))));
		Map<String, Object> withNull = new HashMap<>();
		withNull.put("v", null);
		assertThat(InputDigest.of(withNull)).isNotEqualTo(InputDigest.of(Map.of("v", "null")))
			.isNotEqualTo(InputDigest.of(Map.of()));
		assertThat(InputDigest.of(Map.of("a", Map.of("b", "c")))).isNotEqualTo(InputDigest.of(Map.of("a", "bc")));
		assertThat(InputDigest.of(Map.of("s", Arrays.asList("ab", "c"))))
			.isNotEqualTo(InputDigest.of(Map.of("s", Arrays.asList("a", "bc"))));
	}

}
