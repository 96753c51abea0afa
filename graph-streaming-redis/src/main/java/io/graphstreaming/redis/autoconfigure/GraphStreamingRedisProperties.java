package io.graphstreaming.redis.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Redis settings of the shared journal, used when
 * {@code graph.streaming.journal.type=redis}. The journal's retention and length come
 * from {@code graph.streaming.journal.retention} and {@code max-events} (and their
 * per-graph overrides), which Redis enforces by expiry and trimming.
 */
@ConfigurationProperties("graph.streaming.journal.redis")
public class GraphStreamingRedisProperties {

	/**
	 * Redis URL (redis:// or rediss://, with credentials and database if needed).
	 */
	private String url = "redis://localhost:6379";

	/**
	 * Prefix of every key and channel; instances sharing executions use the same one.
	 */
	private String keyPrefix = "graph-streaming";

	/**
	 * This instance's id among those sharing the prefix; default: host name, process id
	 * and a random suffix.
	 */
	private @Nullable String instanceId;

	/**
	 * How long an owner's lease lasts without renewal; another instance takes over its
	 * executions after this long without renewal.
	 */
	private Duration lease = Duration.ofSeconds(10);

	/**
	 * Longest time one Redis command may take; lookups that need Redis answer 503 after
	 * it.
	 */
	private Duration commandTimeout = Duration.ofSeconds(5);

	/**
	 * First delay before retrying a failed Redis write or read; doubles up to
	 * max-retry-delay.
	 */
	private Duration minRetryDelay = Duration.ofMillis(100);

	/**
	 * Longest delay between retries while Redis is unreachable.
	 */
	private Duration maxRetryDelay = Duration.ofSeconds(2);

	/**
	 * How long checkpoints stay in Redis after an execution's newest one (when
	 * graph.streaming.checkpoints.store=redis).
	 */
	private Duration checkpointRetention = Duration.ofHours(24);

	public String getUrl() {
		return this.url;
	}

	public void setUrl(String url) {
		this.url = url;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public @Nullable String getInstanceId() {
		return this.instanceId;
	}

	public void setInstanceId(@Nullable String instanceId) {
		this.instanceId = instanceId;
	}

	public Duration getLease() {
		return this.lease;
	}

	public void setLease(Duration lease) {
		this.lease = lease;
	}

	public Duration getCommandTimeout() {
		return this.commandTimeout;
	}

	public void setCommandTimeout(Duration commandTimeout) {
		this.commandTimeout = commandTimeout;
	}

	public Duration getMinRetryDelay() {
		return this.minRetryDelay;
	}

	public void setMinRetryDelay(Duration minRetryDelay) {
		this.minRetryDelay = minRetryDelay;
	}

	public Duration getMaxRetryDelay() {
		return this.maxRetryDelay;
	}

	public void setMaxRetryDelay(Duration maxRetryDelay) {
		this.maxRetryDelay = maxRetryDelay;
	}

	public Duration getCheckpointRetention() {
		return this.checkpointRetention;
	}

	public void setCheckpointRetention(Duration checkpointRetention) {
		this.checkpointRetention = checkpointRetention;
	}

}
