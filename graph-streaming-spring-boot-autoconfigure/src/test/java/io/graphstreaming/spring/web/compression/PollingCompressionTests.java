package io.graphstreaming.spring.web.compression;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.spring.registry.GraphRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Poll answers are compressed by Boot's response compression
 * ({@code server.compression.enabled}, {@code application/json} among its MIME types):
 * with {@code Accept-Encoding: gzip} a page arrives gzip-encoded, and the JDK's decoder
 * (the JDK's HTTP client does not decode by itself) gives back the very page an
 * uncompressed poll gets.
 */
class PollingCompressionTests extends AbstractCompressionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(TIMEOUT)
		.build();

	private final JsonMapper json = new JsonMapper();

	@Autowired
	GraphRegistry registry;

	@Test
	void pollWithAcceptEncodingGzipGetsAGzipEncodedPage() throws Exception {
		HttpResponse<String> started = this.http.send(request("/graphs/" + CompressionTestApplication.PLAIN
				+ "/executions").POST(HttpRequest.BodyPublishers.ofString("{\"input\":{\"steps\":3,\"textBytes\":2000}}"))
			.header("Content-Type", "application/json")
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(started.statusCode()).isEqualTo(202);
		String executionId = this.json.readTree(started.body()).get("executionId").asString();
		this.registry.execution(CompressionTestApplication.PLAIN, executionId).result().block(TIMEOUT);
		String events = started.headers().firstValue("Location").orElseThrow() + "/events?after=0";

		HttpResponse<byte[]> gzipped = this.http.send(request(events).header("Accept-Encoding", "gzip").build(),
				HttpResponse.BodyHandlers.ofByteArray());
		HttpResponse<byte[]> plain = this.http.send(request(events).build(), HttpResponse.BodyHandlers.ofByteArray());

		assertThat(gzipped.statusCode()).isEqualTo(200);
		assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
		assertThat(gzipped.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
		String decoded = gunzip(gzipped.body());
		assertThat(decoded).isEqualTo(new String(plain.body(), StandardCharsets.UTF_8));
		assertThat(gzipped.body().length).as("compressed").isLessThan(plain.body().length);
		JsonNode page = this.json.readTree(decoded);
		assertThat(page.get("completed").asBoolean()).isTrue();
		assertThat(page.get("events").get(0).get("executionId").asString()).isEqualTo(executionId);
		assertThat(page.get("events").get(page.get("events").size() - 1).get("eventType").asString())
			.isEqualTo("ExecutionCompleted");
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).timeout(TIMEOUT);
	}

}
