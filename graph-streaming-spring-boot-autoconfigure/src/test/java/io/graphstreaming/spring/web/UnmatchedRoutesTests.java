package io.graphstreaming.spring.web;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.graphstreaming.spring.web.HttpTestClient.Reply;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request under the base path that no endpoint takes gets a problem answer like every
 * other error: 405 with {@code Allow} for a known path and another method, 404 otherwise;
 * paths outside the base path keep the server's own error answer.
 */
class UnmatchedRoutesTests extends AbstractWebTransportTests {

	@Test
	void wrongMethodOnAGraphIs405WithAllow() {
		Reply reply = send("PUT", "/graphs/demo");

		assertProblem(reply, 405, "Method Not Allowed", "Method PUT is not supported by /graphs/demo; it takes GET",
				"/graphs/demo");
		assertThat(reply.header("Allow")).isEqualTo("GET");
	}

	@Test
	void wrongMethodOnTheExecutionsCollectionIs405NamingPost() {
		Reply reply = send("GET", "/graphs/demo/executions");

		assertProblem(reply, 405, "Method Not Allowed", "it takes POST", "/graphs/demo/executions");
		assertThat(reply.header("Allow")).isEqualTo("POST");
	}

	@Test
	void wrongMethodOnAnExecutionListsBothMethodsItTakes() {
		Reply reply = send("POST", "/graphs/demo/executions/some-id");

		assertProblem(reply, 405, "Method Not Allowed", "it takes DELETE, GET", "/graphs/demo/executions/some-id");
		assertThat(reply.header("Allow")).isEqualTo("DELETE, GET");
	}

	@Test
	void unknownPathUnderTheBasePathIs404Problem() {
		Reply reply = send("GET", "/graphs/demo/whatever");

		assertProblem(reply, 404, "Not Found", "No endpoint for GET /graphs/demo/whatever", "/graphs/demo/whatever");
	}

	@Test
	void pathsOutsideTheBasePathKeepTheServersOwnErrorAnswer() {
		Reply reply = send("GET", "/elsewhere");

		assertThat(reply.status()).isEqualTo(404);
		assertThat(reply.header("Content-Type")).doesNotContain("problem+json");
	}

	@Test
	void applicationRoutesUnderTheBasePathKeepTheirAnswersAndTheirOwnErrors() {
		Reply found = send("GET", "/graphs/custom/orders/8");
		Reply missing = send("GET", "/graphs/custom/orders/7");

		assertThat(found.status()).isEqualTo(200);
		assertThat(found.body()).isEqualTo("order 8");
		assertThat(missing.status()).isEqualTo(404);
		assertThat(missing.header("Content-Type")).doesNotContain("problem+json");
		assertThat(missing.body()).doesNotContain("No endpoint");
	}

	@Test
	void knownRoutesStillAnswerAfterwards() {
		send("PUT", "/graphs/demo");

		Reply reply = this.client.get("/graphs/demo");

		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.body()).contains("\"id\":\"demo\"");
	}

	private Reply send(String method, String uri) {
		return this.client.exchange(method, uri, Map.of(), null).block(HttpTestClient.TIMEOUT);
	}

}
