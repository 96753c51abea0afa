package io.graphstreaming.core.execution;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;

import static io.graphstreaming.core.TestEvents.wireNames;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a graph to its end and reads the events of one run, for the engine tests.
 */
final class RunEvents {

	/** How long a test waits for a run, a latch or a barrier before it fails. */
	static final long TIMEOUT_SECONDS = 10;

	private RunEvents() {
	}

	/**
	 * Runs the graph through its cold stream and collects every event.
	 * @param executor the graph
	 * @return the events, ending with the terminal one
	 */
	static List<GraphExecutionEvent> run(StreamingGraphExecutor executor) {
		List<GraphExecutionEvent> events = executor.executeStream(Map.of()).flux().collectList().block(timeout());
		assertThat(events).as("the run ended in time").isNotNull();
		return events;
	}

	/**
	 * The final state of a completed run.
	 * @param events the run's events
	 * @return the state carried by {@code ExecutionCompleted}
	 */
	static Map<String, Object> finalState(List<GraphExecutionEvent> events) {
		GraphExecutionEvent last = events.get(events.size() - 1);
		assertThat(last).as("terminal event").isInstanceOf(ExecutionCompletedEvent.class);
		Map<String, Object> output = ((ExecutionCompletedEvent) last).output();
		assertThat(output).isNotNull();
		return output;
	}

	/**
	 * Where the first event of a type and node is.
	 * @param events the events
	 * @param wireName e.g. {@code NodeStarted}
	 * @param nodeId the node
	 * @return its index; an {@code AssertionError} if there is none
	 */
	static int indexOf(List<GraphExecutionEvent> events, String wireName, String nodeId) {
		for (int i = 0; i < events.size(); i++) {
			GraphExecutionEvent event = events.get(i);
			if (event.eventType().wireName().equals(wireName) && nodeId.equals(event.nodeId())) {
				return i;
			}
		}
		throw new AssertionError("No " + wireName + " of node '" + nodeId + "' in " + wireNames(events));
	}

	/**
	 * The wire names of one node's events, in order.
	 * @param events the events
	 * @param nodeId the node
	 * @return e.g. {@code NodeEntered, NodeStarted, NodeCompleted, NodeExited}
	 */
	static List<String> stepsOf(List<GraphExecutionEvent> events, String nodeId) {
		return events.stream()
			.filter((event) -> nodeId.equals(event.nodeId()))
			.map((event) -> event.eventType().wireName())
			.toList();
	}

	static Duration timeout() {
		return Duration.ofSeconds(TIMEOUT_SECONDS);
	}

}
