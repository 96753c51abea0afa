package io.graphstreaming.spring.web;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.graphstreaming.spring.web.HttpTestClient.Reply;
import io.graphstreaming.spring.web.testapp.WebTestApplication;

import static io.graphstreaming.spring.web.AbstractWebTransportTests.assertProblem;
import static io.graphstreaming.spring.web.AbstractWebTransportTests.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 410 Gone: an execution evicted after its retention ({@code demo} keeps finished
 * executions 100 ms), and events trimmed from a journal ({@code synthetic} keeps 10).
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.graphs.demo.journal.retention=100ms",
				"graph.streaming.graphs.synthetic.journal.max-events=10" })
class ExpiredExecutionTests {

	@LocalServerPort
	int port;

	HttpTestClient client;

	@BeforeEach
	void createClient() {
		this.client = new HttpTestClient(this.port);
	}

	@Test
	void executionPastItsRetentionIsGone() {
		Reply started = this.client.post("/graphs/demo/executions", "{}");
		String execution = started.header("Location");
		String id = execution.substring(execution.lastIndexOf('/') + 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.client.get(execution).status() == 410);
		String detail = "\"detail\":\"Execution '" + id + "' has ended and its events are no longer kept\"";
		assertProblem(this.client.get(execution), 410, "Gone", detail, execution);
		assertProblem(this.client.get(execution + "/stream"), 410, "Gone", detail, execution + "/stream");
		assertProblem(this.client.get(execution + "/events"), 410, "Gone", detail, execution + "/events");
		assertProblem(this.client.delete(execution), 410, "Gone", detail, execution);
		assertProblem(this.client.get("/graphs/demo/execute/stream", header("Last-Event-ID", id + ":4")), 410, "Gone",
				detail, "/graphs/demo/execute/stream");
		assertProblem(this.client.get("/graphs/synthetic/executions/" + id), 404, "Not Found",
				"No execution '" + id + "'", "/graphs/synthetic/executions/" + id);
	}

	@Test
	void eventsTrimmedFromTheJournalAreGone() {
		Reply started = this.client.post("/graphs/synthetic/executions", "{\"input\":{\"nodes\":10}}");
		String execution = started.header("Location");
		String id = execution.substring(execution.lastIndexOf('/') + 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.client.get(execution).body().contains("\"completed\""));
		String detail = "Events after sequence 0 of execution " + id + " are no longer kept; the oldest kept is 43";
		assertProblem(this.client.get(execution + "/events"), 410, "Gone", detail, execution + "/events");
		assertProblem(this.client.get(execution + "/stream"), 410, "Gone", detail, execution + "/stream");
		assertProblem(this.client.get(execution + "/stream", header("Last-Event-ID", id + ":30")), 410, "Gone",
				"Events after sequence 30 of execution " + id, execution + "/stream");
		Reply kept = this.client.get(execution + "/stream", header("Last-Event-ID", id + ":45"));
		assertThat(kept.status()).isEqualTo(200);
		assertThat(kept.frames()).extracting(HttpTestClient.SseFrame::sequence)
			.containsExactly(46L, 47L, 48L, 49L, 50L, 51L, 52L);
		assertThat(this.client.get(execution + "/events?after=42").body()).contains("\"next\":52,\"completed\":true");
	}

}
