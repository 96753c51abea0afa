package io.graphstreaming.spring.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.graph.GraphDescription;
import io.graphstreaming.spring.registry.GraphRegistry;

/**
 * The {@code graphstreaming} Actuator endpoint (web and JMX): the registered graphs with
 * their nodes and edges, the executions not yet ended (id, graph, status, current node,
 * age, consumers, journal size), and a write operation that cancels one execution.
 *
 * <p>The operations of this class show and cancel every execution: they are what JMX
 * serves, and JMX has no caller to ask the {@code GraphAuthorizer} about. Whoever can
 * reach the application's MBean server administers the whole JVM already (it can stop
 * the application, change its logging, read its memory), so JMX keeps full access. Over
 * HTTP, {@link GraphStreamingEndpointWebExtension} replaces all three operations with
 * ones that consult the {@code GraphAuthorizer} with the caller.
 */
@Endpoint(id = "graphstreaming")
public class GraphStreamingEndpoint {

	/** The reason carried by the {@code ExecutionCancelled} event of a cancel through the endpoint. */
	public static final String CANCEL_REASON = "cancelled through the graphstreaming actuator endpoint";

	/** How long a cancel of a replica waits for its owner's terminal event. */
	private static final Duration REPLICA_CANCEL_WAIT = Duration.ofSeconds(2);

	private final GraphRegistry graphs;

	/**
	 * Creates the endpoint.
	 * @param graphs the graph registry
	 */
	public GraphStreamingEndpoint(GraphRegistry graphs) {
		this.graphs = Objects.requireNonNull(graphs, "graphs");
	}

	/**
	 * Graphs and active executions, all of them (see the class description for why JMX
	 * is not filtered).
	 * @return the report
	 */
	@ReadOperation
	public GraphStreamingReport report() {
		Instant now = Instant.now();
		List<ExecutionReport> active = activeExecutions().stream()
			.map((execution) -> ExecutionReport.of(execution, now))
			.toList();
		return new GraphStreamingReport(this.graphs.describeAll(), active);
	}

	/**
	 * The registry the endpoint reports on.
	 */
	GraphRegistry graphs() {
		return this.graphs;
	}

	/**
	 * The executions not yet ended, oldest first.
	 */
	List<GraphExecution> activeExecutions() {
		return this.graphs.allExecutions()
			.stream()
			.filter((execution) -> !execution.status().isFinished())
			.sorted(Comparator.comparing(GraphExecution::createdAt))
			.toList();
	}

	/**
	 * One execution, running or retained.
	 * @param executionId the execution
	 * @return its report, or {@code null} (404) when unknown
	 */
	@ReadOperation
	public @Nullable ExecutionReport execution(@Selector String executionId) {
		return this.graphs.lookup(executionId)
			.map((execution) -> ExecutionReport.of(execution, Instant.now()))
			.orElse(null);
	}

	/**
	 * Cancels an execution.
	 * @param executionId the execution
	 * @return its report after the cancellation, or {@code null} when unknown (over HTTP,
	 * {@link GraphStreamingEndpointWebExtension} turns that into a 404)
	 */
	@WriteOperation
	public @Nullable ExecutionReport cancel(@Selector String executionId) {
		return this.graphs.lookup(executionId).map((execution) -> {
			execution.cancel(CANCEL_REASON);
			if (execution.isReplica()) {
				// its owner may be another instance: give the terminal event a moment to arrive
				try {
					execution.result().toFuture().get(REPLICA_CANCEL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				catch (ExecutionException | TimeoutException ex) {
					// report the status as it is now
				}
			}
			return ExecutionReport.of(execution, Instant.now());
		}).orElse(null);
	}

	/**
	 * Cancels an execution without blocking, for the web extension (whose reactive
	 * operations run on the server's event loop): a replica's report waits, up to two
	 * seconds, for the terminal event from the instance that owns it.
	 * @param execution the execution
	 * @return its report after the cancellation
	 */
	Mono<ExecutionReport> cancel(GraphExecution execution) {
		execution.cancel(CANCEL_REASON);
		Mono<?> settled = execution.isReplica()
				? execution.result().timeout(REPLICA_CANCEL_WAIT).onErrorResume((ex) -> Mono.empty()) : Mono.empty();
		return settled.then(Mono.fromSupplier(() -> ExecutionReport.of(execution, Instant.now())));
	}

	/**
	 * What the endpoint reports.
	 *
	 * @param graphs the registered graphs
	 * @param activeExecutions executions not yet ended, oldest first
	 */
	public record GraphStreamingReport(List<GraphDescription> graphs, List<ExecutionReport> activeExecutions) {
	}

	/**
	 * One execution.
	 *
	 * @param executionId the id
	 * @param graphId the graph
	 * @param status running, completed, failed or cancelled
	 * @param currentNode the node running now, if any
	 * @param startedAt when it started
	 * @param ageMs how long ago it started, in milliseconds
	 * @param consumers consumers attached now
	 * @param journalEvents events kept in its journal
	 * @param eventCount events emitted so far
	 */
	public record ExecutionReport(String executionId, String graphId, String status, @Nullable String currentNode,
			Instant startedAt, long ageMs, int consumers, long journalEvents, long eventCount) {

		static ExecutionReport of(GraphExecution execution, Instant now) {
			long journalEvents = Math.max(0, execution.journal().head() - execution.journal().firstRetained() + 1);
			return new ExecutionReport(execution.executionId(), execution.graphId(),
					execution.status().wireValue(), execution.currentNode(), execution.startedAt(),
					Duration.between(execution.startedAt(), now).toMillis(), execution.consumerCount(), journalEvents,
					execution.eventCount());
		}

	}

}
