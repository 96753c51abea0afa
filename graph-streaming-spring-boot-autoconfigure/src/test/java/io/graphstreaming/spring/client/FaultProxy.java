package io.graphstreaming.spring.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 that breaks connections on purpose, between a client and a
 * real server. Every accepted connection gets a fate from a seeded {@link Random} (the
 * seed is logged and part of {@link #toString()}): when cutting is on, it is cut after a
 * random number of server-to-client bytes (and, more rarely, of client-to-server bytes),
 * by an abrupt reset or a plain close. The proxy can
 * also cut the answer to chosen requests (the request reaches the server, its answer
 * never reaches the client), stall the connections it has (stop forwarding without
 * closing them), refuse
 * WebSocket upgrades or event-stream requests as a proxy would (403 / 502), and stop
 * listening altogether.
 *
 * <p>Blocking sockets, two daemon threads per connection: simple, and plenty for tests.
 */
final class FaultProxy implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(FaultProxy.class.getName());

	private static final byte[] UPGRADE_REFUSED = answer("403 Forbidden", "Upgrade not allowed");

	private static final byte[] STREAM_REFUSED = answer("502 Bad Gateway", "Event streams not proxied");

	private final int targetPort;

	private final long seed;

	private final Random random;

	private final ServerSocket listener;

	private final Set<Link> links = ConcurrentHashMap.newKeySet();

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicInteger cuts = new AtomicInteger();

	private final AtomicLong downstreamBytes = new AtomicLong();

	private final Set<String> contentEncodings = ConcurrentHashMap.newKeySet();

	private volatile int meanCutBytes;

	private volatile boolean refuseUpgrades;

	private volatile boolean refuseEventStreams;

	private volatile String answerCutPrefix = "";

	private final AtomicInteger answersToCut = new AtomicInteger();

	/**
	 * Starts a proxy to a server on 127.0.0.1.
	 * @param targetPort the server's port
	 * @param seed the seed of every random decision
	 * @throws IOException if no port can be opened
	 */
	FaultProxy(int targetPort, long seed) throws IOException {
		this.targetPort = targetPort;
		this.seed = seed;
		this.random = new Random(seed);
		this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
		logger.log(Level.INFO, "Fault proxy on port " + port() + " to port " + targetPort + ", seed " + seed);
		Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-accept-" + port());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/** The port clients connect to. */
	int port() {
		return this.listener.getLocalPort();
	}

	/** The seed of this proxy's decisions. */
	long seed() {
		return this.seed;
	}

	/**
	 * Cuts every new connection after a random number of server-to-client bytes, drawn
	 * from an exponential distribution (a constant risk per byte, as on a flaky network):
	 * a long-lived connection, such as a pooled one carrying many polls, is cut too.
	 * One connection in eight is also cut after fewer than 400 client-to-server bytes.
	 */
	FaultProxy cutConnections(int meanBytes) {
		this.meanCutBytes = meanBytes;
		return this;
	}

	/** Answers requests that ask for a WebSocket upgrade with 403, as a refusing proxy does. */
	FaultProxy refuseUpgrades(boolean refuse) {
		this.refuseUpgrades = refuse;
		return this;
	}

	/** Answers requests that accept {@code text/event-stream} with 502. */
	FaultProxy refuseEventStreams(boolean refuse) {
		this.refuseEventStreams = refuse;
		return this;
	}

	/**
	 * Cuts the answers to the next {@code count} requests whose request line starts with
	 * {@code requestLinePrefix} (such as {@code POST /graphs/synthetic/executions}): each
	 * request is forwarded whole, and its connection is reset as soon as the server
	 * answers, so the server has acted on a request whose answer the client never gets.
	 */
	FaultProxy cutAnswers(String requestLinePrefix, int count) {
		this.answerCutPrefix = requestLinePrefix;
		this.answersToCut.set(count);
		return this;
	}

	/** Stops forwarding on every open connection, without closing any; new ones work. */
	int stallOpenConnections() {
		this.links.forEach((link) -> link.stalled = true);
		return this.links.size();
	}

	/** Cuts every open connection now, abruptly; new ones work. */
	int cutOpenConnections() {
		int open = this.links.size();
		this.links.forEach((link) -> link.close(true));
		return open;
	}

	/** Connections accepted so far. */
	int accepted() {
		return this.accepted.get();
	}

	/** Server-to-client bytes forwarded so far. */
	long downstreamBytes() {
		return this.downstreamBytes.get();
	}

	/** The {@code Content-Encoding} values of the answers forwarded so far, as on the wire. */
	Set<String> contentEncodings() {
		return Set.copyOf(this.contentEncodings);
	}

	/** Connections cut so far. */
	int cuts() {
		return this.cuts.get();
	}

	/** Stops listening and closes every connection: clients get "connection refused". */
	@Override
	public void close() {
		try {
			this.listener.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		this.links.forEach((link) -> link.close(false));
	}

	@Override
	public String toString() {
		return "FaultProxy[port=" + port() + ", seed=" + this.seed + ", accepted=" + accepted() + ", cuts=" + cuts()
				+ "]";
	}

	private static byte[] answer(String status, String text) {
		return ("HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " + text.length()
				+ "\r\nConnection: close\r\n\r\n" + text).getBytes(StandardCharsets.US_ASCII);
	}

	private void acceptLoop() {
		while (!this.listener.isClosed()) {
			try {
				Socket client = this.listener.accept();
				this.accepted.incrementAndGet();
				Socket server = new Socket();
				server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort));
				client.setTcpNoDelay(true);
				server.setTcpNoDelay(true);
				Link link = newLink(client, server);
				this.links.add(link);
				link.start();
			}
			catch (IOException ex) {
				if (!this.listener.isClosed()) {
					logger.log(Level.DEBUG, "Fault proxy accept failed: " + ex);
				}
			}
		}
	}

	private Link newLink(Socket client, Socket server) {
		synchronized (this.random) {
			int mean = this.meanCutBytes;
			long downstreamBudget = (mean > 0) ? (long) (-Math.log(1 - this.random.nextDouble()) * mean) : -1;
			long upstreamBudget = (mean > 0 && this.random.nextInt(8) == 0) ? this.random.nextInt(400) : -1;
			boolean reset = this.random.nextBoolean();
			return new Link(client, server, downstreamBudget, upstreamBudget, reset);
		}
	}

	/**
	 * One proxied connection.
	 */
	private final class Link {

		private final Socket client;

		private final Socket server;

		private final long downstreamBudget;

		private final long upstreamBudget;

		private final boolean reset;

		private volatile boolean stalled;

		private volatile boolean cutAnswer;

		private volatile boolean closed;

		Link(Socket client, Socket server, long downstreamBudget, long upstreamBudget, boolean reset) {
			this.client = client;
			this.server = server;
			this.downstreamBudget = downstreamBudget;
			this.upstreamBudget = upstreamBudget;
			this.reset = reset;
		}

		void start() {
			Thread up = new Thread(() -> pump(this.client, this.server, this.upstreamBudget, true), "fault-proxy-up");
			Thread down = new Thread(() -> pump(this.server, this.client, this.downstreamBudget, false),
					"fault-proxy-down");
			up.setDaemon(true);
			down.setDaemon(true);
			up.start();
			down.start();
		}

		private void pump(Socket from, Socket to, long budget, boolean upstream) {
			byte[] buffer = new byte[8192];
			long forwarded = 0;
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					while (this.stalled && !this.closed) {
						Thread.sleep(5);
					}
					if (upstream && refused(buffer, read)) {
						return;
					}
					if (upstream && answerToCut(buffer, read)) {
						this.cutAnswer = true;
					}
					if (!upstream && this.cutAnswer) {
						FaultProxy.this.cuts.incrementAndGet();
						close(true);
						return;
					}
					if (budget >= 0 && forwarded + read > budget) {
						out.write(buffer, 0, (int) (budget - forwarded));
						out.flush();
						FaultProxy.this.cuts.incrementAndGet();
						close(this.reset);
						return;
					}
					out.write(buffer, 0, read);
					out.flush();
					forwarded += read;
					if (!upstream) {
						FaultProxy.this.downstreamBytes.addAndGet(read);
						recordContentEncodings(buffer, read);
					}
				}
			}
			catch (IOException | InterruptedException ex) {
				// the other side went away
			}
			finally {
				close(false);
			}
		}

		private void recordContentEncodings(byte[] buffer, int length) {
			String text = new String(buffer, 0, length, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
			int at = text.indexOf("\r\ncontent-encoding:");
			while (at >= 0) {
				int start = at + "\r\ncontent-encoding:".length();
				int end = text.indexOf("\r\n", start);
				if (end > start) {
					FaultProxy.this.contentEncodings.add(text.substring(start, end).strip());
				}
				at = text.indexOf("\r\ncontent-encoding:", start);
			}
		}

		/**
		 * Whether a request is one whose answer is to be cut (see {@link #cutAnswers}).
		 */
		private boolean answerToCut(byte[] buffer, int length) {
			String prefix = FaultProxy.this.answerCutPrefix;
			if (prefix.isEmpty() || length < prefix.length()
					|| !new String(buffer, 0, prefix.length(), StandardCharsets.ISO_8859_1).equals(prefix)) {
				return false;
			}
			return FaultProxy.this.answersToCut.getAndUpdate((left) -> Math.max(0, left - 1)) > 0;
		}

		/**
		 * Answers a request the proxy refuses, and closes.
		 */
		private boolean refused(byte[] buffer, int length) throws IOException {
			if (!FaultProxy.this.refuseUpgrades && !FaultProxy.this.refuseEventStreams) {
				return false;
			}
			String head = new String(buffer, 0, length, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
			byte[] answer = null;
			if (FaultProxy.this.refuseUpgrades && head.contains("upgrade: websocket")) {
				answer = UPGRADE_REFUSED;
			}
			else if (FaultProxy.this.refuseEventStreams && head.contains("text/event-stream")) {
				answer = STREAM_REFUSED;
			}
			if (answer == null) {
				return false;
			}
			OutputStream out = this.client.getOutputStream();
			out.write(answer);
			out.flush();
			close(false);
			return true;
		}

		void close(boolean abrupt) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			FaultProxy.this.links.remove(this);
			for (Socket socket : new Socket[] { this.client, this.server }) {
				try {
					if (abrupt) {
						socket.setSoLinger(true, 0);
					}
					socket.close();
				}
				catch (SocketException ex) {
					// already closed
				}
				catch (IOException ex) {
					// closing anyway
				}
			}
		}

	}

}
