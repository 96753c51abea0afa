package io.graphstreaming.spring.client;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.stream.Collectors;

import reactor.core.scheduler.Scheduler;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.options.CompressionAlgorithm;
import io.graphstreaming.spring.json.GraphEventJsonReader;

/**
 * What every request and connection of one {@link GraphStreamClient} shares, resolved once
 * by its builder.
 *
 * @param baseUri the base URL, such as {@code http://localhost:8080/graphs}, without a
 * trailing slash
 * @param httpClient the configured Reactor Netty client (retries off: the client decides)
 * @param webSocketSpec the WebSocket settings (pings handed to the client)
 * @param mapper parses answers and writes requests
 * @param eventReader parses event JSON
 * @param connectionType how streams connect
 * @param heartbeatSilenceFactor heartbeat intervals of silence that count as a failure
 * @param jitter how reconnect delays are randomised
 * @param pollWait the longest wait of one long poll
 * @param requestTimeout the longest wait for the answer of a short request
 * @param webSocketCompression the compression asked of the server for WebSocket frames
 * @param timer schedules reconnects and silence checks
 */
record ClientSettings(URI baseUri, HttpClient httpClient, WebsocketClientSpec webSocketSpec, JsonMapper mapper,
		GraphEventJsonReader eventReader, ConnectionType connectionType, double heartbeatSilenceFactor,
		ReconnectJitter jitter, Duration pollWait, Duration requestTimeout, CompressionAlgorithm webSocketCompression,
		Scheduler timer) {

	/**
	 * The server's address for messages.
	 * @return {@code host:port}
	 */
	String address() {
		int port = this.baseUri.getPort();
		if (port < 0) {
			port = "https".equalsIgnoreCase(this.baseUri.getScheme()) ? 443 : 80;
		}
		return this.baseUri.getHost() + ":" + port;
	}

	/**
	 * An absolute URL under the base.
	 * @param segments path segments, each percent-encoded here
	 * @return the URL
	 */
	String url(String... segments) {
		StringBuilder url = new StringBuilder(this.baseUri.toString());
		for (String segment : segments) {
			url.append('/').append(encode(segment));
		}
		return url.toString();
	}

	/**
	 * The WebSocket URL of a graph: the base URL with {@code ws} or {@code wss}.
	 * @param graphId the graph
	 * @return the URL
	 */
	String webSocketUrl(String graphId) {
		String http = url(graphId, "ws");
		return http.regionMatches(true, 0, "https:", 0, 6) ? "wss:" + http.substring(6) : "ws:" + http.substring(5);
	}

	/**
	 * Percent-encodes a path segment or query value (RFC 3986 unreserved characters stay).
	 * @param value the text
	 * @return the encoded text
	 */
	static String encode(String value) {
		StringBuilder encoded = new StringBuilder(value.length());
		for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
			char c = (char) (b & 0xFF);
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
					|| c == '_' || c == '~') {
				encoded.append(c);
			}
			else {
				encoded.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xF, 16)))
					.append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
			}
		}
		return encoded.toString();
	}

	/**
	 * A comma-separated, encoded query value.
	 * @param values the values
	 * @return the joined value
	 */
	static String join(Collection<String> values) {
		return values.stream().sorted().map(ClientSettings::encode).collect(Collectors.joining(","));
	}

	/**
	 * The silence after which a connection counts as failed.
	 * @param heartbeatInterval the heartbeat interval the server is expected to keep
	 * @return the factor times the interval
	 */
	Duration silenceTimeout(Duration heartbeatInterval) {
		return Duration.ofNanos((long) Math.ceil(heartbeatInterval.toNanos() * this.heartbeatSilenceFactor));
	}

}
