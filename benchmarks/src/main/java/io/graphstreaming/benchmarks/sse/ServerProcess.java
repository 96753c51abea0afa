package io.graphstreaming.benchmarks.sse;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts {@link BenchServer} in a child JVM with this process's class path and stops it
 * on {@link #close()} (it also stops by itself if this process dies: its standard input
 * closes).
 */
final class ServerProcess implements AutoCloseable {

	private static final Pattern HEAP = Pattern.compile("\"heapUsed\"\\s*:\\s*(\\d+)");

	private final Process process;

	private final int port;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	ServerProcess(List<String> jvmOptions, List<String> properties) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(BenchServer.class.getName());
		command.addAll(properties);
		this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		BufferedReader out = new BufferedReader(new InputStreamReader(this.process.getInputStream(),
				StandardCharsets.UTF_8));
		String line;
		int found = -1;
		while ((line = out.readLine()) != null) {
			if (line.startsWith("PORT=")) {
				found = Integer.parseInt(line.substring(5).trim());
				break;
			}
		}
		if (found < 0) {
			this.process.destroyForcibly();
			throw new IllegalStateException("The benchmark server did not start");
		}
		this.port = found;
		Thread drain = new Thread(() -> {
			try {
				while (out.readLine() != null) {
					// discard
				}
			}
			catch (IOException ex) {
				// the process ended
			}
		}, "bench-server-stdout");
		drain.setDaemon(true);
		drain.start();
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	long pid() {
		return this.process.pid();
	}

	/**
	 * The server's heap in use after full collections.
	 */
	long heapAfterGc() throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create(baseUrl() + "/bench/heap")).timeout(Duration.ofMinutes(1)).build(),
				HttpResponse.BodyHandlers.ofString());
		Matcher matcher = HEAP.matcher(response.body());
		if (response.statusCode() != 200 || !matcher.find()) {
			throw new IllegalStateException("/bench/heap answered " + response.statusCode() + " " + response.body());
		}
		return Long.parseLong(matcher.group(1));
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

}
