package io.graphstreaming.spring.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.checkpoint.CheckpointCodec;
import io.graphstreaming.core.checkpoint.CheckpointStore;
import io.graphstreaming.core.checkpoint.FileCheckpointStore;
import io.graphstreaming.core.checkpoint.InMemoryCheckpointStore;
import io.graphstreaming.core.execution.ExecutionResult;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.spring.autoconfigure.GraphStreamingAutoConfigurationTests.GraphsConfiguration;
import io.graphstreaming.spring.json.JsonCheckpointCodec;
import io.graphstreaming.spring.registry.GraphRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the checkpoint beans of {@link GraphStreamingAutoConfiguration} and
 * {@code graph.streaming.checkpoints.*}.
 */
class CheckpointStoreAutoConfigurationTests {

	private static final String PREFIX = "graph.streaming.checkpoints.";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class))
		.withUserConfiguration(GraphsConfiguration.class);

	@TempDir
	Path directory;

	@Test
	void runShouldProvideInMemoryStoreAndJsonCodecAndLeaveGraphsAlone() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(CheckpointStore.class).hasSingleBean(CheckpointCodec.class);
			assertThat(context.getBean(CheckpointStore.class)).isInstanceOf(InMemoryCheckpointStore.class);
			assertThat(context.getBean(CheckpointCodec.class)).isInstanceOf(JsonCheckpointCodec.class);
			GraphRegistry registry = context.getBean(GraphRegistry.class);
			assertThat(registry.executor("alpha").checkpointStore()).isNull();
			assertThat(registry.executor("beta").checkpointStore()).isNull();
		});
	}

	@Test
	void runWithMaxPerExecutionShouldKeepOnlyTheNewestInMemory() {
		this.contextRunner.withPropertyValues(PREFIX + "max-per-execution=2").run((context) -> {
			CheckpointStore store = context.getBean(CheckpointStore.class);
			saveThree(store);
			assertThat(store.list("e1").map(Checkpoint::checkpointId).collectList().block())
				.containsExactly("e1-2", "e1-3");
		});
	}

	@Test
	void runWithFileStoreShouldWriteJsonFilesInTheDirectoryThatSurviveTheStore() {
		this.contextRunner
			.withPropertyValues(PREFIX + "store=file", PREFIX + "directory=" + this.directory,
					PREFIX + "max-per-execution=2")
			.run((context) -> {
				CheckpointStore store = context.getBean(CheckpointStore.class);
				assertThat(store).isInstanceOf(FileCheckpointStore.class);
				saveThree(store);
				assertThat(files(this.directory.resolve("e1"))).containsExactly("e1-2.ckpt", "e1-3.ckpt");
				String json = Files.readString(this.directory.resolve("e1").resolve("e1-3.ckpt"));
				assertThat(json).startsWith("{\"checkpointFormat\":1,\"checkpointId\":\"e1-3\",")
					.contains("\"state\":{\"count\":3}");
			});
		// As after a restart: a new store over the same directory reads them back.
		FileCheckpointStore reopened = new FileCheckpointStore(this.directory, new JsonCheckpointCodec(new JsonMapper()));
		assertThat(reopened.latest("e1").block()).isEqualTo(checkpoint(3));
	}

	@Test
	void runWithFileStoreInADirectoryThatCannotBeCreatedShouldFailNamingTheKey() throws IOException {
		Path file = Files.writeString(this.directory.resolve("a-file"), "not a directory");
		this.contextRunner.withPropertyValues(PREFIX + "store=file", PREFIX + "directory=" + file.resolve("checkpoints"))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(messages(context.getStartupFailure())).contains(PREFIX + "directory")
					.contains("must be a directory the application can create and write");
			});
	}

	@Test
	void runWithMemoryStoreShouldNotTouchTheDirectory() {
		Path unused = this.directory.resolve("unused");
		this.contextRunner.withPropertyValues(PREFIX + "directory=" + unused)
			.run((context) -> assertThat(unused).doesNotExist());
	}

	@Test
	void runWithUserCodecShouldBackOffAndTheFileStoreShouldUseIt() {
		this.contextRunner.withBean(CheckpointCodec.class, CheckpointCodec::javaSerialization)
			.withPropertyValues(PREFIX + "store=file", PREFIX + "directory=" + this.directory)
			.run((context) -> {
				assertThat(context).hasSingleBean(CheckpointCodec.class);
				assertThat(context.getBean(CheckpointCodec.class)).isSameAs(CheckpointCodec.javaSerialization());
				context.getBean(CheckpointStore.class).save(checkpoint(1)).block();
				byte[] bytes = Files.readAllBytes(this.directory.resolve("e1").resolve("e1-1.ckpt"));
				assertThat(CheckpointCodec.javaSerialization().decode(bytes)).isEqualTo(checkpoint(1));
			});
	}

	@Test
	void runWithUserStoreShouldBackOffAndBeGivenToGraphsWhenEnabled() {
		this.contextRunner.withUserConfiguration(UserStoreConfiguration.class)
			.withPropertyValues(PREFIX + "enabled=true")
			.run((context) -> {
				CheckpointStore user = context.getBean(UserStoreConfiguration.class).store;
				assertThat(context).hasSingleBean(CheckpointStore.class).getBean(CheckpointStore.class).isSameAs(user);
				assertThat(context.getBean(GraphRegistry.class).executor("alpha").checkpointStore()).isSameAs(user);
			});
	}

	@Test
	void runWithCheckpointsEnabledShouldGiveTheStoreToGraphsWithoutOneAndLeaveOwnStoresAlone() {
		InMemoryCheckpointStore own = new InMemoryCheckpointStore();
		this.contextRunner.withPropertyValues(PREFIX + "enabled=true", PREFIX + "every-nodes=3")
			.withBean("ownGraph", StreamingGraphExecutor.class, () -> {
				StreamingGraphExecutor executor = GraphStreamingAutoConfigurationTests.graph("own");
				executor.checkpoints(own);
				return executor;
			})
			.run((context) -> {
				CheckpointStore bean = context.getBean(CheckpointStore.class);
				GraphRegistry registry = context.getBean(GraphRegistry.class);
				assertThat(registry.executor("alpha").checkpointStore()).isSameAs(bean);
				assertThat(registry.executor("alpha").checkpointEvery()).isEqualTo(3);
				assertThat(registry.executor("beta").checkpointStore()).isSameAs(bean);
				assertThat(registry.executor("own").checkpointStore()).isSameAs(own);
				assertThat(registry.executor("own").checkpointEvery()).isEqualTo(1);
			});
	}

	@Test
	void runWithCheckpointsEnabledShouldSaveCheckpointsOfRunsToTheStoreBean() {
		this.contextRunner.withPropertyValues(PREFIX + "enabled=true").run((context) -> {
			GraphRegistry registry = context.getBean(GraphRegistry.class);
			ExecutionResult result = registry.start("alpha", Map.of()).result().block(Duration.ofSeconds(10));
			assertThat(result.status()).isEqualTo(ExecutionStatus.COMPLETED);
			List<Checkpoint> checkpoints = context.getBean(CheckpointStore.class)
				.list(result.executionId())
				.collectList()
				.block();
			assertThat(checkpoints).singleElement().satisfies((checkpoint) -> {
				assertThat(checkpoint.graphId()).isEqualTo("alpha");
				assertThat(checkpoint.nodeId()).isEqualTo("only");
				assertThat(checkpoint.state()).containsEntry("done", true);
			});
			assertThat(registry.checkpoints("alpha", result.executionId()).collectList().block())
				.isEqualTo(checkpoints);
		});
	}

	private static void saveThree(CheckpointStore store) {
		for (int i = 1; i <= 3; i++) {
			store.save(checkpoint(i)).block();
		}
	}

	static Checkpoint checkpoint(int number) {
		return new Checkpoint("e1-" + number, "e1", "alpha", "only", List.of(), Map.of("count", number), number * 3L,
				number, Map.of(), Map.of(), Instant.parse("2025-01-01T10:00:00Z").plusSeconds(number));
	}

	private static List<String> files(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return files.map((file) -> file.getFileName().toString()).sorted().toList();
		}
	}

	private static String messages(@Nullable Throwable failure) {
		StringBuilder all = new StringBuilder();
		for (Throwable current = failure; current != null; current = current.getCause()) {
			all.append(current.getMessage()).append('\n');
		}
		return all.toString();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserStoreConfiguration {

		final CheckpointStore store = new InMemoryCheckpointStore(5);

		@Bean
		CheckpointStore userCheckpointStore() {
			return this.store;
		}

	}

}
