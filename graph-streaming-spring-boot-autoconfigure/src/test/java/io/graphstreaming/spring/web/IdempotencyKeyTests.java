package io.graphstreaming.spring.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.netty.ByteBufFlux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.spring.web.HttpTestClient.Reply;
import io.graphstreaming.spring.web.testapp.WebTestApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code Idempotency-Key} header of the start routes: a repetition answers about the
 * execution the first request started, and starts nothing; malformed keys and keys
 * reused with another input are refused with problem answers.
 */
class IdempotencyKeyTests extends AbstractWebTransportTests {

	private static final String BODY = "{\"input\":{\"nodes\":2}}";

	private final JsonMapper json = new JsonMapper();

	@Test
	void repeatedStartForPollingAnswersTheSameAcceptedExecutionAndStartsNoOther() {
		String key = UUID.randomUUID().toString();
		Instant begin = Instant.now();

		Reply first = start("/graphs/synthetic/executions", key, BODY);
		Reply second = start("/graphs/synthetic/executions", key, BODY);

		assertThat(first.status()).isEqualTo(202);
		assertThat(second.status()).isEqualTo(202);
		String id = this.json.readTree(first.body()).get("executionId").asString();
		assertThat(this.json.readTree(second.body()).get("executionId").asString()).isEqualTo(id);
		assertThat(second.header("Location")).isEqualTo(first.header("Location"))
			.isEqualTo("/graphs/synthetic/executions/" + id);
		assertThat(first.header(IdempotencyKeyHeader.REPLAYED_HEADER)).isNull();
		assertThat(second.header(IdempotencyKeyHeader.REPLAYED_HEADER)).isEqualTo("true");
		assertThat(startedSince(begin)).containsExactly(id);
	}

	@Test
	void quotedKeyIsTheSameKeyAsTheBareOne() {
		String key = UUID.randomUUID().toString();

		Reply bare = start("/graphs/synthetic/executions", key, BODY);
		Reply quoted = start("/graphs/synthetic/executions", "\"" + key + "\"", BODY);

		assertThat(this.json.readTree(quoted.body()).get("executionId").asString())
			.isEqualTo(this.json.readTree(bare.body()).get("executionId").asString());
	}

	@Test
	void anotherKeyStartsAnotherExecution() {
		Reply first = start("/graphs/synthetic/executions", UUID.randomUUID().toString(), BODY);
		Reply second = start("/graphs/synthetic/executions", UUID.randomUUID().toString(), BODY);

		assertThat(this.json.readTree(second.body()).get("executionId").asString())
			.isNotEqualTo(this.json.readTree(first.body()).get("executionId").asString());
	}

	@Test
	void keyReusedWithAnotherInputIsUnprocessableAndStartsNothing() {
		String key = UUID.randomUUID().toString();
		Reply first = start("/graphs/synthetic/executions", key, BODY);
		String id = this.json.readTree(first.body()).get("executionId").asString();
		Instant afterFirst = Instant.now();

		Reply other = start("/graphs/synthetic/executions", key, "{\"input\":{\"nodes\":3}}");

		assertProblem(other, 422, "Unprocessable Content",
				"This Idempotency-Key already started execution '" + id + "' of graph 'synthetic' with another input",
				"/graphs/synthetic/executions");
		assertThat(startedSince(afterFirst)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "has space", "semi;colon", "\"\"", "quote\"inside", "ünïcode" })
	void malformedKeyIsABadRequestAndStartsNothing(String key) {
		Instant begin = Instant.now();

		Reply reply = start("/graphs/synthetic/executions", key, BODY);

		assertProblem(reply, 400, "Bad Request",
				"Header 'Idempotency-Key' must be 1 to 128 characters out of A-Z a-z 0-9 - _ . : ~ + / =",
				"/graphs/synthetic/executions");
		assertThat(startedSince(begin)).isEmpty();
	}

	@Test
	void keyLongerThan128CharactersIsABadRequest() {
		assertThat(start("/graphs/synthetic/executions", "k".repeat(128), BODY).status()).isEqualTo(202);
		assertProblem(start("/graphs/synthetic/executions", "k".repeat(129), BODY), 400, "Bad Request",
				"Header 'Idempotency-Key' must be 1 to 128 characters", "/graphs/synthetic/executions");
	}

	@Test
	void keySentTwiceIsABadRequest() {
		Reply reply = this.client.http()
			.headers((headers) -> headers.add(IdempotencyKeyHeader.HEADER, "a").add(IdempotencyKeyHeader.HEADER, "b"))
			.post()
			.uri("/graphs/synthetic/executions")
			.send(ByteBufFlux.fromString(Mono.just(BODY)))
			.responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8)
				.defaultIfEmpty("")
				.map((text) -> new Reply(response.status().code(), response.responseHeaders(), text)))
			.block(Duration.ofSeconds(10));

		assertProblem(reply, 400, "Bad Request", "Header 'Idempotency-Key' must be sent once but was sent 2 times",
				"/graphs/synthetic/executions");
	}

	@Test
	void repeatedExecuteStreamStreamsTheSameExecutionFromItsFirstEvent() {
		String key = UUID.randomUUID().toString();
		Map<String, String> headers = Map.of(IdempotencyKeyHeader.HEADER, key, "Accept", "text/event-stream");
		Instant begin = Instant.now();

		Reply first = this.client.exchange("POST", "/graphs/synthetic/execute/stream", headers, BODY)
			.block(Duration.ofSeconds(10));
		Reply second = this.client.exchange("POST", "/graphs/synthetic/execute/stream", headers, BODY)
			.block(Duration.ofSeconds(10));

		String id = first.header("X-Execution-Id");
		assertThat(second.header("X-Execution-Id")).isEqualTo(id);
		assertThat(second.header(IdempotencyKeyHeader.REPLAYED_HEADER)).isEqualTo("true");
		assertThat(ids(second)).isEqualTo(ids(first)).startsWith(id + ":1").hasSizeGreaterThan(3);
		assertThat(startedSince(begin)).containsExactly(id);
	}

	@Test
	void repeatedExecuteAnswersTheResultOfTheSameExecution() {
		String key = UUID.randomUUID().toString();
		Instant begin = Instant.now();

		Reply first = start("/graphs/synthetic/execute", key, BODY);
		Reply second = start("/graphs/synthetic/execute", key, BODY);

		assertThat(first.status()).isEqualTo(200);
		JsonNode result = this.json.readTree(second.body());
		assertThat(result.get("executionId").asString())
			.isEqualTo(this.json.readTree(first.body()).get("executionId").asString());
		assertThat(result.get("status").asString()).isEqualTo("completed");
		assertThat(second.header(IdempotencyKeyHeader.REPLAYED_HEADER)).isEqualTo("true");
		assertThat(startedSince(begin)).hasSize(1);
	}

	private static List<String> ids(Reply stream) {
		return stream.frames().stream().map(HttpTestClient.SseFrame::id).filter((id) -> id != null).toList();
	}

	private Reply start(String path, String key, String body) {
		return this.client.exchange("POST", path, Map.of(IdempotencyKeyHeader.HEADER, key), body)
			.block(Duration.ofSeconds(10));
	}

	private List<String> startedSince(Instant begin) {
		return this.registry.executions()
			.executions()
			.stream()
			.filter((execution) -> execution.graphId().equals(WebTestApplication.SYNTHETIC))
			.filter((execution) -> !execution.createdAt().isBefore(begin))
			.map(GraphExecution::executionId)
			.toList();
	}

}
