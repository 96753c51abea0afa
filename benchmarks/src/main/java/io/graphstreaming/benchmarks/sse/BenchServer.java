package io.graphstreaming.benchmarks.sse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark application as a process of its own, for load scripts that must not
 * share a heap (or a file-descriptor limit) with their client. Arguments are
 * {@code --key=value} properties on top of {@link SseBenchmarkApplication#defaultProperties()}.
 * Prints {@code PORT=<port>} once listening on 127.0.0.1. Stops by itself when its
 * standard input closes (the parent script ended or died) or after
 * {@code --bench.max-lifetime-minutes} (default 30).
 */
public final class BenchServer {

	private BenchServer() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, Object> properties = SseBenchmarkApplication.defaultProperties();
		long lifetimeMinutes = 30;
		for (String arg : args) {
			if (!arg.startsWith("--") || !arg.contains("=")) {
				throw new IllegalArgumentException("Expected --key=value but got " + arg);
			}
			String key = arg.substring(2, arg.indexOf('='));
			String value = arg.substring(arg.indexOf('=') + 1);
			if (key.equals("bench.max-lifetime-minutes")) {
				lifetimeMinutes = Long.parseLong(value);
			}
			else {
				properties.put(key, value);
			}
		}
		if (!"127.0.0.1".equals(properties.get("server.address"))) {
			throw new IllegalArgumentException("The benchmark server only listens on 127.0.0.1");
		}
		SseBenchmarkApplication.Server server = SseBenchmarkApplication.start(properties);
		System.out.println("PORT=" + server.port());
		System.out.flush();
		Thread watchdog = new Thread(() -> {
			try (InputStream in = System.in) {
				while (in.read() >= 0) {
					// the parent writes nothing; EOF means it is gone
				}
			}
			catch (IOException ex) {
				// treat as EOF
			}
			System.exit(0);
		}, "bench-server-stdin-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
		TimeUnit.MINUTES.sleep(lifetimeMinutes);
		System.err.println("bench server: maximum lifetime reached, stopping");
		System.exit(0);
	}

}
