package io.graphstreaming.spring.actuate;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.spring.web.StreamLimiter;

/**
 * Health of graph streaming: {@code DOWN} while no new work can be accepted, that is
 * while the concurrent-execution limit or the concurrent-stream limit is reached, so a
 * load balancer can send new clients elsewhere. Details carry the counts and limits.
 */
public class GraphStreamingHealthIndicator extends AbstractHealthIndicator {

	private final ExecutionRegistry executions;

	private final @Nullable StreamLimiter streams;

	/**
	 * Creates the indicator.
	 * @param executions the execution registry
	 * @param streams the stream limiter, or {@code null} without web transports
	 */
	public GraphStreamingHealthIndicator(ExecutionRegistry executions, @Nullable StreamLimiter streams) {
		super("Graph streaming health check failed");
		this.executions = Objects.requireNonNull(executions, "executions");
		this.streams = streams;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		int active = this.executions.activeCount();
		int maxExecutions = this.executions.maxConcurrentExecutions();
		boolean executionsFull = active >= maxExecutions;
		builder.withDetail("activeExecutions", active).withDetail("maxConcurrentExecutions", maxExecutions);
		boolean streamsFull = false;
		StreamLimiter limiter = this.streams;
		if (limiter != null) {
			int open = limiter.openStreams();
			streamsFull = open >= limiter.maxConcurrentStreams();
			builder.withDetail("openStreams", open).withDetail("maxConcurrentStreams", limiter.maxConcurrentStreams());
		}
		if (executionsFull || streamsFull) {
			builder.down()
				.withDetail("reason", executionsFull ? "concurrent execution limit reached"
						: "concurrent stream limit reached");
		}
		else {
			builder.up();
		}
	}

}
