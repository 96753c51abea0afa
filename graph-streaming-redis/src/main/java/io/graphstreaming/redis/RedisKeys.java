package io.graphstreaming.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The names of everything graph-streaming keeps in Redis, under one prefix so that
 * several applications (or test runs) can share a server.
 *
 * <ul>
 * <li>{@code <prefix>:events:<executionId>}: the execution's journal, a stream whose
 * entry ids are {@code 0-<sequence>};</li>
 * <li>{@code <prefix>:execution:<executionId>}: the registry hash (graph, status,
 * instance, owner, times);</li>
 * <li>{@code <prefix>:running}: the set of executions not yet ended;</li>
 * <li>{@code <prefix>:lease:<executionId>}: the owning instance, with the lease as TTL;</li>
 * <li>{@code <prefix>:checkpoint:<checkpointId>} and
 * {@code <prefix>:checkpoints:<executionId>}: checkpoints and each execution's index;</li>
 * <li>{@code <prefix>:idempotency:<sha256>}: the execution an {@code Idempotency-Key}
 * started and its input's digest, named by the SHA-256 of the scoped key (which names
 * the client), with the journal retention as TTL;</li>
 * <li>{@code <prefix>:control}: the pub/sub channel carrying cancel requests.</li>
 * </ul>
 */
public final class RedisKeys {

	private final String prefix;

	/**
	 * Keys under a prefix.
	 * @param prefix the prefix, not blank
	 */
	public RedisKeys(String prefix) {
		Objects.requireNonNull(prefix, "prefix");
		if (prefix.isBlank()) {
			throw new IllegalArgumentException("The Redis key prefix must not be blank");
		}
		this.prefix = prefix;
	}

	public String prefix() {
		return this.prefix;
	}

	public String events(String executionId) {
		return this.prefix + ":events:" + executionId;
	}

	public String execution(String executionId) {
		return this.prefix + ":execution:" + executionId;
	}

	public String running() {
		return this.prefix + ":running";
	}

	public String lease(String executionId) {
		return this.prefix + ":lease:" + executionId;
	}

	public String checkpoint(String checkpointId) {
		return this.prefix + ":checkpoint:" + checkpointId;
	}

	public String checkpoints(String executionId) {
		return this.prefix + ":checkpoints:" + executionId;
	}

	public String control() {
		return this.prefix + ":control";
	}

	/**
	 * The key recording what an idempotency key started: named by a digest, so that the
	 * client a scoped key names is not stored in clear and the name's length is bounded.
	 * @param scopedKey the idempotency key with its client, graph and kind of start
	 * @return {@code <prefix>:idempotency:<SHA-256 of the scoped key, in hex>}
	 */
	public String idempotencyKey(String scopedKey) {
		MessageDigest digest;
		try {
			digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
		byte[] hash = digest.digest(scopedKey.getBytes(StandardCharsets.UTF_8));
		return this.prefix + ":idempotency:" + HexFormat.of().formatHex(hash);
	}

	/**
	 * The execution id of an events key of this prefix.
	 * @param eventsKey a key made by {@link #events(String)}
	 * @return the execution id
	 */
	public String executionOfEvents(String eventsKey) {
		return eventsKey.substring(this.prefix.length() + ":events:".length());
	}

	/**
	 * The stream entry id of a sequence.
	 * @param sequence the sequence, strictly positive
	 * @return {@code 0-<sequence>}
	 */
	public static String entryId(long sequence) {
		return "0-" + sequence;
	}

	/**
	 * The sequence of a stream entry id written by this module.
	 * @param entryId {@code 0-<sequence>}
	 * @return the sequence
	 */
	public static long sequenceOf(String entryId) {
		int dash = entryId.indexOf('-');
		return Long.parseLong(entryId.substring(dash + 1));
	}

}
