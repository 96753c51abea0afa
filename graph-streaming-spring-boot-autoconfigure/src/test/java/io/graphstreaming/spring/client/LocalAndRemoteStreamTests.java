package io.graphstreaming.spring.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.event.Heartbeat;
import io.graphstreaming.core.event.NodeOutputChunkEvent;
import io.graphstreaming.core.event.StreamItem;
import io.graphstreaming.core.stream.GraphExecutionEventStream;
import io.graphstreaming.core.stream.StreamStatus;
import io.graphstreaming.spring.client.testapp.ClientTestApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One piece of consumer code, run against an in-process {@code StreamingGraphExecutor}
 * stream and against a remote one over each transport: filters, batches, adaptive
 * batches and heartbeats give the same events, and the streams end the same way.
 */
class LocalAndRemoteStreamTests extends AbstractRemoteClientTests {

	private static final Map<String, Object> INPUT = Map.of("nodes", 6, "chunks", 2, "delayMs", 2);

	@ParameterizedTest
	@EnumSource(value = ConnectionType.class, names = { "SSE", "WEBSOCKET", "POLLING" })
	void sameConsumerCodeGivesTheSameResultLocallyAndRemotely(ConnectionType transport) {
		GraphStreamClient client = client(this.port, transport, reconnecting(3)).build();

		Summary local = consume(() -> ClientTestApplication.synthetic().executeStream(INPUT, reconnecting(3)));
		Summary remote = consume(() -> client.stream(ClientTestApplication.SYNTHETIC, INPUT));

		assertThat(local.completedSteps()).hasSize(6 * 2 + 6 + 1);
		assertThat(local.evenStepEvents()).isNotEmpty();
		assertThat(remote).isEqualTo(local);
	}

	/**
	 * The consumer: it only knows {@link GraphExecutionEventStream}.
	 */
	private static Summary consume(StreamFactory streams) {
		GraphExecutionEventStream steps = streams.create()
			.filter(GraphExecutionEventType.NODE_OUTPUT_CHUNK, GraphExecutionEventType.NODE_COMPLETED,
					GraphExecutionEventType.EXECUTION_COMPLETED);
		List<List<GraphExecutionEvent>> batches = steps.buffer(4).collectList().block(Duration.ofSeconds(10));
		List<String> completedSteps = Objects.requireNonNull(batches)
			.stream()
			.flatMap(List::stream)
			.map(LocalAndRemoteStreamTests::describe)
			.toList();
		List<Integer> batchSizes = batches.stream().map(List::size).toList();

		GraphExecutionEventStream evenStepEvents = streams.create()
			.filterByNode("step")
			.filter((event) -> event.sequence() % 2 == 0);
		List<String> even = evenStepEvents.flux().map(LocalAndRemoteStreamTests::describe).collectList().block();

		List<List<GraphExecutionEvent>> adaptive = streams.create()
			.withAdaptiveBuffering(1, 8, Duration.ofMillis(20))
			.collectList()
			.block(Duration.ofSeconds(10));
		List<String> adaptiveEvents = Objects.requireNonNull(adaptive)
			.stream()
			.flatMap(List::stream)
			.map(LocalAndRemoteStreamTests::describe)
			.toList();

		List<StreamItem> withHeartbeats = streams.create().withHeartbeats().collectList().block(Duration.ofSeconds(10));
		List<String> heartbeatStreamEvents = Objects.requireNonNull(withHeartbeats)
			.stream()
			.filter((item) -> !(item instanceof Heartbeat))
			.map((item) -> describe((GraphExecutionEvent) item))
			.toList();

		return new Summary(completedSteps, batchSizes, steps.status(), even, evenStepEvents.status(), adaptiveEvents,
				heartbeatStreamEvents);
	}

	private static String describe(GraphExecutionEvent event) {
		String text = event.sequence() + " " + event.eventType().wireName() + " " + event.nodeId();
		return (event instanceof NodeOutputChunkEvent chunk) ? text + " " + chunk.chunk() : text;
	}

	@FunctionalInterface
	private interface StreamFactory {

		GraphExecutionEventStream create();

	}

	private record Summary(List<String> completedSteps, List<Integer> batchSizes, StreamStatus status,
			List<String> evenStepEvents, StreamStatus evenStatus, List<String> adaptiveEvents,
			List<String> heartbeatStreamEvents) {
	}

}
