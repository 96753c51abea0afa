package io.graphstreaming.core.graph;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The read-only state view nodes get: typed getters with clear errors, and no way to
 * write.
 */
class GraphStateTests {

	private final Map<String, Object> values = new HashMap<>(Map.of("n", 3, "d", 2.0, "half", 2.5, "s", "text"));

	private final GraphState state = new GraphState(this.values);

	@Test
	void typedGettersReturnValuesOrDefaults() {
		assertThat(this.state.get("s", String.class)).isEqualTo("text");
		assertThat(this.state.get("missing", String.class)).isNull();
		assertThat(this.state.getOrDefault("s", "other")).isEqualTo("text");
		assertThat(this.state.getOrDefault("missing", "other")).isEqualTo("other");
		assertThat(this.state.getInt("n", 0)).isEqualTo(3);
		assertThat(this.state.getInt("d", 0)).isEqualTo(2);
		assertThat(this.state.getInt("missing", 7)).isEqualTo(7);
		assertThat(this.state.contains("n")).isTrue();
	}

	@Test
	void wrongTypesAreReportedWithTheKeyAndTypes() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.state.get("s", Integer.class))
			.withMessage("State value 's' is a String, not a Integer");
		assertThatIllegalArgumentException().isThrownBy(() -> this.state.getInt("half", 0))
			.withMessage("State value 'half' must be a whole number but was 2.5");
	}

	@Test
	void viewIsLiveButReadOnly() {
		this.values.put("later", true);

		assertThat(this.state.keys()).contains("later");
		assertThat(this.state.asMap()).isUnmodifiable();
	}

}
