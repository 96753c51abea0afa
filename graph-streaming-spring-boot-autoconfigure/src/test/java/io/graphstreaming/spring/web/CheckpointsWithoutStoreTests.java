package io.graphstreaming.spring.web;

import org.junit.jupiter.api.Test;

/**
 * The checkpoint endpoints of graphs that keep no checkpoints (the shared test server
 * leaves {@code graph.streaming.checkpoints.enabled} off): 404 saying so.
 */
class CheckpointsWithoutStoreTests extends AbstractWebTransportTests {

	private static final String NO_STORE = "Graph 'demo' keeps no checkpoints";

	@Test
	void listingCheckpointsIsNotFound() {
		String path = "/graphs/demo/executions/some-execution/checkpoints";
		assertProblem(this.client.get(path), 404, "Not Found", NO_STORE, path);
	}

	@Test
	void readingACheckpointIsNotFound() {
		String path = "/graphs/demo/checkpoints/some-execution-1";
		assertProblem(this.client.get(path), 404, "Not Found", NO_STORE, path);
	}

	@Test
	void resumingIsNotFound() {
		String path = "/graphs/demo/executions/some-execution/resume";
		assertProblem(this.client.post(path, null), 404, "Not Found", NO_STORE, path);
		assertProblem(this.client.post(path + "/stream", "{\"checkpointId\":\"some-execution-1\"}"), 404, "Not Found",
				NO_STORE, path + "/stream");
	}

}
