package io.graphstreaming.redis;

import java.time.Duration;
import java.util.Objects;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * The Lettuce client and the connections the module uses: one for commands with string
 * values (registry, leases, indexes), one for commands with binary values (events,
 * checkpoints), one kept for the journal tailer's blocking {@code XREAD} (a blocked
 * connection serves nobody else) and one for pub/sub.
 *
 * <p>While Redis is unreachable, commands fail at once ({@code REJECT_COMMANDS}) rather
 * than queue: each caller has its own retry (the journal writer backs off and pauses its
 * execution, the health indicator reports DOWN), and nothing piles up in memory. Lettuce
 * reconnects by itself.
 */
public final class RedisConnections implements AutoCloseable {

	private static final RedisCodec<String, byte[]> BINARY = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

	private final RedisClient client;

	private final StatefulRedisConnection<String, String> strings;

	private final StatefulRedisConnection<String, byte[]> binary;

	private final StatefulRedisConnection<String, byte[]> blocking;

	private final StatefulRedisPubSubConnection<String, String> pubSub;

	private final String redacted;

	/**
	 * Connects.
	 * @param url a {@code redis://} (or {@code rediss://}) URL
	 * @param commandTimeout how long one command may take
	 */
	public RedisConnections(String url, Duration commandTimeout) {
		Objects.requireNonNull(url, "url");
		RedisURI uri = RedisURI.create(url);
		uri.setTimeout(commandTimeout);
		this.redacted = uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
		this.client = RedisClient.create(uri);
		this.client.setOptions(ClientOptions.builder()
			.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.timeoutOptions(TimeoutOptions.enabled(commandTimeout))
			.build());
		try {
			this.strings = this.client.connect(StringCodec.UTF8);
			this.binary = this.client.connect(BINARY);
			this.blocking = this.client.connect(BINARY);
			this.pubSub = this.client.connectPubSub(StringCodec.UTF8);
		}
		catch (RuntimeException ex) {
			this.client.shutdown();
			throw ex;
		}
	}

	public StatefulRedisConnection<String, String> strings() {
		return this.strings;
	}

	public StatefulRedisConnection<String, byte[]> binary() {
		return this.binary;
	}

	public StatefulRedisConnection<String, byte[]> blocking() {
		return this.blocking;
	}

	public StatefulRedisPubSubConnection<String, String> pubSub() {
		return this.pubSub;
	}

	/**
	 * Where it connects, without credentials.
	 * @return host, port and database
	 */
	public String describe() {
		return this.redacted;
	}

	@Override
	public void close() {
		this.pubSub.close();
		this.blocking.close();
		this.binary.close();
		this.strings.close();
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
	}

}
