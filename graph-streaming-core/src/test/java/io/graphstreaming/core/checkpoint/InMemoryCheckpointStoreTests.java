package io.graphstreaming.core.checkpoint;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The in-memory store: saves are loadable by id and listed oldest first, a save with the
 * same id replaces, only the newest {@code maxPerExecution} are kept, delete forgets an
 * execution and nothing else.
 */
class InMemoryCheckpointStoreTests {

	@Test
	void savedCheckpointIsLoadedById() {
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		Checkpoint checkpoint = checkpoint("exec", 1);

		store.save(checkpoint).block();

		assertThat(store.load("exec-1").block()).isSameAs(checkpoint);
		assertThat(store.load("exec-2").block()).isNull();
	}

	@Test
	void checkpointsAreListedOldestFirstAndLatestIsTheNewest() {
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		for (int n = 1; n <= 3; n++) {
			store.save(checkpoint("exec", n)).block();
		}
		store.save(checkpoint("other", 1)).block();

		assertThat(ids(store.list("exec"))).containsExactly("exec-1", "exec-2", "exec-3");
		assertThat(store.latest("exec").block().checkpointId()).isEqualTo("exec-3");
	}

	@Test
	void anExecutionWithoutCheckpointsListsNothingAndHasNoLatest() {
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();

		assertThat(ids(store.list("exec"))).isEmpty();
		assertThat(store.latest("exec").block()).isNull();
	}

	@Test
	void savingTheSameIdAgainReplacesTheCheckpoint() {
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		store.save(checkpoint("exec", 1)).block();
		Checkpoint replacement = checkpoint("exec", 1, "later");

		store.save(replacement).block();

		assertThat(store.list("exec").collectList().block()).containsExactly(replacement);
		assertThat(store.load("exec-1").block()).isSameAs(replacement);
	}

	@Test
	void onlyTheNewestMaxPerExecutionCheckpointsAreKept() {
		InMemoryCheckpointStore store = new InMemoryCheckpointStore(2);
		for (int n = 1; n <= 4; n++) {
			store.save(checkpoint("exec", n)).block();
		}

		assertThat(ids(store.list("exec"))).containsExactly("exec-3", "exec-4");
		assertThat(store.load("exec-1").block()).as("pruned checkpoints are not loadable").isNull();
		assertThat(store.load("exec-2").block()).isNull();
	}

	@Test
	void theDefaultStoreKeepsTheNewestHundred() {
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		for (int n = 1; n <= 101; n++) {
			store.save(checkpoint("exec", n)).block();
		}

		assertThat(ids(store.list("exec"))).hasSize(100).first().isEqualTo("exec-2");
	}

	@Test
	void deleteForgetsEveryCheckpointOfTheExecutionOnly() {
		InMemoryCheckpointStore store = new InMemoryCheckpointStore();
		store.save(checkpoint("exec", 1)).block();
		store.save(checkpoint("exec", 2)).block();
		store.save(checkpoint("other", 1)).block();

		store.delete("exec").block();

		assertThat(ids(store.list("exec"))).isEmpty();
		assertThat(store.load("exec-1").block()).isNull();
		assertThat(store.load("other-1").block()).isNotNull();
		store.delete("never-saved").block();
	}

	@Test
	void concurrentSavesOfDifferentExecutionsAreAllKept() {
		InMemoryCheckpointStore store = new InMemoryCheckpointStore(10);

		Flux.range(0, 8)
			.flatMap((e) -> Flux.range(1, 50)
				.concatMap((n) -> store.save(checkpoint("exec" + e, n)))
				.subscribeOn(Schedulers.parallel()))
			.blockLast();

		for (int e = 0; e < 8; e++) {
			assertThat(ids(store.list("exec" + e))).hasSize(10).first().isEqualTo("exec" + e + "-41");
		}
	}

	@Test
	void maxPerExecutionMustBeStrictlyPositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryCheckpointStore(0))
			.withMessage("maxPerExecution must be strictly positive but was 0");
	}

	static Checkpoint checkpoint(String executionId, int n) {
		return checkpoint(executionId, n, "node");
	}

	static Checkpoint checkpoint(String executionId, int n, String nodeId) {
		return new Checkpoint(executionId + "-" + n, executionId, "graph", nodeId, List.of("next"),
				Map.of("count", n), n, n, Map.of(), Map.of(), Instant.EPOCH.plusSeconds(n));
	}

	static List<String> ids(Flux<Checkpoint> checkpoints) {
		return checkpoints.map(Checkpoint::checkpointId).collectList().block();
	}

}
