package io.graphstreaming.spring.actuate;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.ExecutionLimitExceededException;
import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.spring.web.StreamLimiter;
import io.graphstreaming.spring.web.TooManyStreamsException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Tests for {@link GraphStreamingHealthIndicator}: down exactly while the execution or
 * the stream limit is reached, with the counts and limits as details.
 */
class GraphStreamingHealthIndicatorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ExecutionRegistry executions = new ExecutionRegistry(2, Duration.ofMinutes(1), Clock.systemUTC());

	private final StreamLimiter streams = new StreamLimiter(2, Duration.ofSeconds(1));

	private final StreamingGraphExecutor slow = slowGraph();

	@AfterEach
	void cancelExecutions() {
		this.executions.cancelAll("test ended");
	}

	@Test
	void constructorShouldRequireTheExecutionRegistry() {
		assertThatNullPointerException().isThrownBy(() -> new GraphStreamingHealthIndicator(null, this.streams))
			.withMessage("executions");
	}

	@Test
	void healthShouldBeUpBelowTheLimitsWithCountsAndLimits() {
		Health health = new GraphStreamingHealthIndicator(this.executions, this.streams).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsExactlyInAnyOrderEntriesOf(Map.of("activeExecutions", 0,
				"maxConcurrentExecutions", 2, "openStreams", 0, "maxConcurrentStreams", 2));
	}

	@Test
	void healthWithoutStreamLimiterShouldReportExecutionsOnly() {
		Health health = new GraphStreamingHealthIndicator(this.executions, null).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails())
			.containsExactlyInAnyOrderEntriesOf(Map.of("activeExecutions", 0, "maxConcurrentExecutions", 2));
	}

	@Test
	void healthShouldBeDownWhileTheExecutionLimitIsReachedAndUpAgainAfter() {
		GraphStreamingHealthIndicator indicator = new GraphStreamingHealthIndicator(this.executions, this.streams);
		GraphExecution first = create();
		Health belowLimit = indicator.health();
		assertThat(belowLimit.getStatus()).isEqualTo(Status.UP);
		assertThat(belowLimit.getDetails()).containsEntry("activeExecutions", 1);
		GraphExecution second = create().start();
		assertThatExceptionOfType(ExecutionLimitExceededException.class).isThrownBy(this::create);
		Health atLimit = indicator.health();
		assertThat(atLimit.getStatus()).isEqualTo(Status.DOWN);
		assertThat(atLimit.getDetails()).containsEntry("activeExecutions", 2)
			.containsEntry("maxConcurrentExecutions", 2)
			.containsEntry("reason", "concurrent execution limit reached");
		second.cancel("test");
		second.result().block(TIMEOUT);
		Health afterCancel = indicator.health();
		assertThat(afterCancel.getStatus()).isEqualTo(Status.UP);
		assertThat(afterCancel.getDetails()).containsEntry("activeExecutions", 1).doesNotContainKey("reason");
		first.cancel("test");
		assertThat(indicator.health().getDetails()).containsEntry("activeExecutions", 0);
	}

	@Test
	void healthShouldBeDownWhileTheStreamLimitIsReachedAndUpAgainAfter() {
		GraphStreamingHealthIndicator indicator = new GraphStreamingHealthIndicator(this.executions, this.streams);
		StreamLimiter.Permit sse = this.streams.acquire("sse");
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		StreamLimiter.Permit websocket = this.streams.acquire("websocket");
		assertThatExceptionOfType(TooManyStreamsException.class).isThrownBy(() -> this.streams.acquire("sse"));
		Health atLimit = indicator.health();
		assertThat(atLimit.getStatus()).isEqualTo(Status.DOWN);
		assertThat(atLimit.getDetails()).containsEntry("openStreams", 2)
			.containsEntry("maxConcurrentStreams", 2)
			.containsEntry("activeExecutions", 0)
			.containsEntry("reason", "concurrent stream limit reached");
		websocket.release();
		Health afterRelease = indicator.health();
		assertThat(afterRelease.getStatus()).isEqualTo(Status.UP);
		assertThat(afterRelease.getDetails()).containsEntry("openStreams", 1).doesNotContainKey("reason");
		sse.release();
	}

	@Test
	void healthAtBothLimitsShouldNameTheExecutionLimit() {
		GraphStreamingHealthIndicator indicator = new GraphStreamingHealthIndicator(this.executions, this.streams);
		create();
		create();
		this.streams.acquire("sse");
		this.streams.acquire("sse");
		Health health = indicator.health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason", "concurrent execution limit reached");
	}

	private GraphExecution create() {
		return this.executions.create(this.slow, Map.of(), StreamingExecutionOptions.defaults());
	}

	private static StreamingGraphExecutor slowGraph() {
		StreamingGraphExecutor graph = new StreamingGraphExecutor("slow", "waits until cancelled");
		graph.addNode(GraphNode.async("wait", (state, context) -> Mono.never())).setStartNode("wait");
		return graph;
	}

}
