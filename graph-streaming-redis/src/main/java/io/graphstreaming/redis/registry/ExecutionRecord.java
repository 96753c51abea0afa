package io.graphstreaming.redis.registry;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * An execution as the Redis registry records it: one hash per execution.
 *
 * @param executionId the id
 * @param graphId the graph
 * @param status {@code created}, {@code running}, {@code completed}, {@code failed} or
 * {@code cancelled}, as last recorded
 * @param instance the instance that owns (or last owned) the run
 * @param owner the principal that started it, or {@code null}
 * @param createdAt when it was created
 * @param resumedFrom the checkpoint it resumed from, or {@code null}
 * @param cancelRequested the reason of a cancel asked for on any instance, or {@code null}
 */
public record ExecutionRecord(String executionId, String graphId, String status, String instance,
		@Nullable String owner, Instant createdAt, @Nullable String resumedFrom, @Nullable String cancelRequested) {

	static final String GRAPH = "graph";

	static final String STATUS = "status";

	static final String INSTANCE = "instance";

	static final String OWNER = "owner";

	static final String CREATED_AT = "createdAt";

	static final String RESUMED_FROM = "resumedFrom";

	static final String CANCEL = "cancel";

	static final String STARTED_AT = "startedAt";

	static final String FINISHED_AT = "finishedAt";

	public ExecutionRecord {
		Objects.requireNonNull(executionId, "executionId");
		Objects.requireNonNull(graphId, "graphId");
		Objects.requireNonNull(status, "status");
		Objects.requireNonNull(instance, "instance");
		Objects.requireNonNull(createdAt, "createdAt");
	}

	Map<String, String> toHash() {
		Map<String, String> hash = new LinkedHashMap<>();
		hash.put(GRAPH, this.graphId);
		hash.put(STATUS, this.status);
		hash.put(INSTANCE, this.instance);
		hash.put(CREATED_AT, Long.toString(this.createdAt.toEpochMilli()));
		if (this.owner != null) {
			hash.put(OWNER, this.owner);
		}
		if (this.resumedFrom != null) {
			hash.put(RESUMED_FROM, this.resumedFrom);
		}
		return hash;
	}

	static @Nullable ExecutionRecord fromHash(String executionId, Map<String, String> hash) {
		String graph = hash.get(GRAPH);
		String created = hash.get(CREATED_AT);
		if (graph == null || created == null) {
			return null;
		}
		return new ExecutionRecord(executionId, graph, hash.getOrDefault(STATUS, "running"),
				hash.getOrDefault(INSTANCE, "unknown"), hash.get(OWNER), Instant.ofEpochMilli(Long.parseLong(created)),
				hash.get(RESUMED_FROM), hash.get(CANCEL));
	}

}
