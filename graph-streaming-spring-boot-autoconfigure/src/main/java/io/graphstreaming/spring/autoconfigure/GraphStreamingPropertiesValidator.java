package io.graphstreaming.spring.autoconfigure;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Checks the {@code graph.streaming} values that configure beans rather than execution
 * options (those go through the options builder), so that a bad value fails start-up
 * with a message naming its key instead of a constructor's message, and refuses the
 * per-graph keys that cannot apply to one graph.
 */
final class GraphStreamingPropertiesValidator {

	private static final String PREFIX = "graph.streaming.";

	/**
	 * The largest WebSocket message limit: frames are aggregated up to twice the limit,
	 * which must stay within an int.
	 */
	static final DataSize MAX_WEBSOCKET_MESSAGE_SIZE = DataSize.ofMegabytes(512);

	private GraphStreamingPropertiesValidator() {
	}

	static void validate(GraphStreamingProperties properties) {
		GraphStreamingProperties.Execution execution = properties.getExecution();
		positive("execution.max-concurrent", execution.getMaxConcurrent());
		positive("execution.unconsumed-timeout", execution.getUnconsumedTimeout());
		GraphStreamingProperties.Web web = properties.getWeb();
		positive("web.max-concurrent-streams", web.getMaxConcurrentStreams());
		positive("web.max-concurrent-streams-per-client", web.getMaxConcurrentStreamsPerClient());
		positive("web.max-executions-per-minute-per-client", web.getMaxExecutionsPerMinutePerClient());
		positive("web.max-input-depth", web.getMaxInputDepth());
		positive("web.max-input-elements", web.getMaxInputElements());
		positive("web.websocket-max-sessions", web.getWebsocketMaxSessions());
		positive("web.websocket-max-sessions-per-client", web.getWebsocketMaxSessionsPerClient());
		positive("web.max-request-body", web.getMaxRequestBody());
		positive("web.websocket-max-message-size", web.getWebsocketMaxMessageSize());
		atMost("web.websocket-max-message-size", web.getWebsocketMaxMessageSize(), MAX_WEBSOCKET_MESSAGE_SIZE);
		positive("web.poll-max-events", web.getPollMaxEvents());
		positive("web.retry-after", web.getRetryAfter());
		notNegative("web.long-poll-max-wait", web.getLongPollMaxWait());
		notNegative("web.websocket-ping-interval", web.getWebsocketPingInterval());
		String basePath = web.getBasePath();
		if (basePath == null || basePath.chars().anyMatch((c) -> Character.isWhitespace(c) || c == '{' || c == '}'
				|| c == '?' || c == '#' || c == '*')) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "web.base-path", basePath,
					"must be a plain path such as /graphs (no spaces, wildcards, braces, '?' or '#')");
		}
		validateCors(web.getCors());
		notNegative("shutdown.await", properties.getShutdown().getAwait());
		for (Duration bucket : properties.getMetrics().getDurationBuckets()) {
			positive("metrics.duration-buckets", bucket);
		}
		String adminRole = properties.getSecurity().getAdminRole();
		if (adminRole == null || adminRole.chars().anyMatch(Character::isWhitespace)) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "security.admin-role", adminRole,
					"must be a role name such as GRAPH_ADMIN without spaces, or empty for no admin role");
		}
		GraphStreamingProperties.Checkpoints checkpoints = properties.getCheckpoints();
		positive("checkpoints.every-nodes", checkpoints.getEveryNodes());
		positive("checkpoints.max-per-execution", checkpoints.getMaxPerExecution());
		if (checkpoints.getStore() == GraphStreamingProperties.Checkpoints.StoreType.FILE
				&& (checkpoints.getDirectory() == null || checkpoints.getDirectory().toString().isBlank())) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "checkpoints.directory",
					checkpoints.getDirectory(), "must be set for the file store");
		}
		properties.getGraphs().forEach(GraphStreamingPropertiesValidator::validateGraph);
	}

	/**
	 * Refuses the per-graph keys that bind but configure something all graphs share, so
	 * that setting one fails start-up rather than being ignored.
	 */
	private static void validateGraph(String graphId, GraphStreamingProperties.GraphOverrides graph) {
		notPerGraph(graphId, "memory-mapped-buffers.max-total-bytes", graph.getMemoryMappedBuffers().getMaxTotalBytes(),
				"the budget of all executions of the JVM together");
		notPerGraph(graphId, "metrics.duration-buckets", graph.getMetrics().getDurationBuckets(),
				"the Micrometer timers of all graphs share one set of buckets");
	}

	private static void notPerGraph(String graphId, String key, @Nullable Object value, String why) {
		if (value != null) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "graphs." + graphId + "." + key, value,
					"cannot be set per graph (" + why + "); set " + PREFIX + key + " instead");
		}
	}

	private static void validateCors(GraphStreamingProperties.Web.Cors cors) {
		notBlank("web.cors.allowed-origins", cors.getAllowedOrigins());
		notBlank("web.cors.allowed-origin-patterns", cors.getAllowedOriginPatterns());
		notBlank("web.cors.allowed-methods", cors.getAllowedMethods());
		notBlank("web.cors.allowed-headers", cors.getAllowedHeaders());
		notBlank("web.cors.exposed-headers", cors.getExposedHeaders());
		notNegative("web.cors.max-age", cors.getMaxAge());
		if (cors.isAllowCredentials() && cors.getAllowedOrigins().contains("*")) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "web.cors.allowed-origins",
					String.join(",", cors.getAllowedOrigins()),
					"must name origins rather than '*' when web.cors.allow-credentials is true"
							+ " (or use web.cors.allowed-origin-patterns)");
		}
	}

	private static void notBlank(String key, List<String> values) {
		if (values == null || values.stream().anyMatch((value) -> value == null || value.isBlank())) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + key, values, "must not contain blank entries");
		}
	}

	private static void positive(String key, int value) {
		if (value <= 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + key, value, "must be strictly positive");
		}
	}

	private static void positive(String key, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + key, value, "must be strictly positive");
		}
	}

	private static void notNegative(String key, Duration value) {
		if (value == null || value.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + key, value, "must not be negative");
		}
	}

	private static void atMost(String key, DataSize value, DataSize max) {
		if (value.toBytes() > max.toBytes()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + key, value, "must be at most " + (max.toBytes() / DataSize.ofMegabytes(1).toBytes()) + "MB");
		}
	}

	private static void positive(String key, DataSize value) {
		if (value == null || value.toBytes() <= 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + key, value, "must be strictly positive");
		}
	}

}
