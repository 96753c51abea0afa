package io.graphstreaming.sample;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.graphstreaming.sample.SampleHttp.Frame;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 200 clients stream the sample app's own {@code synthetic} graph at once, each on its
 * own connection (as 200 curl processes would): every stream is its own execution, and
 * each one is complete, contiguous and ends with its one terminal event. The
 * per-client execution rate is raised: all 200 come from one address within a second.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "graph.streaming.web.max-executions-per-minute-per-client=10000",
				"graph.streaming.heartbeat.interval=60s" })
class ConcurrentSyntheticStreamsTests {

	private static final int STREAMS = 200;

	private static final String INPUT = "{\"input\":{\"nodes\":5,\"delayMs\":20,\"chunks\":2,\"payloadBytes\":64}}";

	@LocalServerPort
	private int port;

	private ExecutorService clients;

	@BeforeEach
	void startClients() {
		this.clients = Executors.newFixedThreadPool(STREAMS);
	}

	@AfterEach
	void stopClients() {
		this.clients.shutdownNow();
	}

	@Test
	void twoHundredConcurrentStreamsAllCompleteWithContiguousSequences() throws Exception {
		SampleHttp http = new SampleHttp(this.port);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < STREAMS; i++) {
			responses.add(this.clients.submit(() -> {
				start.await();
				return http.post("/graphs/synthetic/execute/stream", INPUT);
			}));
		}
		start.countDown();

		Set<String> executionIds = new HashSet<>();
		int expectedFrames = -1;
		for (Future<HttpResponse<String>> future : responses) {
			HttpResponse<String> response = future.get(SampleHttp.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			String executionId = response.headers().firstValue("X-Execution-Id").orElseThrow();
			List<Frame> frames = SampleHttp.eventFrames(response.body(), executionId);
			assertThat(frames).extracting(Frame::sequence)
				.containsExactlyElementsOf(sequencesUpTo(frames.size()));
			assertThat(frames.get(frames.size() - 1).event()).isEqualTo("ExecutionCompleted");
			assertThat(frames).filteredOn((frame) -> frame.event().startsWith("Execution")).hasSize(2);
			if (expectedFrames < 0) {
				expectedFrames = frames.size();
			}
			assertThat(frames).as("every run of the same input has the same events").hasSize(expectedFrames);
			executionIds.add(executionId);
		}
		assertThat(executionIds).hasSize(STREAMS);
	}

	private static List<Long> sequencesUpTo(int size) {
		List<Long> sequences = new ArrayList<>(size);
		for (long n = 1; n <= size; n++) {
			sequences.add(n);
		}
		return sequences;
	}

}
