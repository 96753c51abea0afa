package io.graphstreaming.core.checkpoint;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static io.graphstreaming.core.checkpoint.InMemoryCheckpointStoreTests.checkpoint;
import static io.graphstreaming.core.checkpoint.InMemoryCheckpointStoreTests.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The file store: one file per checkpoint under a directory per execution, round trips
 * through the codec, numeric ordering, pruning, deletion, survival across store
 * instances, atomic writes, ids that cannot escape the directory, and corrupt files
 * reported by name.
 */
class FileCheckpointStoreTests {

	@TempDir
	Path directory;

	private FileCheckpointStore store() {
		return new FileCheckpointStore(this.directory, CheckpointCodec.javaSerialization());
	}

	@Test
	void aCheckpointWithNestedStateRoundTrips() {
		Map<String, @Nullable Object> nested = new LinkedHashMap<>();
		nested.put("list", List.of(1, 2L, 3.5, "four", List.of(Map.of("deep", true))));
		nested.put("missing", null);
		nested.put("amount", new BigDecimal("12.3400"));
		Map<String, @Nullable Object> state = new LinkedHashMap<>();
		state.put("question", "why?");
		state.put("count", 42L);
		state.put("ratio", 0.25f);
		state.put("nothing", null);
		state.put("nested", nested);
		state.put("when", Instant.parse("2024-05-06T07:08:09.123456789Z"));
		state.put("bytes", new byte[] { 1, 2, 3 });
		Checkpoint checkpoint = new Checkpoint("exec-1", "exec", "graph", "node", List.of("a", "b"), state, 17, 3,
				Map.of("tokens", 120.5), Map.of("loop", 2), Instant.parse("2024-05-06T07:08:10.5Z"));
		FileCheckpointStore store = store();

		store.save(checkpoint).block();
		Checkpoint loaded = store.load("exec-1").block();

		assertThat(loaded).usingRecursiveComparison().isEqualTo(checkpoint);
		assertThat(loaded.state()).containsOnlyKeys(state.keySet());
		assertThat(loaded.state().keySet()).as("state order").containsExactlyElementsOf(state.keySet());
		assertThat(loaded.state().get("count")).isInstanceOf(Long.class);
		assertThat(loaded.state().get("ratio")).isEqualTo(0.25f);
		assertThat((byte[]) loaded.state().get("bytes")).containsExactly(1, 2, 3);
		assertThat(loaded.state().get("nested")).isEqualTo(nested);
		assertThat(loaded.createdAt()).isEqualTo(checkpoint.createdAt());
	}

	@Test
	void checkpointsAreFilesUnderADirectoryPerExecutionCreatedOnTheFirstSave() {
		Path root = this.directory.resolve("not/yet");
		FileCheckpointStore store = new FileCheckpointStore(root, CheckpointCodec.javaSerialization());
		assertThat(root).doesNotExist();

		store.save(checkpoint("exec", 1)).block();

		assertThat(root.resolve("exec").resolve("exec-1.ckpt")).isRegularFile();
	}

	@Test
	void checkpointsAreListedByTheirNumberNotLexically() {
		FileCheckpointStore store = store();
		store.save(checkpoint("exec", 10)).block();
		store.save(checkpoint("exec", 2)).block();
		store.save(checkpoint("exec", 1)).block();
		store.save(checkpoint("exec-1", 3)).block();

		assertThat(ids(store.list("exec"))).containsExactly("exec-1", "exec-2", "exec-10");
		assertThat(store.latest("exec").block().checkpointId()).isEqualTo("exec-10");
		assertThat(ids(store.list("exec-1"))).as("an execution id ending in -1").containsExactly("exec-1-3");
	}

	@Test
	void unknownIdsAndExecutionsAreEmpty() {
		FileCheckpointStore store = store();
		store.save(checkpoint("exec", 1)).block();

		assertThat(store.load("exec-2").block()).isNull();
		assertThat(store.load("other-1").block()).isNull();
		assertThat(store.load("exec").block()).as("not <executionId>-<number>").isNull();
		assertThat(ids(store.list("other"))).isEmpty();
		assertThat(store.latest("other").block()).isNull();
	}

	@Test
	void savingTheSameIdAgainReplacesTheFile() {
		FileCheckpointStore store = store();
		store.save(checkpoint("exec", 1, "first")).block();

		store.save(checkpoint("exec", 1, "second")).block();

		assertThat(store.load("exec-1").block().nodeId()).isEqualTo("second");
		assertThat(ids(store.list("exec"))).containsExactly("exec-1");
	}

	@Test
	void onlyTheNewestMaxPerExecutionFilesAreKept() throws IOException {
		FileCheckpointStore store = new FileCheckpointStore(this.directory, CheckpointCodec.javaSerialization(), 2);
		for (int n : new int[] { 1, 2, 9, 10 }) {
			store.save(checkpoint("exec", n)).block();
		}
		store.save(checkpoint("other", 1)).block();

		assertThat(ids(store.list("exec"))).containsExactly("exec-9", "exec-10");
		assertThat(fileNames(this.directory.resolve("exec"))).containsExactlyInAnyOrder("exec-9.ckpt",
				"exec-10.ckpt");
		assertThat(store.load("exec-2").block()).isNull();
		assertThat(ids(store.list("other"))).containsExactly("other-1");
	}

	@Test
	void theTwoArgumentConstructorKeepsTheNewestHundred() {
		FileCheckpointStore store = store();
		for (int n = 1; n <= 101; n++) {
			store.save(checkpoint("exec", n)).block();
		}

		assertThat(ids(store.list("exec"))).hasSize(100).startsWith("exec-2").endsWith("exec-101");
	}

	@Test
	void deleteRemovesTheExecutionsDirectoryOnly() {
		FileCheckpointStore store = store();
		store.save(checkpoint("exec", 1)).block();
		store.save(checkpoint("exec", 2)).block();
		store.save(checkpoint("other", 1)).block();

		store.delete("exec").block();

		assertThat(this.directory.resolve("exec")).doesNotExist();
		assertThat(ids(store.list("exec"))).isEmpty();
		assertThat(store.load("exec-1").block()).isNull();
		assertThat(ids(store.list("other"))).containsExactly("other-1");
		StepVerifier.create(store.delete("never-saved")).verifyComplete();
	}

	@Test
	void checkpointsSurviveANewStoreOnTheSameDirectory() {
		store().save(checkpoint("exec", 1)).block();
		store().save(checkpoint("exec", 2)).block();

		FileCheckpointStore restarted = store();

		assertThat(ids(restarted.list("exec"))).containsExactly("exec-1", "exec-2");
		assertThat(restarted.load("exec-2").block()).isEqualTo(checkpoint("exec", 2));
	}

	@Test
	void savesLeaveNoTemporaryFiles() throws IOException {
		FileCheckpointStore store = store();
		for (int n = 1; n <= 5; n++) {
			store.save(checkpoint("exec", n)).block();
			store.save(checkpoint("exec", n, "again")).block();
		}

		assertThat(fileNames(this.directory)).containsExactly("exec");
		assertThat(fileNames(this.directory.resolve("exec"))).allMatch((name) -> name.matches("exec-\\d+\\.ckpt"))
			.hasSize(5);
	}

	@Test
	void readersNeverSeeAPartlyWrittenCheckpoint() {
		FileCheckpointStore store = store();
		store.save(large(0)).block();

		CompletableFuture<Void> writer = CompletableFuture
			.runAsync(() -> Flux.range(1, 40).concatMap((i) -> store.save(large(i))).blockLast());
		int reads = 0;
		while (!writer.isDone() || reads == 0) {
			Checkpoint loaded = store.load("exec-1").block();
			assertThat(loaded).as("read %d", reads).isNotNull();
			assertThat((byte[]) loaded.state().get("payload")).hasSize(1 << 20);
			reads++;
		}
		writer.join();
	}

	@Test
	void concurrentSavesOfDifferentExecutionsAreAllKept() {
		FileCheckpointStore store = new FileCheckpointStore(this.directory, CheckpointCodec.javaSerialization(), 5);

		Flux.range(0, 6)
			.flatMap((e) -> Flux.range(1, 15)
				.concatMap((n) -> store.save(checkpoint("exec" + e, n)))
				.subscribeOn(Schedulers.parallel()))
			.blockLast(Duration.ofSeconds(30));

		for (int e = 0; e < 6; e++) {
			assertThat(ids(store.list("exec" + e))).containsExactly("exec" + e + "-11", "exec" + e + "-12",
					"exec" + e + "-13", "exec" + e + "-14", "exec" + e + "-15");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "..", ".", "../escape", "a/b", "a\\b", ".hidden", "", "with space", "caf\u00e9",
			"line\nbreak" })
	void idsThatAreNotSafeFileNamesAreRejected(String id) {
		FileCheckpointStore store = store();

		StepVerifier.create(store.load(id)).expectError(IllegalArgumentException.class).verify();
		StepVerifier.create(store.list(id)).expectError(IllegalArgumentException.class).verify();
		StepVerifier.create(store.delete(id)).expectError(IllegalArgumentException.class).verify();
		StepVerifier.create(store.save(checkpoint(id, 1))).expectError(IllegalArgumentException.class).verify();
		assertThat(this.directory).isEmptyDirectory();
	}

	@Test
	void rejectionsNameTheIdAndWhatIsWrong() {
		FileCheckpointStore store = store();

		StepVerifier.create(store.load("../etc-1"))
			.expectErrorMessage(
					"checkpointId may only hold letters, digits, '.', '_' and '-' (it names a file) but was '../etc-1'")
			.verify();
		StepVerifier.create(store.list(".."))
			.expectErrorMessage("executionId must not start with '.' (it names a file; '.' and '..' are directories)"
					+ " but was '..'")
			.verify();
		StepVerifier.create(store.list("x".repeat(201)))
			.expectErrorMessage("executionId must be at most 200 characters but was 201 long")
			.verify();
	}

	@Test
	void aCheckpointIdThatIsNotItsExecutionIdAndANumberIsRejected() {
		FileCheckpointStore store = store();
		Checkpoint foreign = new Checkpoint("other-1", "exec", "graph", "node", List.of(), Map.of(), 1, 1, Map.of(),
				Map.of(), Instant.EPOCH);
		Checkpoint unnumbered = new Checkpoint("exec-last", "exec", "graph", "node", List.of(), Map.of(), 1, 1,
				Map.of(), Map.of(), Instant.EPOCH);

		StepVerifier.create(store.save(foreign))
			.expectErrorMessage("checkpointId must be <executionId>-<number> ('exec-1') but was 'other-1'")
			.verify();
		StepVerifier.create(store.save(unnumbered)).expectError(IllegalArgumentException.class).verify();
		assertThat(this.directory).isEmptyDirectory();
	}

	@Test
	void aStateValueTheCodecCannotEncodeFailsTheSaveAndWritesNothing() throws IOException {
		FileCheckpointStore store = store();
		Checkpoint checkpoint = new Checkpoint("exec-1", "exec", "graph", "node", List.of(),
				Map.of("thread", new Object()), 1, 1, Map.of(), Map.of(), Instant.EPOCH);

		StepVerifier.create(store.save(checkpoint))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("'thread'"))
			.verify();
		assertThat(fileNames(this.directory)).isEmpty();
	}

	@Test
	void aCorruptFileIsAnErrorNamingTheFile() throws IOException {
		FileCheckpointStore store = store();
		store.save(checkpoint("exec", 1)).block();
		store.save(checkpoint("exec", 2)).block();
		Path file = this.directory.resolve("exec").resolve("exec-2.ckpt");
		Files.write(file, "not a checkpoint".getBytes(StandardCharsets.UTF_8));

		StepVerifier.create(store.load("exec-2"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining(file.toString())
				.hasCauseInstanceOf(IllegalArgumentException.class))
			.verify();
		StepVerifier.create(store.list("exec"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining(file.toString()))
			.verify();
		assertThat(store.load("exec-1").block()).as("the others are still loadable").isNotNull();
	}

	@Test
	void constructorArgumentsAreChecked() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new FileCheckpointStore(this.directory, CheckpointCodec.javaSerialization(), 0))
			.withMessage("maxPerExecution must be strictly positive but was 0");
	}

	private static Checkpoint large(int version) {
		byte[] payload = new byte[1 << 20];
		Arrays.fill(payload, (byte) version);
		return new Checkpoint("exec-1", "exec", "graph", "node" + version, List.of(), Map.of("payload", payload),
				version, version, Map.of(), Map.of(), Instant.EPOCH);
	}

	private static List<String> fileNames(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return new ArrayList<>(files.map((file) -> file.getFileName().toString()).toList());
		}
	}

}
