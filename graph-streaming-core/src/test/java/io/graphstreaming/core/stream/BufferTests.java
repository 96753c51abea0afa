package io.graphstreaming.core.stream;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.graphstreaming.core.TestGraphs;
import io.graphstreaming.core.event.GraphExecutionEvent;

import static io.graphstreaming.core.TestEvents.range;
import static io.graphstreaming.core.TestEvents.sequences;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Fixed-size batches: in order, the last one shorter, one batch per request.
 */
class BufferTests {

	private final GraphExecutionEventStream stream = TestGraphs.chain("buffer", "a", "b", "c").executeStream(Map.of());

	@Test
	void eventsAreGroupedInOrderWithAShorterLastBatch() {
		StepVerifier.create(this.stream.buffer(5))
			.assertNext((batch) -> assertThat(sequences(batch)).containsExactlyElementsOf(range(1, 5)))
			.assertNext((batch) -> assertThat(sequences(batch)).containsExactlyElementsOf(range(6, 10)))
			.assertNext((batch) -> assertThat(sequences(batch)).containsExactlyElementsOf(range(11, 14)))
			.verifyComplete();
	}

	@Test
	void oneRequestGivesOneFullBatch() {
		StepVerifier.create(this.stream.buffer(4), 1)
			.assertNext((batch) -> assertThat(batch).hasSize(4))
			.thenRequest(1)
			.assertNext((batch) -> assertThat(sequences(batch)).containsExactly(5L, 6L, 7L, 8L))
			.thenRequest(Long.MAX_VALUE)
			.expectNextCount(2)
			.verifyComplete();
	}

	@Test
	void nonPositiveSizeIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.stream.buffer(0))
			.withMessage("buffer size must be strictly positive but was 0");
	}

	@Test
	void batchesOfOneAreTheEvents() {
		List<List<GraphExecutionEvent>> batches = this.stream.buffer(1).collectList().block();

		assertThat(batches).hasSize(14).allSatisfy((batch) -> assertThat(batch).hasSize(1));
	}

}
