package io.graphstreaming.core.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.graphstreaming.core.TestGraphs;
import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.options.StreamingExecutionOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What access rules rely on: an execution id cannot be guessed, and an execution knows
 * who started it.
 */
class ExecutionIdentityTests {

	private static final int EXECUTIONS = 10_000;

	private final StreamingGraphExecutor executor = TestGraphs.chain("identity", "a");

	private final StreamingExecutionOptions options = StreamingExecutionOptions.defaults();

	/**
	 * Version 4, IETF variant: 122 random bits from {@code UUID.randomUUID()}, whose
	 * generator is a {@code SecureRandom} (a CSPRNG); no id repeats.
	 */
	@Test
	void executionIdsAreDistinctRandomVersion4Uuids() {
		ExecutionRegistry registry = new ExecutionRegistry(EXECUTIONS, Duration.ofMinutes(1), Clock.systemUTC());
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < EXECUTIONS; i++) {
			String id = (i % 2 == 0) ? registry.create(this.executor, Map.of(), this.options).executionId()
					: this.executor.createExecution(Map.of(), this.options).executionId();
			UUID uuid = UUID.fromString(id);
			assertThat(uuid.version()).as(id).isEqualTo(4);
			assertThat(uuid.variant()).as(id).isEqualTo(2);
			assertThat(uuid.toString()).isEqualTo(id);
			assertThat(ids.add(id)).as("repeated id %s", id).isTrue();
		}
		assertThat(ids).hasSize(EXECUTIONS);
	}

	@Test
	void resumedExecutionGetsANewRandomId() {
		Checkpoint checkpoint = new Checkpoint("old-1", "old", "identity", "a", List.of("a"), Map.of(), 3, 1, Map.of(),
				Map.of(), Instant.now());

		GraphExecution resumed = this.executor.resumeExecution(checkpoint, this.options);

		assertThat(UUID.fromString(resumed.executionId()).version()).isEqualTo(4);
		assertThat(resumed.executionId()).isNotEqualTo(checkpoint.executionId());
	}

	@Test
	void registryRecordsTheOwnerOfCreatedAndResumedExecutions() {
		ExecutionRegistry registry = new ExecutionRegistry(10, Duration.ofMinutes(1), Clock.systemUTC());
		Checkpoint checkpoint = new Checkpoint("old-1", "old", "identity", "a", List.of("a"), Map.of(), 3, 1, Map.of(),
				Map.of(), Instant.now());

		GraphExecution alices = registry.create(this.executor, Map.of(), this.options, "alice");
		GraphExecution bobs = registry.resume(this.executor, checkpoint, this.options, "bob");

		assertThat(alices.owner()).isEqualTo("alice");
		assertThat(bobs.owner()).isEqualTo("bob");
		assertThat(registry.find(alices.executionId()).owner()).isEqualTo("alice");
	}

	@Test
	void executionsCreatedWithoutAnOwnerHaveNone() {
		ExecutionRegistry registry = new ExecutionRegistry(10, Duration.ofMinutes(1), Clock.systemUTC());
		Checkpoint checkpoint = new Checkpoint("old-1", "old", "identity", "a", List.of("a"), Map.of(), 3, 1, Map.of(),
				Map.of(), Instant.now());

		assertThat(registry.create(this.executor, Map.of(), this.options).owner()).isNull();
		assertThat(registry.resume(this.executor, checkpoint, this.options).owner()).isNull();
		assertThat(registry.create(this.executor, Map.of(), this.options, null).owner()).isNull();
		assertThat(this.executor.createExecution(Map.of(), this.options).owner()).isNull();
	}

}
