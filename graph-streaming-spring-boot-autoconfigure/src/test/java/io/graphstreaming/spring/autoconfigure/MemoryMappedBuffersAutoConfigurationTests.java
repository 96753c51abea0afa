package io.graphstreaming.spring.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.GraphExecutor;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.journal.EventSerializer;
import io.graphstreaming.core.journal.ExecutionJournal;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.spring.json.GraphEventJsonWriter;
import io.graphstreaming.spring.json.JsonEventSerializer;
import io.graphstreaming.spring.registry.GraphRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Memory-mapped buffers through the starter: the properties turn them on, the JSON
 * serializer is supplied, spilled events come back as the same event JSON, and closing
 * the application deletes the segment files.
 */
class MemoryMappedBuffersAutoConfigurationTests {

	@TempDir
	Path directory;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, GraphStreamingAutoConfiguration.class))
		.withUserConfiguration(ChunkGraphConfiguration.class);

	@Test
	void enabledMemoryMappedBuffersSpillTheEventJsonAndReadItBackByteIdentical() {
		this.contextRunner
			.withPropertyValues("graph.streaming.memory-mapped-buffers.enabled=true",
					"graph.streaming.memory-mapped-buffers.file-size=64KB",
					"graph.streaming.memory-mapped-buffers.directory=" + this.directory,
					"graph.streaming.memory-mapped-buffers.in-memory-events=10",
					"graph.streaming.memory-mapped-buffers.max-bytes-per-execution=16MB",
					"graph.streaming.memory-mapped-buffers.max-total-bytes=64MB")
			.run((context) -> {
				assertThat(context).hasSingleBean(EventSerializer.class);
				GraphRegistry registry = context.getBean(GraphRegistry.class);
				StreamingExecutionOptions options = registry.options("chunks");
				assertThat(options.enableMemoryMappedBuffers()).isTrue();
				assertThat(options.memoryMappedInMemoryEvents()).isEqualTo(10);
				assertThat(options.memoryMappedMaxBytesPerExecution()).isEqualTo(16L * 1024 * 1024);
				assertThat(options.memoryMappedMaxTotalBytes()).isEqualTo(64L * 1024 * 1024);
				assertThat(options.eventSerializer()).isInstanceOf(JsonEventSerializer.class)
					.isSameAs(context.getBean(EventSerializer.class));
				GraphEventJsonWriter writer = context.getBean(GraphEventJsonWriter.class);

				GraphExecution execution = registry.create("chunks", Map.of());
				// an in-process consumer attached from the start receives the original event objects
				List<GraphExecutionEvent> originals = execution.stream().flux().collectList().block(Duration.ofSeconds(20));
				assertThat(execution.result().block(Duration.ofSeconds(10)).status()).isEqualTo(ExecutionStatus.COMPLETED);
				ExecutionJournal journal = execution.journal();
				assertThat(journal.spilledSegments()).isPositive();
				assertThat(journal.firstInMemory()).isEqualTo(journal.head() - 9);
				Path segments = journal.spillDirectory();
				assertThat(segments.getParent()).isEqualTo(this.directory);

				List<JournalEntry> readBack = journal.read(0, 1000, EventFilter.all()).entries();
				assertThat(readBack).hasSameSizeAs(originals);
				for (int i = 0; i < originals.size(); i++) {
					assertThat(new String(writer.apply(readBack.get(i).event())))
						.isEqualTo(new String(writer.apply(originals.get(i))));
				}
				try (Stream<Path> files = Files.list(segments)) {
					String firstSegment = new String(Files.readAllBytes(files.sorted().findFirst().orElseThrow()));
					assertThat(firstSegment).contains(new String(writer.apply(originals.get(0))));
				}
			});
		try (Stream<Path> left = Files.list(this.directory)) {
			assertThat(left).as("segments deleted when the registry closed").isEmpty();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class ChunkGraphConfiguration {

		@Bean
		GraphExecutor chunks() {
			StreamingGraphExecutor executor = new StreamingGraphExecutor("chunks", "emits 300 chunks");
			executor.addNode(GraphNode.async("tokens", (state, context) -> Flux.range(0, 300)
				.concatMap((i) -> context.emitChunkAndAwaitCapacity("token " + i + " " + "x".repeat(200)))
				.then(Mono.just(Map.of("done", true)))));
			executor.setStartNode("tokens");
			return executor;
		}

	}

}
