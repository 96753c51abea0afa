package io.graphstreaming.spring.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.ExecutionResult;
import io.graphstreaming.core.execution.ExecutionStatus;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphDescription;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.spring.actuate.GraphStreamingEndpoint.ExecutionReport;
import io.graphstreaming.spring.actuate.GraphStreamingEndpoint.GraphStreamingReport;
import io.graphstreaming.spring.registry.DisconnectPolicy;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.security.DefaultGraphAuthorizer;
import io.graphstreaming.spring.security.GraphAuthorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Tests for {@link GraphStreamingEndpoint} (what JMX serves: everything) and its
 * {@link GraphStreamingEndpointWebExtension} (what HTTP serves: what the authorizer
 * allows the caller).
 */
class GraphStreamingEndpointTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ExecutionRegistry executions = new ExecutionRegistry(10, Duration.ofMinutes(1), Clock.systemUTC());

	private final GraphRegistry graphs = new GraphRegistry(List.of(slowGraph(), quickGraph()),
			(graphId) -> StreamingExecutionOptions.defaults(), this.executions, DisconnectPolicy.CONTINUE);

	private final GraphStreamingEndpoint endpoint = new GraphStreamingEndpoint(this.graphs);

	private static final Authentication ALICE = user("alice", "USER");

	private static final Authentication BOB = user("bob", "USER");

	private static final Authentication ADMIN = user("admin", "GRAPH_ADMIN");

	@AfterEach
	void cancelExecutions() {
		this.executions.cancelAll("test ended");
	}

	@Test
	void constructorShouldRequireTheGraphRegistry() {
		assertThatNullPointerException().isThrownBy(() -> new GraphStreamingEndpoint(null)).withMessage("graphs");
	}

	@Test
	void reportShouldListGraphsWithTheirNodesAndEdges() {
		GraphStreamingReport report = this.endpoint.report();
		assertThat(report.graphs()).extracting(GraphDescription::id).containsExactly("slow", "quick");
		GraphDescription slow = report.graphs().get(0);
		assertThat(slow.startNode()).isEqualTo("prepare");
		assertThat(slow.nodes()).extracting(GraphDescription.Node::id).containsExactly("prepare", "wait");
		assertThat(slow.edges()).containsExactly(new GraphDescription.Edge("prepare", "wait", null));
		assertThat(report.activeExecutions()).isEmpty();
	}

	@Test
	void reportShouldListRunningExecutionsOldestFirstWithTheirState() throws InterruptedException {
		Instant before = Instant.now();
		GraphExecution first = startSlow();
		Thread.sleep(20);
		GraphExecution second = this.graphs.create("slow", Map.of());
		Disposable consumer = second.stream().flux().subscribe();
		awaitNode(second, "wait");
		GraphExecution idle = this.graphs.create("slow", Map.of());
		List<ExecutionReport> active = this.endpoint.report().activeExecutions();
		assertThat(active).extracting(ExecutionReport::executionId)
			.containsExactly(first.executionId(), second.executionId(), idle.executionId());
		ExecutionReport report = active.get(0);
		assertThat(report.graphId()).isEqualTo("slow");
		assertThat(report.status()).isEqualTo("running");
		assertThat(report.currentNode()).isEqualTo("wait");
		assertThat(report.startedAt()).isEqualTo(first.startedAt()).isAfterOrEqualTo(before);
		assertThat(report.ageMs()).isGreaterThanOrEqualTo(20).isLessThan(TIMEOUT.toMillis());
		assertThat(report.consumers()).isZero();
		assertThat(report.eventCount()).isEqualTo(first.eventCount()).isPositive();
		assertThat(report.journalEvents()).isEqualTo(first.eventCount());
		assertThat(active.get(1).consumers()).isEqualTo(1);
		// Created but not yet started counts as running on the wire.
		assertThat(active.get(2).status()).isEqualTo("running");
		assertThat(active.get(2).currentNode()).isNull();
		assertThat(active.get(2).eventCount()).isZero();
		consumer.dispose();
	}

	@Test
	void reportShouldLeaveOutEndedExecutions() {
		GraphExecution quick = this.graphs.start("quick", Map.of());
		assertThat(quick.result().block(TIMEOUT).status()).isEqualTo(ExecutionStatus.COMPLETED);
		GraphExecution slow = startSlow();
		assertThat(this.endpoint.report().activeExecutions()).extracting(ExecutionReport::executionId)
			.containsExactly(slow.executionId());
	}

	@Test
	void executionShouldReportARunningOrRetainedExecution() {
		GraphExecution slow = startSlow();
		ExecutionReport running = this.endpoint.execution(slow.executionId());
		assertThat(running).isNotNull();
		assertThat(running.executionId()).isEqualTo(slow.executionId());
		assertThat(running.status()).isEqualTo("running");
		assertThat(running.currentNode()).isEqualTo("wait");
		GraphExecution quick = this.graphs.start("quick", Map.of());
		quick.result().block(TIMEOUT);
		ExecutionReport completed = this.endpoint.execution(quick.executionId());
		assertThat(completed).isNotNull();
		assertThat(completed.status()).isEqualTo("completed");
		assertThat(completed.eventCount()).isEqualTo(quick.eventCount());
	}

	@Test
	void executionShouldBeNullForAnUnknownId() {
		assertThat(this.endpoint.execution("no-such-execution")).isNull();
	}

	@Test
	void cancelShouldCancelARunningExecutionAndReportIt() {
		GraphExecution slow = startSlow();
		List<GraphExecutionEvent> events = new CopyOnWriteArrayList<>();
		slow.stream().flux().subscribe(events::add);
		ExecutionReport report = this.endpoint.cancel(slow.executionId());
		assertThat(report).isNotNull();
		assertThat(report.executionId()).isEqualTo(slow.executionId());
		assertThat(report.status()).isEqualTo("cancelled");
		ExecutionResult result = slow.result().block(TIMEOUT);
		assertThat(result.status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertThat(result.errorMessage()).isEqualTo("cancelled through the graphstreaming actuator endpoint");
		assertThat(events).last()
			.satisfies((event) -> assertThat(event.eventType()).isEqualTo(GraphExecutionEventType.EXECUTION_CANCELLED));
		assertThat(this.endpoint.report().activeExecutions()).isEmpty();
		assertThat(this.executions.activeCount()).isZero();
	}

	@Test
	void cancelShouldCancelAnExecutionThatHasNotStarted() {
		GraphExecution idle = this.graphs.create("slow", Map.of());
		ExecutionReport report = this.endpoint.cancel(idle.executionId());
		assertThat(report).isNotNull();
		assertThat(report.status()).isEqualTo("cancelled");
		assertThat(this.executions.activeCount()).isZero();
	}

	@Test
	void cancelShouldLeaveAnEndedExecutionAsItEnded() {
		GraphExecution quick = this.graphs.start("quick", Map.of());
		quick.result().block(TIMEOUT);
		ExecutionReport report = this.endpoint.cancel(quick.executionId());
		assertThat(report).isNotNull();
		assertThat(report.status()).isEqualTo("completed");
		assertThat(quick.status()).isEqualTo(ExecutionStatus.COMPLETED);
	}

	@Test
	void cancelShouldBeNullForAnUnknownId() {
		assertThat(this.endpoint.cancel("no-such-execution")).isNull();
	}

	@Test
	void webExtensionConstructorShouldRequireTheEndpointAndTheAuthorizer() {
		assertThatNullPointerException()
			.isThrownBy(() -> new GraphStreamingEndpointWebExtension(null, GraphAuthorizer.permitAll()))
			.withMessage("delegate");
		assertThatNullPointerException().isThrownBy(() -> new GraphStreamingEndpointWebExtension(this.endpoint, null))
			.withMessage("authorizer");
	}

	@Test
	void webExtensionCancelShouldAnswerTheReportOfACancelledExecution() {
		GraphExecution slow = startSlow();
		WebEndpointResponse<Object> response = as(webExtension().cancel(slow.executionId()), ALICE);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getBody()).isInstanceOfSatisfying(ExecutionReport.class,
				(report) -> assertThat(report.status()).isEqualTo("cancelled"));
		assertThat(slow.status()).isEqualTo(ExecutionStatus.CANCELLED);
	}

	@Test
	void webExtensionCancelShouldAnswer404ForAnUnknownExecution() {
		WebEndpointResponse<Object> response = as(webExtension().cancel("no-such-execution"), ADMIN);
		assertThat(response.getStatus()).isEqualTo(404);
		assertThat(response.getBody()).isNull();
	}

	@Test
	void webExtensionCancelOfAnotherUsersExecutionShouldAnswer403ProblemAndLeaveItRunning() {
		GraphExecution alices = startSlow("alice");
		WebEndpointResponse<Object> response = as(webExtension().cancel(alices.executionId()), BOB);
		assertThat(response.getStatus()).isEqualTo(403);
		assertThat(response.getContentType()).hasToString("application/problem+json");
		assertThat(response.getBody()).isEqualTo(Map.of("type", "about:blank", "title", "Forbidden", "status", 403,
				"detail", "Not allowed to CANCEL execution '" + alices.executionId() + "' of graph 'slow'"));
		assertThat(alices.status()).isEqualTo(ExecutionStatus.RUNNING);
	}

	@Test
	void webExtensionCancelShouldBeAllowedToTheOwnerAndTheAdminRole() {
		GraphExecution first = startSlow("alice");
		GraphExecution second = startSlow("alice");
		assertThat(as(webExtension().cancel(first.executionId()), ALICE).getStatus()).isEqualTo(200);
		assertThat(as(webExtension().cancel(second.executionId()), ADMIN).getStatus()).isEqualTo(200);
		assertThat(first.status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertThat(second.status()).isEqualTo(ExecutionStatus.CANCELLED);
	}

	@Test
	void webExtensionReportShouldListOnlyTheExecutionsTheCallerMayRead() {
		GraphExecution alices = startSlow("alice");
		GraphExecution bobs = startSlow("bob");
		GraphExecution anonymous = startSlow();
		assertThat(activeIds(null)).containsExactlyInAnyOrder(anonymous.executionId());
		assertThat(activeIds(ALICE)).containsExactlyInAnyOrder(alices.executionId(), anonymous.executionId());
		assertThat(activeIds(BOB)).containsExactlyInAnyOrder(bobs.executionId(), anonymous.executionId());
		assertThat(activeIds(ADMIN)).containsExactlyInAnyOrder(alices.executionId(), bobs.executionId(),
				anonymous.executionId());
	}

	@Test
	void webExtensionReportShouldListOnlyTheGraphsTheCallerMayDescribe() {
		GraphAuthorizer noQuick = (access) -> Mono.just(!access.graphId().equals("quick"));
		GraphStreamingReport report = as(new GraphStreamingEndpointWebExtension(this.endpoint, noQuick).report(), ADMIN);
		assertThat(report.graphs()).extracting(GraphDescription::id).containsExactly("slow");
	}

	@Test
	void webExtensionShouldTreatAnEmptyAuthorizerAnswerAsARefusal() {
		GraphExecution slow = startSlow();
		GraphStreamingEndpointWebExtension extension = new GraphStreamingEndpointWebExtension(this.endpoint,
				(access) -> Mono.empty());
		assertThat(as(extension.report(), ADMIN).activeExecutions()).isEmpty();
		assertThat(as(extension.cancel(slow.executionId()), ADMIN).getStatus()).isEqualTo(403);
		assertThat(slow.status()).isEqualTo(ExecutionStatus.RUNNING);
	}

	@Test
	void webExtensionExecutionShouldNeedReadAccess() {
		GraphExecution alices = startSlow("alice");
		WebEndpointResponse<Object> refused = as(webExtension().execution(alices.executionId()), BOB);
		WebEndpointResponse<Object> owner = as(webExtension().execution(alices.executionId()), ALICE);
		assertThat(refused.getStatus()).isEqualTo(403);
		assertThat(refused.getBody()).asString()
			.contains("Not allowed to READ execution '" + alices.executionId() + "' of graph 'slow'");
		assertThat(owner.getStatus()).isEqualTo(200);
		assertThat(owner.getBody()).isInstanceOfSatisfying(ExecutionReport.class,
				(report) -> assertThat(report.executionId()).isEqualTo(alices.executionId()));
		assertThat(as(webExtension().execution("no-such-execution"), ADMIN).getStatus())
			.isEqualTo(404);
	}

	private GraphStreamingEndpointWebExtension webExtension() {
		return new GraphStreamingEndpointWebExtension(this.endpoint, new DefaultGraphAuthorizer("GRAPH_ADMIN"));
	}

	private List<String> activeIds(@Nullable Authentication caller) {
		return as(webExtension().report(), caller).activeExecutions()
			.stream()
			.map(ExecutionReport::executionId)
			.toList();
	}

	/**
	 * Runs an operation as Spring Security's WebFlux filters would for an authenticated
	 * caller, or for an anonymous one ({@code null}).
	 */
	private static <T> T as(Mono<T> operation, @Nullable Authentication caller) {
		Mono<T> run = (caller != null)
				? operation.contextWrite(ReactiveSecurityContextHolder.withAuthentication(caller)) : operation;
		return run.block(TIMEOUT);
	}

	private GraphExecution startSlow(String owner) {
		GraphExecution execution = this.graphs.start("slow", Map.of(), owner);
		awaitNode(execution, "wait");
		return execution;
	}

	private GraphExecution startSlow() {
		GraphExecution execution = this.graphs.start("slow", Map.of());
		awaitNode(execution, "wait");
		return execution;
	}

	private static void awaitNode(GraphExecution execution, String node) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!node.equals(execution.currentNode()) && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		assertThat(execution.currentNode()).isEqualTo(node);
	}

	private static Authentication user(String name, String role) {
		return UsernamePasswordAuthenticationToken.authenticated(name, "n/a",
				List.of(new SimpleGrantedAuthority("ROLE_" + role)));
	}

	/**
	 * Two nodes; the second waits until the execution is cancelled.
	 */
	private static StreamingGraphExecutor slowGraph() {
		StreamingGraphExecutor graph = new StreamingGraphExecutor("slow", "waits until cancelled");
		graph.addNode(GraphNode.of("prepare", (state, context) -> Map.of("prepared", true)))
			.addNode(GraphNode.async("wait", (state, context) -> Mono.never()))
			.connect("prepare", "wait")
			.setStartNode("prepare");
		return graph;
	}

	private static StreamingGraphExecutor quickGraph() {
		StreamingGraphExecutor graph = new StreamingGraphExecutor("quick", "one node");
		graph.addNode(GraphNode.of("only", (state, context) -> Map.of("done", true))).setStartNode("only");
		return graph;
	}

}
