package io.graphstreaming.spring.web;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.web.testapp.WebTestApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared server of the HTTP transport tests (one application context for every
 * subclass): a 1 KB body limit, at most 50 events per poll, long polls of at most 10 s.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.web.max-request-body=1KB", "graph.streaming.web.poll-max-events=50",
				"graph.streaming.web.long-poll-max-wait=10s" })
abstract class AbstractWebTransportTests {

	@LocalServerPort
	int port;

	@Autowired
	GraphRegistry registry;

	@Autowired
	StreamLimiter streamLimiter;

	HttpTestClient client;

	@BeforeEach
	void createClient() {
		this.client = new HttpTestClient(this.port);
	}

	/**
	 * Asserts an RFC 9457 answer with no trace of an exception.
	 */
	static void assertProblem(HttpTestClient.Reply reply, int status, String title, String detailPart,
			String instance) {
		assertThat(reply.status()).as(reply.body()).isEqualTo(status);
		assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
		assertThat(reply.body()).contains("\"type\":\"about:blank\"")
			.contains("\"title\":\"" + title + "\"")
			.contains("\"status\":" + status)
			.contains(detailPart)
			.contains("\"instance\":\"" + instance + "\"")
			.doesNotContain("Exception")
			.doesNotContain("\tat ")
			.doesNotContain("\\tat ");
	}

	static Map<String, String> header(String name, String value) {
		return Map.of(name, value);
	}

}
