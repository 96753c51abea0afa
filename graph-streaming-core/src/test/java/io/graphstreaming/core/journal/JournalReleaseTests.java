package io.graphstreaming.core.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spilled journals are released outside a registry too: a cold stream's when its
 * subscription ends, however it ends; a created execution's once it has ended and its
 * last consumer detached. Released means no segment file left, no bytes reserved in the
 * JVM-wide spill budget and no live store (mapping) left.
 */
class JournalReleaseTests {

	private static final int CHUNKS = 200;

	@TempDir
	Path directory;

	private long reservedBefore;

	private int liveBefore;

	@BeforeEach
	void recordBudget() {
		this.reservedBefore = SpillStore.totalReservedBytes();
		this.liveBefore = SpillStore.liveCount();
	}

	@Test
	void coldStreamReleasesItsSegmentsOnceItsTerminalEventIsDelivered() {
		StreamingGraphExecutor executor = chunkGraph(Mono.just(Map.of()));
		Spilled spilled = new Spilled();

		List<GraphExecutionEvent> events = executor.executeStream(Map.of(), options(OverflowPolicy.BLOCK))
			.flux()
			.doOnNext((event) -> {
				if (event.isTerminal()) {
					spilled.probe();
				}
			})
			.collectList()
			.block(Duration.ofSeconds(10));

		assertThat(chunks(events)).isEqualTo(CHUNKS);
		assertThat(events.get(events.size() - 1).eventType()).isEqualTo(GraphExecutionEventType.EXECUTION_COMPLETED);
		spilled.assertHappened();
		assertReleased();
	}

	@Test
	void coldStreamReleasesItsSegmentsWhenTheConsumerCancels() {
		StreamingGraphExecutor executor = chunkGraph(Mono.never());
		Spilled spilled = new Spilled();

		executor.executeStream(Map.of(), options(OverflowPolicy.BLOCK))
			.flux()
			.doOnNext((event) -> {
				if (event.sequence() == 100) {
					spilled.probe();
				}
			})
			.take(100)
			.blockLast(Duration.ofSeconds(10));

		spilled.assertHappened();
		assertReleased();
	}

	@Test
	void coldStreamReleasesItsSegmentsWhenItsConsumerFails() {
		StreamingGraphExecutor executor = chunkGraph(Mono.never());
		Spilled spilled = new Spilled();

		StepVerifier
			.create(executor.executeStream(Map.of(), options(OverflowPolicy.FAIL))
				.flux()
				.doOnError((error) -> spilled.probe()), 0)
			.expectSubscription()
			.expectError(BufferOverflowException.class)
			.verify(Duration.ofSeconds(10));

		spilled.assertHappened();
		assertReleased();
	}

	@Test
	void coldStreamReleasesItsSegmentsWhenTheRunFails() {
		StreamingGraphExecutor executor = chunkGraph(Mono.error(new IllegalStateException("model down")));
		Spilled spilled = new Spilled();

		List<GraphExecutionEvent> events = executor.executeStream(Map.of(), options(OverflowPolicy.BLOCK))
			.flux()
			.doOnNext((event) -> {
				if (event.isTerminal()) {
					spilled.probe();
				}
			})
			.collectList()
			.block(Duration.ofSeconds(10));

		assertThat(chunks(events)).isEqualTo(CHUNKS);
		assertThat(events.get(events.size() - 1).eventType()).isEqualTo(GraphExecutionEventType.EXECUTION_FAILED);

		spilled.assertHappened();
		assertReleased();
	}

	@Test
	void createdExecutionKeepsItsSegmentsForAnAttachedConsumerAndReleasesThemWhenItDetaches() {
		StreamingExecutionOptions options = options(OverflowPolicy.BLOCK);
		GraphExecution execution = chunkGraph(Mono.just(Map.of())).createExecution(Map.of(), options);
		AtomicReference<Throwable> error = new AtomicReference<>();
		List<GraphExecutionEvent> received = new CopyOnWriteArrayList<>();
		ManualSubscriber consumer = new ManualSubscriber(received, error);

		execution.entries(ConsumerSpec.of(options, 0, EventFilter.all())).subscribe(consumer);
		execution.result().block(Duration.ofSeconds(10));

		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(execution.journal().spilledSegments()).as("the consumer has read nothing yet").isPositive();
		assertThat(spillFiles()).isNotEmpty();

		consumer.requestAll();

		assertThat(error.get()).isNull();
		assertThat(chunks(received)).isEqualTo(CHUNKS);
		assertThat(received.get(received.size() - 1).isTerminal()).isTrue();
		assertReleased();
		assertThat(execution.journal().spilledBytes()).isZero();
	}

	@Test
	void createdExecutionWithoutConsumersReleasesItsSegmentsWhenItEnds() {
		GraphExecution execution = chunkGraph(Mono.just(Map.of())).createExecution(Map.of(),
				options(OverflowPolicy.BLOCK));

		execution.start().result().block(Duration.ofSeconds(10));

		assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(execution.journal().firstInMemory()).as("it spilled").isGreaterThan(CHUNKS - 10L);
		assertReleased();
	}

	@Test
	void createdExecutionKeepsItsSegmentsWhileRunningAndReleasesThemWhenCancelled() {
		StreamingExecutionOptions options = options(OverflowPolicy.BLOCK);
		GraphExecution execution = chunkGraph(Mono.never()).createExecution(Map.of(), options);

		execution.stream().flux().take(100).blockLast(Duration.ofSeconds(10));

		assertThat(execution.status()).as("a consumer leaving does not stop it").isEqualTo(ExecutionStatus.RUNNING);
		assertThat(spillFiles()).as("kept for the next consumer").isNotEmpty();

		execution.cancel("test over");
		execution.result().block(Duration.ofSeconds(10));

		assertThat(execution.status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertReleased();
	}

	@Test
	void createdExecutionThatFailsReleasesItsSegments() {
		GraphExecution execution = chunkGraph(Mono.error(new IllegalStateException("model down")))
			.createExecution(Map.of(), options(OverflowPolicy.BLOCK));

		List<GraphExecutionEvent> events = execution.stream().flux().collectList().block(Duration.ofSeconds(10));

		assertThat(events.get(events.size() - 1).eventType()).isEqualTo(GraphExecutionEventType.EXECUTION_FAILED);
		assertThat(execution.journal().firstInMemory()).as("it spilled").isGreaterThan(CHUNKS - 10L);
		assertReleased();
	}

	@Test
	void lateConsumerOfAReleasedExecutionIsToldWhichEventsAreStillKept() {
		StreamingExecutionOptions options = options(OverflowPolicy.BLOCK);
		GraphExecution execution = chunkGraph(Mono.just(Map.of())).createExecution(Map.of(), options);
		execution.start().result().block(Duration.ofSeconds(10));
		long firstInMemory = execution.journal().firstInMemory();

		assertThat(execution.journal().firstRetained()).isEqualTo(firstInMemory);
		StepVerifier.create(execution.entries(ConsumerSpec.of(options, 0, EventFilter.all())))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(EventsExpiredException.class)
				.hasMessageEndingWith("the oldest kept is " + firstInMemory))
			.verify(Duration.ofSeconds(10));
		StepVerifier.create(execution.entries(ConsumerSpec.of(options, firstInMemory - 1, EventFilter.all())))
			.expectNextCount(execution.journal().head() - firstInMemory + 1)
			.verifyComplete();
	}

	@Test
	void registeredExecutionKeepsItsSegmentsForLateConsumersUntilEvicted() {
		StreamingExecutionOptions options = options(OverflowPolicy.BLOCK).configure()
			.withJournalRetention(Duration.ZERO)
			.build();
		ExecutionRegistry registry = new ExecutionRegistry(4, Duration.ofMinutes(1), Clock.systemUTC());
		try {
			GraphExecution execution = registry.create(chunkGraph(Mono.just(Map.of())), Map.of(), options);
			execution.stream().flux().blockLast(Duration.ofSeconds(10));

			assertThat(execution.status()).isEqualTo(ExecutionStatus.COMPLETED);
			assertThat(spillFiles()).as("kept for resumes during retention").isNotEmpty();
			List<GraphExecutionEvent> replayed = execution.stream(0).flux().collectList().block(Duration.ofSeconds(10));
			assertThat(replayed).hasSize((int) execution.journal().head());
			assertThat(chunks(replayed)).isEqualTo(CHUNKS);

			assertThat(registry.evictExpired()).isEqualTo(1);
			assertReleased();
		}
		finally {
			registry.close();
		}
	}

	private static long chunks(List<GraphExecutionEvent> events) {
		return events.stream().filter((event) -> event.eventType() == GraphExecutionEventType.NODE_OUTPUT_CHUNK).count();
	}

	private void assertReleased() {
		assertThat(spillFiles()).as("segment files and directories left").isEmpty();
		assertThat(SpillStore.totalReservedBytes()).as("bytes reserved in the JVM-wide budget")
			.isEqualTo(this.reservedBefore);
		assertThat(SpillStore.liveCount()).as("stores not closed").isEqualTo(this.liveBefore);
	}

	private List<Path> spillFiles() {
		try (Stream<Path> paths = Files.walk(this.directory)) {
			return paths.filter((path) -> !path.equals(this.directory)).toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private StreamingExecutionOptions options(OverflowPolicy policy) {
		return StreamingExecutionOptions.builder()
			.withBufferSize(10)
			.withMaxBufferSize(50)
			.withOverflowPolicy(policy)
			.withMemoryMappedBuffers(true, 64 * 1024, this.directory)
			.withMemoryMappedLimits(10, 1024 * 1024, 1L << 40)
			.withEventSerializer(new TestEventSerializer())
			.build();
	}

	/**
	 * One node streaming {@value #CHUNKS} chunks of 1 KiB (four 64 KiB segments' worth),
	 * then ending as {@code tail} does.
	 */
	private static StreamingGraphExecutor chunkGraph(Mono<Map<String, Object>> tail) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor("spilling", "streams 1 KiB chunks");
		executor.addNode(GraphNode.async("tokens", (state, context) -> Flux.range(0, CHUNKS)
			.concatMap((i) -> context.emitChunkAndAwaitCapacity("chunk " + i + " " + "x".repeat(1000)))
			.then(tail)));
		executor.setStartNode("tokens");
		return executor;
	}

	/**
	 * What the spill directory and budget held at one point of a run, to show that the
	 * run did spill before its journal was released.
	 */
	private final class Spilled {

		private volatile int files = -1;

		private volatile long reserved = -1;

		void probe() {
			this.files = spillFiles().size();
			this.reserved = SpillStore.totalReservedBytes() - JournalReleaseTests.this.reservedBefore;
		}

		void assertHappened() {
			assertThat(this.files).as("segment files (and their directory) while the stream was open")
				.isGreaterThan(1);
			assertThat(this.reserved).as("bytes reserved while the stream was open").isPositive();
		}

	}

	/**
	 * Requests nothing until told to.
	 */
	private static final class ManualSubscriber extends BaseSubscriber<JournalEntry> {

		private final List<GraphExecutionEvent> received;

		private final AtomicReference<Throwable> error;

		ManualSubscriber(List<GraphExecutionEvent> received, AtomicReference<Throwable> error) {
			this.received = received;
			this.error = error;
		}

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
		}

		@Override
		protected void hookOnNext(JournalEntry entry) {
			this.received.add(entry.event());
		}

		@Override
		protected void hookOnError(Throwable throwable) {
			this.error.set(throwable);
		}

		void requestAll() {
			request(Long.MAX_VALUE);
		}

	}

}
