package io.graphstreaming.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real HTTP client for the sample app's integration tests, as a curl user would use
 * it: {@link HttpClient} over HTTP/1.1, one new connection per request (like one curl
 * command per request), raw bodies, and a strict reader of the SSE wire format.
 *
 * <p>Why no connection reuse: Reactor Netty 1.3.6 (Boot 4.0.7) sometimes stops reading a
 * keep-alive connection when the next request arrives before the previous response's
 * operations have terminated (reactor/reactor-netty#4361, #4347); that request then
 * waits forever. It happens with any endpoint answered off the event loop (Actuator's
 * health too, without graph streaming), so these tests, which are about the contract and
 * not about keep-alive, do not reuse connections.
 */
final class SampleHttp {

	/** The longest any request may take. */
	static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern EVENT_FRAME = Pattern
		.compile("id: ([0-9a-f-]+):([0-9]+)\nevent: ([A-Za-z]+)\ndata: (\\{[^\n]*\\})");

	private final URI base;

	SampleHttp(int port) {
		this.base = URI.create("http://localhost:" + port);
	}

	HttpResponse<String> get(String path, String... headers) {
		return send(request(path, headers).GET(), HttpResponse.BodyHandlers.ofString());
	}

	HttpResponse<byte[]> getBytes(String path, String... headers) {
		return send(request(path, headers).GET(), HttpResponse.BodyHandlers.ofByteArray());
	}

	HttpResponse<String> post(String path, String json, String... headers) {
		return send(withBody(request(path, headers), "POST", json), HttpResponse.BodyHandlers.ofString());
	}

	HttpResponse<byte[]> postBytes(String path, String json, String... headers) {
		return send(withBody(request(path, headers), "POST", json), HttpResponse.BodyHandlers.ofByteArray());
	}

	HttpResponse<String> delete(String path, String... headers) {
		return send(request(path, headers).DELETE(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Sends a request and answers as soon as the headers are in; the body's lines are read
	 * as they arrive (closing the stream closes the connection).
	 */
	HttpResponse<Stream<String>> openLines(String method, String path, String json, String... headers) {
		return send(withBody(request(path, headers), method, json), HttpResponse.BodyHandlers.ofLines());
	}

	/**
	 * GETs a stream and answers as soon as the headers are in, like
	 * {@link #openLines(String, String, String, String...)}.
	 */
	HttpResponse<Stream<String>> getLines(String path, String... headers) {
		return send(request(path, headers).GET(), HttpResponse.BodyHandlers.ofLines());
	}

	/**
	 * Starts an execution of a graph for polling and answers its id.
	 */
	String startForPolling(String graph, String json) {
		HttpResponse<String> response = post("/graphs/" + graph + "/executions", json);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
		return json(response.body()).get("executionId").asString();
	}

	private HttpRequest.Builder request(String path, String... headers) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(this.base.resolve(path)).timeout(TIMEOUT);
		if (headers.length > 0) {
			builder.headers(headers);
		}
		return builder;
	}

	private static HttpRequest.Builder withBody(HttpRequest.Builder builder, String method, String json) {
		return builder.header("Content-Type", "application/json")
			.method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
	}

	private <T> HttpResponse<T> send(HttpRequest.Builder request, BodyHandler<T> handler) {
		try {
			HttpClient client = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(Duration.ofSeconds(5))
				.build();
			return client.send(request.build(), handler);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static JsonNode json(String text) {
		return JSON.readTree(text);
	}

	/**
	 * Reads an SSE body that must hold only event frames, each exactly
	 * {@code id: <executionId>:<n>\nevent: <Type>\ndata: <json>\n\n}, with the JSON agreeing
	 * with the id and event lines.
	 * @param body the whole body
	 * @param executionId the execution every frame must belong to
	 * @return the frames in order
	 */
	static List<Frame> eventFrames(String body, String executionId) {
		assertThat(body).endsWith("\n\n");
		List<Frame> frames = new ArrayList<>();
		for (String block : body.substring(0, body.length() - 2).split("\n\n", -1)) {
			frames.add(Frame.of(block, executionId));
		}
		return frames;
	}

	/**
	 * One event frame of an SSE stream.
	 *
	 * @param text the frame as sent, without the blank line ending it
	 * @param sequence the sequence of the {@code id:} line
	 * @param event the {@code event:} line
	 * @param data the {@code data:} JSON
	 */
	record Frame(String text, long sequence, String event, JsonNode data) {

		static Frame of(String block, String executionId) {
			Matcher matcher = EVENT_FRAME.matcher(block);
			assertThat(matcher.matches()).as("SSE frame %s", block).isTrue();
			assertThat(matcher.group(1)).isEqualTo(executionId);
			long sequence = Long.parseLong(matcher.group(2));
			JsonNode data = json(matcher.group(4));
			assertThat(data.get("eventType").asString()).isEqualTo(matcher.group(3));
			assertThat(data.get("sequence").asLong()).isEqualTo(sequence);
			assertThat(data.get("executionId").asString()).isEqualTo(executionId);
			return new Frame(block + "\n\n", sequence, matcher.group(3), data);
		}

	}

}
