package io.graphstreaming.spring.web.compression;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.GraphState;

/**
 * The application the compression tests run: the auto-configuration and the graphs
 * {@code brotli} (event compression with Brotli), {@code gzip} (with gzip) and
 * {@code plain} (no event compression), each one node {@code step} looping
 * {@code steps} times (default 3). Step {@code i} writes {@code step} and a prose
 * {@code text} of {@code textBytes} characters (default 0); with a {@code gate} input, it
 * first waits until the test opens gate {@code i} of that name, so that a test controls
 * when each event is produced. Not a {@code @SpringBootConfiguration}: tests name it.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class CompressionTestApplication {

	/** Configured with Brotli (see the tests' properties). */
	public static final String BROTLI = "brotli";

	/** Configured with gzip. */
	public static final String GZIP = "gzip";

	/** Without event compression. */
	public static final String PLAIN = "plain";

	@Bean
	Gates gates() {
		return new Gates();
	}

	@Bean
	StreamingGraphExecutor brotliGraph(Gates gates) {
		return stepGraph(BROTLI, gates);
	}

	@Bean
	StreamingGraphExecutor gzipGraph(Gates gates) {
		return stepGraph(GZIP, gates);
	}

	@Bean
	StreamingGraphExecutor plainGraph(Gates gates) {
		return stepGraph(PLAIN, gates);
	}

	private static StreamingGraphExecutor stepGraph(String id, Gates gates) {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(id, "Steps that may wait for the test");
		executor.addNode(GraphNode.async("step", (state, context) -> step(state, gates)));
		executor.connect("step", "step", "more steps", (state) -> state.getInt("step", 0) < state.getInt("steps", 3));
		executor.setStartNode("step");
		return executor;
	}

	private static Mono<Map<String, @Nullable Object>> step(GraphState state, Gates gates) {
		int index = state.getInt("step", 0);
		Object gate = state.get("gate");
		Mono<Void> wait = (gate != null) ? Mono.fromFuture(gates.gate(gate.toString(), index)) : Mono.empty();
		return wait.then(Mono.fromSupplier(() -> {
			Map<String, @Nullable Object> written = new LinkedHashMap<>();
			written.put("step", index + 1);
			int textBytes = state.getInt("textBytes", 0);
			if (textBytes > 0) {
				written.put("text", prose(textBytes, index));
			}
			return written;
		}));
	}

	/**
	 * ASCII prose of exactly {@code length} characters.
	 */
	static String prose(int length, int seed) {
		String[] words = { "the", "graph", "streams", "every", "event", "while", "it", "happens", "and", "each",
				"client", "decodes", "it", "at", "once", "node", "output", "token" };
		StringBuilder text = new StringBuilder(length + 16);
		int i = seed;
		while (text.length() < length) {
			text.append(words[(i * 7 + 3) % words.length]).append(' ');
			i++;
		}
		text.setLength(length);
		return text.toString();
	}

	/**
	 * Gates the test opens one by one: {@code gate(name, i)} completes when the test calls
	 * {@code open(name, i)}.
	 */
	public static final class Gates {

		private final Map<String, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();

		CompletableFuture<Void> gate(String name, int index) {
			return this.gates.computeIfAbsent(name + "/" + index, (key) -> new CompletableFuture<>());
		}

		/**
		 * Lets step {@code index} of the executions started with this gate name run.
		 */
		public void open(String name, int index) {
			gate(name, index).complete(null);
		}

		/**
		 * Whether step {@code index} was let through.
		 */
		public boolean isOpen(String name, int index) {
			return gate(name, index).isDone();
		}

	}

}
