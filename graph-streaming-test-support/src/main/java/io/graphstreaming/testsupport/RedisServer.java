package io.graphstreaming.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} (the Debian package; {@code .ci/run} installs it) started
 * by a test on a free port, in its own directory, with the append-only file on, so that
 * a {@link #restart()} keeps what was written (as a production Redis with persistence
 * would). No Docker needed.
 */
public final class RedisServer implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private final Path directory;

	private final int port;

	private final List<String> extraArguments;

	private Process process;

	private RedisServer(Path directory, int port, List<String> extraArguments) throws IOException {
		this.directory = directory;
		this.port = port;
		this.extraArguments = extraArguments;
		this.process = launch();
	}

	/**
	 * Starts a server on a free port.
	 * @return the running server
	 */
	public static RedisServer start() {
		return start(new String[0]);
	}

	/**
	 * Starts a server on a free port with more {@code redis-server} arguments, which
	 * override the defaults (for example {@code "--appendfsync", "everysec"}).
	 * @param extraArguments the arguments
	 * @return the running server
	 */
	public static RedisServer start(String... extraArguments) {
		try {
			Path directory = Files.createTempDirectory("graph-streaming-redis-");
			return new RedisServer(directory, freePort(), List.of(extraArguments));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start redis-server (is the redis-server package installed? "
					+ ".ci/run installs it): " + ex.getMessage(), ex);
		}
	}

	/**
	 * The port it listens on.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * A URL for clients.
	 * @return {@code redis://127.0.0.1:<port>}
	 */
	public String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	/**
	 * Stops the server as an operator would ({@code SHUTDOWN}, which writes the
	 * append-only file), then starts it again on the same port and directory.
	 * @param downtime how long it stays down
	 */
	public void restart(Duration downtime) {
		stop();
		try {
			Thread.sleep(downtime.toMillis());
			this.process = launch();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not restart redis-server: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Stops the server ({@code SHUTDOWN}); {@link #restart(Duration)} brings it back.
	 */
	public void stop() {
		try {
			command("SHUTDOWN");
		}
		catch (IOException ex) {
			// already gone, or closing the connection as it shuts down
		}
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Sends one inline command and returns the first reply line.
	 * @param command e.g. {@code FLUSHALL}
	 * @return the reply line
	 * @throws IOException if the server cannot be reached
	 */
	public String command(String command) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			StringBuilder line = new StringBuilder();
			int read;
			while ((read = in.read()) != -1 && read != '\n') {
				if (read != '\r') {
					line.append((char) read);
				}
			}
			return line.toString();
		}
	}

	private Process launch() throws IOException {
		List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(this.port),
				"--bind", "127.0.0.1", "--dir", this.directory.toString(), "--appendonly", "yes", "--appendfsync",
				"always", "--save", "", "--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning"));
		command.addAll(this.extraArguments);
		Process started = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.directory.resolve("redis.log").toFile())
			.start();
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!started.isAlive()) {
				throw new IOException("redis-server exited with " + started.exitValue() + ": " + log());
			}
			try {
				if ("+PONG".equals(command("PING"))) {
					return started;
				}
			}
			catch (IOException ex) {
				// not listening yet, or still loading the append-only file
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		started.destroyForcibly();
		throw new IOException("redis-server did not answer PING within " + START_TIMEOUT + ": " + log());
	}

	private String log() {
		try {
			return Files.readString(this.directory.resolve("redis.log"));
		}
		catch (IOException ex) {
			return "(no log)";
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
	}

	/**
	 * Stops the server and deletes its directory.
	 */
	@Override
	public void close() {
		stop();
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// a temporary directory; the OS cleans it eventually
		}
	}

}
