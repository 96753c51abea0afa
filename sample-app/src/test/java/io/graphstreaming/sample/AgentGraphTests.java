package io.graphstreaming.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.checkpoint.InMemoryCheckpointStore;
import io.graphstreaming.core.event.CheckpointCreatedEvent;
import io.graphstreaming.core.event.CheckpointRestoredEvent;
import io.graphstreaming.core.event.CircuitBreakerStateChangedEvent;
import io.graphstreaming.core.event.ConditionEvaluatedEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.event.NodeFailedEvent;
import io.graphstreaming.core.event.NodeOutputChunkEvent;
import io.graphstreaming.core.event.NodeStartedEvent;
import io.graphstreaming.core.event.ResourceBudgetExhaustedEvent;
import io.graphstreaming.core.event.RetryAttemptedEvent;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.Graph;
import io.graphstreaming.core.graph.GraphDescription;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link AgentGraph}, through the core API only, with an in-memory checkpoint
 * store and no pause between tokens.
 */
class AgentGraphTests {

	private static final String FAST = "tokenDelayMs";

	private final InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();

	private final StreamingGraphExecutor agent = new SampleGraphsConfiguration().agentGraph(this.checkpoints);

	@Test
	void describeShowsTheLoopTheConditionalRouteAndTheFanOutToEveryTool() {
		GraphDescription description = this.agent.describe();
		assertThat(description.id()).isEqualTo("agent");
		assertThat(description.startNode()).isEqualTo("plan");
		assertThat(description.nodes()).extracting(GraphDescription.Node::id)
			.containsExactly("plan", "act", "search", "weather", "calculator", "observe", "answer");
		assertThat(description.nodes()).allSatisfy((node) -> assertThat(node.description()).isNotBlank());
		assertThat(description.edges()).containsExactly(new GraphDescription.Edge("plan", "act", "tools chosen"),
				new GraphDescription.Edge("plan", "answer", null),
				new GraphDescription.Edge("act", "search", "uses search"),
				new GraphDescription.Edge("search", "observe", null),
				new GraphDescription.Edge("act", "weather", "uses weather"),
				new GraphDescription.Edge("weather", "observe", null),
				new GraphDescription.Edge("act", "calculator", "uses calculator"),
				new GraphDescription.Edge("calculator", "observe", null),
				new GraphDescription.Edge("observe", "plan", "needs another step"),
				new GraphDescription.Edge("observe", "answer", null));
		GraphNode weather = this.agent.graph().node("weather");
		Graph weatherTool = weather.subgraph();
		assertThat(weatherTool).isNotNull();
		assertThat(weatherTool.describe().startNode()).isEqualTo("geocode");
		assertThat(weatherTool.describe().nodes()).extracting(GraphDescription.Node::id)
			.containsExactly("geocode", "forecast");
		assertThat(weatherTool.describe().edges()).containsExactly(new GraphDescription.Edge("geocode", "forecast", null));
		assertThat(weatherTool.node("forecast").circuitBreaker().getName()).isEqualTo("weather-service");
		assertThat(this.agent.graph().isFanOut("act")).isTrue();
		assertThat(this.agent.graph().joinOf("act")).isEqualTo("observe");
		assertThat(this.agent.budget().limits()).containsEntry("tokens", 1000.0);
		assertThat(this.agent.checkpointStore()).isSameAs(this.checkpoints);
	}

	@Test
	void defaultQuestionCallsTwoToolsInParallelThenLoopsOnceForTheCalculator() {
		List<GraphExecutionEvent> events = run(Map.of(FAST, 0));
		List<String> completed = topLevel(completed(events));
		assertThat(completed).hasSize(10);
		assertThat(completed.subList(0, 2)).containsExactly("plan", "act");
		assertThat(completed.subList(2, 4)).containsExactlyInAnyOrder("search", "weather");
		assertThat(completed.subList(4, 10)).containsExactly("observe", "plan", "act", "calculator", "observe",
				"answer");
		// The tools of the first step run at once: both start before either completes.
		int lastToolStart = Math.max(index(events, NodeStartedEvent.class, "search"),
				index(events, NodeStartedEvent.class, "weather"));
		int firstToolEnd = Math.min(index(events, NodeCompletedEvent.class, "search"),
				index(events, NodeCompletedEvent.class, "weather"));
		assertThat(lastToolStart).isLessThan(firstToolEnd);
		assertThat(conditions(events, "observe")).containsExactly("needs another step=true", "needs another step=false");
		Map<String, Object> output = finalState(events);
		assertThat(output).containsEntry("step", 2).containsEntry("toolCalls", 3).containsEntry("celsius", 18);
		assertThat(output.get("notes")).isEqualTo(List.of(
				"Search: Paris is the capital of France, on the Seine, with about 2.1 million inhabitants.",
				"Weather: In Paris it is 18 °C with light rain.", "Calculator: 18 * 9 / 5 + 32 = 64.4."));
		assertThat((String) output.get("answer")).startsWith("Here is what I found. ").endsWith("= 64.4.");
	}

	@Test
	void searchTimesOutOnceAndIsRetried() {
		List<GraphExecutionEvent> events = run(Map.of(FAST, 0));
		assertThat(events).filteredOn(RetryAttemptedEvent.class::isInstance)
			.singleElement()
			.isInstanceOfSatisfying(RetryAttemptedEvent.class, (retry) -> {
				assertThat(retry.nodeId()).isEqualTo("search");
				assertThat(retry.attempt()).isEqualTo(2);
				assertThat(retry.delay()).isEqualTo(Duration.ofMillis(50));
				assertThat(retry.errorType()).isEqualTo("ToolTimeoutException");
				assertThat(retry.errorMessage()).isEqualTo("Tool 'search' timed out after 60 ms (simulated, attempt 1)");
			});
		assertThat(events).filteredOn((event) -> event instanceof NodeStartedEvent started
				&& started.nodeId().equals("search")).hasSize(2);
	}

	@Test
	void failuresSetHowOftenSearchTimesOut() {
		assertThat(run(Map.of(FAST, 0, "failures", 0))).noneMatch(RetryAttemptedEvent.class::isInstance);
		List<GraphExecutionEvent> events = run(Map.of(FAST, 0, "failures", 3));
		assertThat(events).filteredOn(RetryAttemptedEvent.class::isInstance)
			.extracting((event) -> ((RetryAttemptedEvent) event).attempt())
			.containsExactly(2, 3, 4);
		assertThat(events.get(events.size() - 1)).isInstanceOf(ExecutionCompletedEvent.class);
	}

	@Test
	void weatherIsASubgraphWhoseNodesStreamUnderItsPathWhileItRuns() {
		List<GraphExecutionEvent> events = run(Map.of(FAST, 0, "question", "Is it warm in Berlin?"));
		assertThat(events).extracting(GraphExecutionEvent::nodeId)
			.filteredOn((nodeId) -> nodeId != null && nodeId.startsWith("weather"))
			.containsExactly("weather", "weather", "weather/geocode", "weather/geocode", "weather/geocode",
					"weather/geocode", "weather/forecast", "weather/forecast", "weather/forecast", "weather/forecast",
					"weather", "weather");
		assertThat(steps(events, "weather/forecast")).containsExactly(GraphExecutionEventType.NODE_ENTERED,
				GraphExecutionEventType.NODE_STARTED, GraphExecutionEventType.NODE_COMPLETED,
				GraphExecutionEventType.NODE_EXITED);
		assertThat(index(events, NodeStartedEvent.class, "weather"))
			.isLessThan(index(events, NodeStartedEvent.class, "weather/geocode"));
		assertThat(index(events, NodeCompletedEvent.class, "weather/forecast"))
			.isLessThan(index(events, NodeCompletedEvent.class, "weather"));
		NodeCompletedEvent weather = (NodeCompletedEvent) events.get(index(events, NodeCompletedEvent.class, "weather"));
		assertThat(weather.output()).containsEntry("city", "Berlin")
			.containsEntry("celsius", 16)
			.containsEntry("observations", List.of("Weather: In Berlin it is 16 °C with sunshine."));
		assertThat(events).noneMatch(CircuitBreakerStateChangedEvent.class::isInstance);
	}

	@Test
	void oneWeatherServiceFailureIsRetriedAndLeavesTheCircuitBreakerClosed() {
		List<GraphExecutionEvent> events = run(Map.of(FAST, 0, "failures", 0, "weatherFailures", 1));
		assertThat(events).filteredOn(RetryAttemptedEvent.class::isInstance)
			.singleElement()
			.isInstanceOfSatisfying(RetryAttemptedEvent.class, (retry) -> {
				assertThat(retry.nodeId()).isEqualTo("weather/forecast");
				assertThat(retry.attempt()).isEqualTo(2);
				assertThat(retry.errorType()).isEqualTo("ServiceUnavailableException");
				assertThat(retry.errorMessage())
					.isEqualTo("Service 'weather-service' answered 503 Service Unavailable (simulated, attempt 1)");
			});
		assertThat(events).noneMatch(CircuitBreakerStateChangedEvent.class::isInstance);
		assertThat(finalState(events)).containsEntry("celsius", 18);
	}

	@Test
	void twoWeatherServiceFailuresInARowOpenTheCircuitBreakerWhichRejectsTheNextAttempt() {
		List<GraphExecutionEvent> events = run(Map.of(FAST, 0, "weatherFailures", 2));
		assertThat(steps(events, "weather/forecast")).containsExactly(GraphExecutionEventType.NODE_ENTERED,
				GraphExecutionEventType.NODE_STARTED, GraphExecutionEventType.RETRY_ATTEMPTED,
				GraphExecutionEventType.NODE_STARTED, GraphExecutionEventType.CIRCUIT_BREAKER_STATE_CHANGED,
				GraphExecutionEventType.RETRY_ATTEMPTED, GraphExecutionEventType.NODE_STARTED,
				GraphExecutionEventType.NODE_FAILED, GraphExecutionEventType.NODE_EXITED,
				GraphExecutionEventType.EXECUTION_FAILED);
		assertThat(transitions(events)).containsExactly("weather/forecast CLOSED->OPEN");
		assertThat(events).filteredOn(NodeFailedEvent.class::isInstance)
			.extracting(GraphExecutionEvent::nodeId)
			.containsExactly("weather/forecast", "weather");
		NodeFailedEvent rejected = (NodeFailedEvent) events.stream()
			.filter(NodeFailedEvent.class::isInstance)
			.findFirst()
			.orElseThrow();
		assertThat(rejected.errorType()).isEqualTo("CircuitBreakerOpenException");
		assertThat(rejected.errorMessage()).isEqualTo("Circuit breaker 'weather-service' of node 'weather/forecast' "
				+ "is OPEN: the call was rejected without running the node");
		assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(ExecutionFailedEvent.class, (failed) -> {
			assertThat(failed.nodeId()).isEqualTo("weather/forecast");
			assertThat(failed.errorType()).isEqualTo("CircuitBreakerOpenException");
		});
	}

	@Test
	void whileTheBreakerIsOpenRunsFailFastAndTheFirstRunAfterItsOpenTimeClosesItAgain() {
		MutableClock clock = new MutableClock();
		StreamingGraphExecutor agent = AgentGraph.create(this.checkpoints, AgentGraph.TOKEN_BUDGET, clock);
		assertThat(transitions(run(agent, Map.of(FAST, 0, "weatherFailures", 3))))
			.containsExactly("weather/forecast CLOSED->OPEN");

		clock.advance(Duration.ofSeconds(WeatherTool.OPEN_SECONDS - 1));
		List<GraphExecutionEvent> rejected = run(agent, Map.of(FAST, 0));
		assertThat(steps(rejected, "weather/forecast")).containsExactly(GraphExecutionEventType.NODE_ENTERED,
				GraphExecutionEventType.NODE_STARTED, GraphExecutionEventType.NODE_FAILED,
				GraphExecutionEventType.NODE_EXITED, GraphExecutionEventType.EXECUTION_FAILED);
		assertThat(transitions(rejected)).isEmpty();
		assertThat(rejected.get(rejected.size() - 1)).isInstanceOfSatisfying(ExecutionFailedEvent.class,
				(failed) -> assertThat(failed.errorType()).isEqualTo("CircuitBreakerOpenException"));

		clock.advance(Duration.ofSeconds(2));
		List<GraphExecutionEvent> trial = run(agent, Map.of(FAST, 0));
		assertThat(transitions(trial)).containsExactly("weather/forecast OPEN->HALF_OPEN",
				"weather/forecast HALF_OPEN->CLOSED");
		assertThat(finalState(trial)).containsEntry("celsius", 18);
	}

	@Test
	void tokensStreamBeforeEachNodeCompletesAndJoinToWhatItWrites() {
		List<GraphExecutionEvent> events = run(Map.of(FAST, 0));
		Map<String, Object> output = finalState(events);
		String answer = (String) output.get("answer");
		int answerCompleted = index(events, NodeCompletedEvent.class, "answer");
		List<NodeOutputChunkEvent> answerTokens = chunks(events, "answer");
		assertThat(answerTokens).hasSizeGreaterThan(10)
			.allSatisfy((token) -> assertThat(events.indexOf(token)).isLessThan(answerCompleted));
		assertThat(answerTokens.stream().map((token) -> (String) token.chunk()).collect(Collectors.joining()))
			.isEqualTo(answer);
		assertThat(answerTokens).extracting(NodeOutputChunkEvent::chunkIndex)
			.containsExactlyElementsOf(range(answerTokens.size()));
		assertThat(chunks(events, "plan").stream().map((token) -> (String) token.chunk()).collect(Collectors.joining()))
			.isEqualTo("To answer this I will call search and weather."
					+ "The forecast is in Celsius; I will convert it to Fahrenheit with the calculator.");
		assertThat(chunks(events, "observe")).isNotEmpty();
		assertThat(events).filteredOn(NodeOutputChunkEvent.class::isInstance)
			.hasSize((Integer) output.get("tokensUsed"));
	}

	@Test
	void aCheckpointFollowsEveryTopLevelNodeAndCanBeResumed() {
		List<GraphExecutionEvent> events = run(Map.of(FAST, 0));
		String executionId = events.get(0).executionId();
		List<CheckpointCreatedEvent> created = events.stream()
			.filter(CheckpointCreatedEvent.class::isInstance)
			.map(CheckpointCreatedEvent.class::cast)
			.toList();
		// Tools inside the parallel step belong to it; the single calculator step is top level.
		assertThat(created).extracting(CheckpointCreatedEvent::nodeId)
			.containsExactly("plan", "act", "observe", "plan", "act", "calculator", "observe", "answer");
		for (int i = 0; i < created.size(); i++) {
			CheckpointCreatedEvent checkpoint = created.get(i);
			assertThat(checkpoint.checkpointId()).isEqualTo(executionId + "-" + (i + 1));
			assertThat(lastCompletedBefore(events, events.indexOf(checkpoint))).isEqualTo(checkpoint.nodeId());
		}
		Checkpoint afterFirstStep = this.checkpoints.load(executionId + "-3").block(Duration.ofSeconds(5));
		assertThat(afterFirstStep.nextNodes()).containsExactly("plan");
		List<GraphExecutionEvent> resumed = this.agent.resumeStream(afterFirstStep.checkpointId())
			.flux()
			.collectList()
			.block(Duration.ofSeconds(20));
		assertThat(resumed.get(1)).isInstanceOf(CheckpointRestoredEvent.class);
		assertThat(completed(resumed)).extracting(NodeCompletedEvent::nodeId)
			.containsExactly("plan", "act", "calculator", "observe", "answer");
		assertThat(finalState(resumed).get("answer")).isEqualTo(finalState(events).get("answer"));
	}

	@Test
	void aQuestionNeedingNoToolGoesStraightToTheAnswer() {
		List<GraphExecutionEvent> events = run(Map.of(FAST, 0, "question", "Hello there"));
		assertThat(completed(events)).extracting(NodeCompletedEvent::nodeId).containsExactly("plan", "answer");
		assertThat(conditions(events, "plan")).containsExactly("tools chosen=false");
		assertThat(finalState(events)).containsEntry("answer",
				"Hello! Ask me about the weather in a city, or for a calculation such as 12 * 7.");
	}

	@Test
	void aQuestionWithWeatherAndArithmeticCallsThreeToolsAtOnceInOneStep() {
		List<GraphExecutionEvent> events = run(Map.of(FAST, 0, "question", "What is the weather in Tokyo, and 3 * 4 + 2?"));
		List<String> completed = topLevel(completed(events));
		assertThat(completed.subList(2, 5)).containsExactlyInAnyOrder("search", "weather", "calculator");
		assertThat(completed.subList(5, 7)).containsExactly("observe", "answer");
		assertThat(finalState(events).get("notes")).isEqualTo(List.of(
				"Search: Tokyo is the capital of Japan and its largest city.",
				"Weather: In Tokyo it is 24 °C with clear skies.", "Calculator: 3 * 4 + 2 = 14."));
	}

	@Test
	void runningOutOfTokensFailsTheRunWithResourceBudgetExhausted() {
		StreamingGraphExecutor small = AgentGraph.create(this.checkpoints, 20);
		List<GraphExecutionEvent> events = small.executeStream(Map.of(FAST, 0)).flux().collectList()
			.block(Duration.ofSeconds(20));
		assertThat(events).filteredOn(ResourceBudgetExhaustedEvent.class::isInstance)
			.singleElement()
			.isInstanceOfSatisfying(ResourceBudgetExhaustedEvent.class, (exhausted) -> {
				assertThat(exhausted.budget()).isEqualTo("tokens");
				assertThat(exhausted.limit()).isEqualTo(20.0);
				assertThat(exhausted.nodeId()).isEqualTo("observe");
			});
		assertThat(events).filteredOn(NodeOutputChunkEvent.class::isInstance).hasSize(20);
		assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(ExecutionFailedEvent.class,
				(failed) -> assertThat(failed.errorType()).isEqualTo("ResourceBudgetExhaustedException"));
	}

	static Stream<Arguments> invalidInputs() {
		return Stream.of(
				Arguments.of("question", 42, "Input 'question' must be a string of at most 500 characters but was 42 (a number)"),
				Arguments.of("question", "x".repeat(501), "Input 'question' must have at most 500 characters but has 501"),
				Arguments.of("tokenDelayMs", -1, "Input 'tokenDelayMs' must be from 0 to 1000 but was -1"),
				Arguments.of("tokenDelayMs", "fast", "Input 'tokenDelayMs' must be a whole number from 0 to 1000 but was \"fast\" (a string)"),
				Arguments.of("failures", 4, "Input 'failures' must be from 0 to 3 but was 4"),
				Arguments.of("weatherFailures", 4, "Input 'weatherFailures' must be from 0 to 3 but was 4"));
	}

	@ParameterizedTest(name = "{0} = {1}")
	@MethodSource("invalidInputs")
	void invalidInputFailsTheRunOrItsCreationWithAPreciseMessage(String key, Object value, String message) {
		List<GraphExecutionEvent> events = run(Map.of(key, value));
		assertThat(completed(events)).isEmpty();
		assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(ExecutionFailedEvent.class, (failed) -> {
			assertThat(failed.errorType()).isEqualTo("IllegalArgumentException");
			assertThat(failed.errorMessage()).isEqualTo(message);
		});
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.agent.createExecution(Map.of(key, value), StreamingExecutionOptions.defaults()))
			.withMessage(message);
	}

	@Test
	void calculatorEvaluatesWithPrecedence() {
		assertThat(AgentTools.calculate("18 * 9 / 5 + 32")).isEqualTo("64.4");
		assertThat(AgentTools.calculate("2 + 3 * 4 - 1")).isEqualTo("13");
		assertThat(AgentTools.calculate("10 - 4 - 3")).isEqualTo("3");
		assertThat(AgentTools.calculate("1 / 3")).isEqualTo("0.333333");
		assertThat(AgentTools.calculate("6 × 7")).isEqualTo("42");
		assertThat(AgentTools.calculate("5 - 5")).isEqualTo("0");
		assertThatThrownBy(() -> AgentTools.calculate("1 / 0")).isInstanceOf(ArithmeticException.class);
		assertThatIllegalArgumentException().isThrownBy(() -> AgentTools.calculate("1 +"));
	}

	@Test
	void tokensJoinToTheText() {
		assertThat(AgentGraph.tokens("Got 2 findings.")).containsExactly("Got ", "2 ", "findings.");
		assertThat(AgentGraph.tokens("")).isEmpty();
	}

	private List<GraphExecutionEvent> run(Map<String, ?> input) {
		return run(this.agent, input);
	}

	private static List<GraphExecutionEvent> run(StreamingGraphExecutor agent, Map<String, ?> input) {
		List<GraphExecutionEvent> events = agent.executeStream(input).flux().collectList()
			.block(Duration.ofSeconds(20));
		assertThat(events).isNotEmpty();
		assertThat(events).filteredOn(GraphExecutionEvent::isTerminal).hasSize(1);
		assertThat(events.get(events.size() - 1).isTerminal()).isTrue();
		return events;
	}

	private static Map<String, Object> finalState(List<GraphExecutionEvent> events) {
		GraphExecutionEvent last = events.get(events.size() - 1);
		assertThat(last).isInstanceOf(ExecutionCompletedEvent.class);
		return ((ExecutionCompletedEvent) last).output();
	}

	private static List<NodeCompletedEvent> completed(List<GraphExecutionEvent> events) {
		return events.stream().filter(NodeCompletedEvent.class::isInstance).map(NodeCompletedEvent.class::cast).toList();
	}

	/**
	 * The completions of top-level nodes, leaving out those inside the weather subgraph.
	 */
	private static List<String> topLevel(List<NodeCompletedEvent> completed) {
		return completed.stream().map(NodeCompletedEvent::nodeId).filter((nodeId) -> !nodeId.contains("/")).toList();
	}

	private static List<GraphExecutionEventType> steps(List<GraphExecutionEvent> events, String nodeId) {
		return events.stream()
			.filter((event) -> nodeId.equals(event.nodeId()))
			.map(GraphExecutionEvent::eventType)
			.toList();
	}

	private static List<String> transitions(List<GraphExecutionEvent> events) {
		return events.stream()
			.filter(CircuitBreakerStateChangedEvent.class::isInstance)
			.map(CircuitBreakerStateChangedEvent.class::cast)
			.map((changed) -> changed.nodeId() + " " + changed.fromState() + "->" + changed.toState())
			.toList();
	}

	private static List<NodeOutputChunkEvent> chunks(List<GraphExecutionEvent> events, String nodeId) {
		return events.stream()
			.filter(NodeOutputChunkEvent.class::isInstance)
			.map(NodeOutputChunkEvent.class::cast)
			.filter((chunk) -> chunk.nodeId().equals(nodeId))
			.toList();
	}

	private static List<String> conditions(List<GraphExecutionEvent> events, String nodeId) {
		return events.stream()
			.filter(ConditionEvaluatedEvent.class::isInstance)
			.map(ConditionEvaluatedEvent.class::cast)
			.filter((condition) -> condition.nodeId().equals(nodeId))
			.map((condition) -> condition.condition() + "=" + condition.result())
			.toList();
	}

	private static int index(List<GraphExecutionEvent> events, Class<? extends GraphExecutionEvent> type,
			String nodeId) {
		for (int i = 0; i < events.size(); i++) {
			GraphExecutionEvent event = events.get(i);
			if (type.isInstance(event) && nodeId.equals(nodeIdOf(event))) {
				return i;
			}
		}
		throw new AssertionError("No " + type.getSimpleName() + " of " + nodeId);
	}

	private static String lastCompletedBefore(List<GraphExecutionEvent> events, int end) {
		for (int i = end - 1; i >= 0; i--) {
			if (events.get(i).eventType() == GraphExecutionEventType.NODE_COMPLETED) {
				return nodeIdOf(events.get(i));
			}
		}
		throw new AssertionError("No NodeCompleted before event " + end);
	}

	private static String nodeIdOf(GraphExecutionEvent event) {
		if (event instanceof NodeStartedEvent started) {
			return started.nodeId();
		}
		return (event instanceof NodeCompletedEvent completed) ? completed.nodeId() : "";
	}

	private static List<Long> range(int size) {
		List<Long> values = new ArrayList<>(size);
		for (long n = 0; n < size; n++) {
			values.add(n);
		}
		return values;
	}

}
