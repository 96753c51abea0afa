package io.graphstreaming.spring.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Starts with an idempotency key: a repetition gets the execution the key started, keys
 * are scoped by client, graph and operation, live as long as their execution and are
 * bounded in number.
 */
class GraphRegistryIdempotencyTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Duration RETENTION = Duration.ofMinutes(5);

	private final MutableClock clock = MutableClock.ofSystem();

	private final ExecutionRegistry executions = new ExecutionRegistry(100, Duration.ofMinutes(1), this.clock);

	private final GraphRegistry registry = new GraphRegistry(List.of(graph("quick"), graph("other")),
			(graphId) -> StreamingExecutionOptions.builder().withJournalRetention(RETENTION).build(), this.executions,
			DisconnectPolicy.CONTINUE);

	private final ExecutorService threads = Executors.newFixedThreadPool(8);

	@AfterEach
	void stopThreads() {
		this.threads.shutdownNow();
	}

	@Test
	void repeatedKeyReturnsTheExecutionItStartedAndStartsNoOther() {
		IdempotencyKey key = new IdempotencyKey("address:10.0.0.1", "executions", "k-1");

		IdempotentStart first = this.registry.start("quick", Map.of("n", 1), null, key);
		IdempotentStart second = this.registry.start("quick", Map.of("n", 1), null, key);

		assertThat(first.replayed()).isFalse();
		assertThat(second.replayed()).isTrue();
		assertThat(second.execution()).isSameAs(first.execution());
		assertThat(this.executions.executions()).containsExactly(first.execution());
	}

	@Test
	void keysOfOtherClientsGraphsOrOperationsStartTheirOwnExecutions() {
		IdempotencyKey key = new IdempotencyKey("address:10.0.0.1", "executions", "shared");

		GraphExecution first = this.registry.start("quick", Map.of(), null, key).execution();
		IdempotentStart otherClient = this.registry.start("quick", Map.of(), null,
				new IdempotencyKey("principal:alice", "executions", "shared"));
		IdempotentStart otherGraph = this.registry.start("other", Map.of(), null, key);
		IdempotentStart otherOperation = this.registry.create("quick", Map.of(), null,
				new IdempotencyKey("address:10.0.0.1", "execute/stream", "shared"));

		assertThat(List.of(otherClient, otherGraph, otherOperation)).extracting(IdempotentStart::replayed)
			.containsOnly(false);
		assertThat(List.of(first, otherClient.execution(), otherGraph.execution(), otherOperation.execution()))
			.extracting(GraphExecution::executionId)
			.doesNotHaveDuplicates();
		assertThat(this.executions.executions()).hasSize(4);
	}

	@Test
	void callersWhoShareAClientKeyNeverGetEachOthersExecutionThroughAKey() {
		IdempotencyKey key = new IdempotencyKey("tenant:acme", "executions", "1");
		GraphExecution alices = this.registry.start("quick", Map.of(), "alice", key).execution();

		IdempotentStart bobs = this.registry.start("quick", Map.of(), "bob", key);
		IdempotentStart anonymous = this.registry.start("quick", Map.of(), null, key);

		assertThat(bobs.replayed()).isFalse();
		assertThat(bobs.execution()).isNotSameAs(alices);
		assertThat(anonymous.replayed()).isFalse();
		assertThat(anonymous.execution()).isNotSameAs(alices).isNotSameAs(bobs.execution());
		assertThat(this.registry.start("quick", Map.of(), "alice", key).execution()).isSameAs(alices);
	}

	@Test
	void repeatedKeyWithAnotherInputIsRefused() {
		IdempotencyKey key = new IdempotencyKey("address:10.0.0.1", "executions", "k-2");
		GraphExecution first = this.registry.start("quick", Map.of("n", 1), null, key).execution();

		assertThatExceptionOfType(IdempotencyKeyReusedException.class)
			.isThrownBy(() -> this.registry.start("quick", Map.of("n", 2), null, key))
			.withMessage("This Idempotency-Key already started execution '" + first.executionId()
					+ "' of graph 'quick' with another input; use a new key for a new execution");
		assertThat(this.executions.executions()).containsExactly(first);
	}

	@Test
	void repeatedKeyWithAnInputOfTheSameHashCodeIsRefusedToo() {
		IdempotencyKey key = new IdempotencyKey("address:10.0.0.1", "executions", "k-collide");
		this.registry.start("quick", Map.of("x", 1, "y", 1), null, key);

		assertThatExceptionOfType(IdempotencyKeyReusedException.class)
			.isThrownBy(() -> this.registry.start("quick", Map.of("x", 0, "y", 0), null, key));
		assertThat(this.executions.executions()).hasSize(1);
	}

	@Test
	void keyIsForgottenWithItsExecutionAfterTheRetention() {
		IdempotencyKey key = new IdempotencyKey("address:10.0.0.1", "executions", "k-3");
		GraphExecution first = this.registry.start("quick", Map.of(), null, key).execution();
		assertThat(first.result().block(TIMEOUT).status()).isEqualTo(ExecutionStatus.COMPLETED);
		assertThat(this.registry.start("quick", Map.of(), null, key).replayed()).as("within the retention").isTrue();

		this.clock.advance(RETENTION.plusSeconds(1));
		assertThat(this.executions.evictExpired()).isEqualTo(1);
		IdempotentStart afterRetention = this.registry.start("quick", Map.of(), null, key);

		assertThat(afterRetention.replayed()).isFalse();
		assertThat(afterRetention.execution().executionId()).isNotEqualTo(first.executionId());
		assertThat(this.registry.idempotencyKeys()).isEqualTo(1);
	}

	@Test
	void keysOfForgottenExecutionsAreDroppedAsNewKeysArrive() {
		for (int i = 0; i < 3; i++) {
			GraphExecution execution = this.registry
				.start("quick", Map.of(), null, new IdempotencyKey("address:10.0.0.1", "executions", "old-" + i))
				.execution();
			execution.result().block(TIMEOUT);
		}
		this.clock.advance(RETENTION.plusSeconds(1));
		this.executions.evictExpired();

		this.registry.start("quick", Map.of(), null, new IdempotencyKey("address:10.0.0.1", "executions", "new"));

		assertThat(this.registry.idempotencyKeys()).isEqualTo(1);
	}

	@Test
	void atMostMaxKeysAreKeptAndTheOldestIsForgottenFirst() {
		IdempotencyKeys keys = new IdempotencyKeys(3, this.executions::lookup);
		List<GraphExecution> started = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			started.add(keys.start("quick", null, new IdempotencyKey("c", "executions", "k" + i), Map.of(),
					() -> this.registry.start("quick", Map.of())).execution());
		}

		assertThat(keys.size()).isEqualTo(3);
		assertThat(keys.start("quick", null, new IdempotencyKey("c", "executions", "k3"), Map.of(),
				() -> this.registry.start("quick", Map.of())).execution()).as("the newest key").isSameAs(started.get(3));
		IdempotentStart oldest = keys.start("quick", null, new IdempotencyKey("c", "executions", "k0"), Map.of(),
				() -> this.registry.start("quick", Map.of()));
		assertThat(oldest.replayed()).as("the oldest key was forgotten").isFalse();
		assertThat(oldest.execution()).isNotSameAs(started.get(0));
	}

	@Test
	void concurrentRequestsWithOneKeyStartOneExecution() throws Exception {
		IdempotencyKey key = new IdempotencyKey("address:10.0.0.1", "executions", "racing");
		CountDownLatch go = new CountDownLatch(1);
		List<CompletableFuture<GraphExecution>> requests = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			requests.add(CompletableFuture.supplyAsync(() -> {
				await(go);
				return this.registry.start("quick", Map.of(), null, key).execution();
			}, this.threads));
		}

		go.countDown();

		List<String> ids = new ArrayList<>();
		for (CompletableFuture<GraphExecution> request : requests) {
			ids.add(request.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).executionId());
		}
		assertThat(ids).hasSize(8).containsOnly(ids.get(0));
		assertThat(this.executions.executions()).hasSize(1);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static StreamingGraphExecutor graph(String id) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(id, id);
		executor.addNode(GraphNode.async("work", (state, context) -> Mono.just(Map.<String, Object>of("done", true))));
		executor.setStartNode("work");
		return executor;
	}

}
