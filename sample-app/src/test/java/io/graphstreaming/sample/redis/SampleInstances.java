package io.graphstreaming.sample.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.graphstreaming.sample.SampleApplication;
import io.graphstreaming.testsupport.RedisServer;

/**
 * Instances of the sample app in the {@code redis} profile, each a Spring application of
 * its own on a random port, in this JVM, all sharing one test Redis under a key prefix
 * of their own (so test classes do not see each other's executions).
 */
final class SampleInstances implements AutoCloseable {

	private final RedisServer redis;

	private final String keyPrefix;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	SampleInstances(RedisServer redis, String keyPrefix) {
		this.redis = redis;
		this.keyPrefix = keyPrefix;
	}

	/**
	 * Starts one more instance.
	 * @param name its instance id
	 * @param extra more properties
	 * @return its base URL, {@code http://localhost:<port>}
	 */
	String start(String name, String... extra) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.port", "0");
		properties.put("graph.streaming.journal.redis.url", this.redis.url());
		properties.put("graph.streaming.journal.redis.key-prefix", this.keyPrefix);
		properties.put("graph.streaming.journal.redis.instance-id", name);
		properties.put("graph.streaming.journal.redis.lease", "1500ms");
		properties.put("graph.streaming.web.max-executions-per-minute-per-client", "100000");
		properties.put("spring.main.banner-mode", "off");
		// as arguments: they outrank application-redis.yml (default properties would not)
		List<String> args = new ArrayList<>();
		properties.forEach((key, value) -> args.add("--" + key + "=" + value));
		for (String property : extra) {
			args.add("--" + property);
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.profiles("redis")
			.run(args.toArray(String[]::new));
		this.contexts.add(context);
		return "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
	}

	ConfigurableApplicationContext context(int index) {
		return this.contexts.get(index);
	}

	@Override
	public void close() {
		for (ConfigurableApplicationContext context : this.contexts) {
			if (context.isActive()) {
				context.close();
			}
		}
	}

}
