package io.graphstreaming.spring.web;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.graphstreaming.spring.web.HttpTestClient.Reply;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One test per client error of the contract, each an {@code application/problem+json}
 * answer decided before any stream starts.
 */
class ErrorResponsesTests extends AbstractWebTransportTests {

	private static final String UNKNOWN_ID = "00000000-0000-0000-0000-000000000000";

	@Test
	void unknownGraphIsNotFound() {
		assertProblem(this.client.get("/graphs/nope"), 404, "Not Found", "\"detail\":\"No graph 'nope'\"",
				"/graphs/nope");
		assertProblem(this.client.post("/graphs/nope/execute/stream", "{}"), 404, "Not Found", "No graph 'nope'",
				"/graphs/nope/execute/stream");
		assertProblem(this.client.post("/graphs/nope/execute", "{}"), 404, "Not Found", "No graph 'nope'",
				"/graphs/nope/execute");
		assertProblem(this.client.post("/graphs/nope/executions", "{}"), 404, "Not Found", "No graph 'nope'",
				"/graphs/nope/executions");
	}

	@Test
	void unknownExecutionIsNotFound() {
		String execution = "/graphs/demo/executions/" + UNKNOWN_ID;
		String detail = "\"detail\":\"No execution '" + UNKNOWN_ID + "'\"";
		assertProblem(this.client.get(execution), 404, "Not Found", detail, execution);
		assertProblem(this.client.get(execution + "/stream"), 404, "Not Found", detail, execution + "/stream");
		assertProblem(this.client.get(execution + "/events"), 404, "Not Found", detail, execution + "/events");
		assertProblem(this.client.delete(execution), 404, "Not Found", detail, execution);
		assertProblem(this.client.get("/graphs/demo/execute/stream", header("Last-Event-ID", UNKNOWN_ID + ":3")),
				404, "Not Found", detail, "/graphs/demo/execute/stream");
	}

	@Test
	void executionOfAnotherGraphIsNotFound() {
		String id = this.client.post("/graphs/demo/executions", "{}").body().substring(16, 52);
		assertProblem(this.client.get("/graphs/synthetic/executions/" + id), 404, "Not Found",
				"No execution '" + id + "'", "/graphs/synthetic/executions/" + id);
	}

	@Test
	void malformedJsonIsABadRequest() {
		assertProblem(this.client.post("/graphs/demo/execute/stream", "{\"input\":{\"name\":"), 400, "Bad Request",
				"Malformed JSON in the request body at line 1, column 18: Unexpected end-of-input",
				"/graphs/demo/execute/stream");
		assertProblem(this.client.post("/graphs/demo/execute", "{\"input\":{}}}"), 400, "Bad Request",
				"Malformed JSON in the request body", "/graphs/demo/execute");
		assertProblem(this.client.get("/graphs/demo/execute/stream?input=%7Bnope"), 400, "Bad Request",
				"Malformed JSON in the query parameter 'input'", "/graphs/demo/execute/stream");
	}

	@Test
	void bodyOfTheWrongShapeIsABadRequest() {
		assertProblem(this.client.post("/graphs/demo/execute", "[1]"), 400, "Bad Request",
				"The request body must be a JSON object such as {\\\"input\\\": {...}} but was an array",
				"/graphs/demo/execute");
		assertProblem(this.client.post("/graphs/demo/executions", "{\"input\":\"Ada\"}"), 400, "Bad Request",
				"Field 'input' must be a JSON object but was a string", "/graphs/demo/executions");
		assertProblem(this.client.post("/graphs/demo/execute", "{\"input\":{},\"eventTypes\":[]}"), 400,
				"Bad Request", "Unknown field 'eventTypes' in the request body; the only field accepted is 'input'",
				"/graphs/demo/execute");
		assertProblem(this.client.get("/graphs/demo/execute/stream?input=%5B%5D"), 400, "Bad Request",
				"Query parameter 'input' must be a JSON object but was an array", "/graphs/demo/execute/stream");
	}

	@Test
	void unknownEventTypeIsABadRequest() {
		assertProblem(this.client.post("/graphs/demo/execute/stream?eventTypes=NodeStarted,Bogus", "{}"), 400,
				"Bad Request", "Query parameter 'eventTypes': Unknown event type 'Bogus'; expected one of",
				"/graphs/demo/execute/stream");
		assertThat(this.streamLimiter.openStreams()).isZero();
	}

	@Test
	void unknownNodeIsABadRequest() {
		assertProblem(this.client.get("/graphs/demo/execute/stream?nodes=greet,nowhere"), 400, "Bad Request",
				"Query parameter 'nodes': unknown node 'nowhere' of graph 'demo'; expected one of greet, shout, finish",
				"/graphs/demo/execute/stream");
	}

	@Test
	void badLastEventIdIsABadRequest() {
		String id = this.client.post("/graphs/demo/execute/stream", "{}").header("X-Execution-Id");
		String stream = "/graphs/demo/executions/" + id + "/stream";
		assertProblem(this.client.get(stream, header("Last-Event-ID", "garbage")), 400, "Bad Request",
				"Last-Event-ID must be <executionId>:<sequence> (the id of the last event received) but was 'garbage'",
				stream);
		assertProblem(this.client.get(stream, header("Last-Event-ID", id + ":-1")), 400, "Bad Request",
				"Last-Event-ID must be <executionId>:<sequence>", stream);
		assertProblem(this.client.get(stream, header("Last-Event-ID", UNKNOWN_ID + ":1")), 400, "Bad Request",
				"Last-Event-ID names execution '" + UNKNOWN_ID + "' but the URL names execution '" + id + "'", stream);
		assertProblem(this.client.get(stream, header("Last-Event-ID", id + ":12")), 400, "Bad Request",
				"Last-Event-ID sequence 12 is ahead of execution '" + id + "', whose newest event is 11", stream);
		assertProblem(this.client.get(stream + "?lastEventId=x:y"), 400, "Bad Request",
				"Query parameter 'lastEventId' must be <executionId>:<sequence>", stream);
		assertProblem(this.client.get("/graphs/demo/execute/stream", header("Last-Event-ID", "7")), 400,
				"Bad Request", "Last-Event-ID must be <executionId>:<sequence>", "/graphs/demo/execute/stream");
	}

	@Test
	void bodyOverTheLimitIsTooLarge() {
		String big = "{\"input\":{\"text\":\"" + "x".repeat(2000) + "\"}}";
		assertProblem(this.client.post("/graphs/demo/execute/stream", big), 413, "Content Too Large",
				"The request body is larger than the limit of 1024 bytes", "/graphs/demo/execute/stream");
		// Without Content-Length the limit applies while reading.
		Reply chunked = this.client.http()
			.headers((headers) -> headers.set("Transfer-Encoding", "chunked"))
			.post()
			.uri("/graphs/demo/execute")
			.send(reactor.netty.ByteBufFlux.fromString(reactor.core.publisher.Flux.just(big.substring(0, 900),
					big.substring(900))))
			.responseSingle((response, bytes) -> bytes.asString()
				.map((text) -> new Reply(response.status().code(), response.responseHeaders(), text)))
			.block(HttpTestClient.TIMEOUT);
		assertProblem(chunked, 413, "Content Too Large", "larger than the limit of 1024 bytes",
				"/graphs/demo/execute");
		assertThat(this.client.post("/graphs/demo/execute", "{\"input\":{\"text\":\"" + "x".repeat(900) + "\"}}")
			.status()).isEqualTo(200);
	}

	@Test
	void errorsOfTheStreamRoutesAreProblemsWhateverTheClientAccepts() {
		Reply reply = this.client.exchange("GET", "/graphs/nope/execute/stream", Map.of("Accept", "text/event-stream"),
				null).block(HttpTestClient.TIMEOUT);
		assertProblem(reply, 404, "Not Found", "No graph 'nope'", "/graphs/nope/execute/stream");
	}

}
