package io.graphstreaming.benchmarks.sse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.netty.channel.ChannelOption;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A real HTTP client for the load scripts: Reactor Netty, one new connection per stream
 * (no pool, so thousands of streams can be open at once), no compression, 127.0.0.1 only.
 * It reads the response body as it arrives and hands every SSE message to a scanner.
 */
final class SseClient {

	private final HttpClient http;

	SseClient(String baseUrl) {
		if (!baseUrl.startsWith("http://127.0.0.1:")) {
			throw new IllegalArgumentException("Load scripts only talk to 127.0.0.1, not " + baseUrl);
		}
		this.http = HttpClient.create(ConnectionProvider.newConnection())
			.baseUrl(baseUrl)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
			.responseTimeout(Duration.ofMinutes(10))
			.headers((headers) -> headers.set("Accept", "text/event-stream"));
	}

	/**
	 * Streams a URL to its end.
	 * @param path the path and query
	 * @param listener told of each SSE message
	 * @return completes when the response has ended
	 */
	Mono<Void> stream(String path, SseFrameScanner.Listener listener) {
		SseFrameScanner scanner = new SseFrameScanner(listener);
		return this.http.get().uri(path).response((response, body) -> {
			if (response.status().code() != 200) {
				return Mono.error(new IllegalStateException("GET " + path + " answered " + response.status()));
			}
			return body.doOnNext(scanner::accept).then();
		}).then();
	}

	/**
	 * Our endpoint for a graph, with its input as the {@code input} query parameter.
	 * @param graphId the graph
	 * @param inputJson the input object
	 * @return the path
	 */
	static String graphStream(String graphId, String inputJson) {
		return "/graphs/" + graphId + "/execute/stream?input=" + URLEncoder.encode(inputJson, StandardCharsets.UTF_8);
	}

}
