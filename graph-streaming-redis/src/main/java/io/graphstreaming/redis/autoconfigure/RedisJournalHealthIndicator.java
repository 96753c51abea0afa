package io.graphstreaming.redis.autoconfigure;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import io.graphstreaming.redis.RedisConnections;
import io.graphstreaming.redis.registry.RedisExecutionSharing;

/**
 * DOWN while Redis does not answer a {@code PING} within the timeout: executions running
 * here are then paused (their events wait for Redis) and other instances' executions
 * cannot be found. Details: the instance id, the executions it owns and where Redis is
 * (host, port, database; never credentials).
 */
class RedisJournalHealthIndicator extends AbstractHealthIndicator {

	private final RedisConnections connections;

	private final RedisExecutionSharing sharing;

	private final Duration timeout;

	RedisJournalHealthIndicator(RedisConnections connections, RedisExecutionSharing sharing, Duration timeout) {
		super("Redis journal health check failed");
		this.connections = connections;
		this.sharing = sharing;
		this.timeout = timeout;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		builder.withDetail("redis", this.connections.describe())
			.withDetail("instance", this.sharing.instanceId())
			.withDetail("ownedExecutions", this.sharing.ownedExecutions().size());
		String pong;
		try {
			pong = this.connections.strings()
				.async()
				.ping()
				.toCompletableFuture()
				.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			// expected while Redis is down: DOWN with the reason, not a logged stack trace per request
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			builder.down().withDetail("error", cause.getClass().getSimpleName() + ": " + cause.getMessage());
			return;
		}
		if ("PONG".equals(pong)) {
			builder.up();
		}
		else {
			builder.down().withDetail("answer", pong);
		}
	}

}
