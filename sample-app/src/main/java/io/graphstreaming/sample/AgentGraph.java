package io.graphstreaming.sample;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.checkpoint.CheckpointStore;
import io.graphstreaming.core.execution.ExecutionBudget;
import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.GraphState;
import io.graphstreaming.core.graph.MergePolicy;
import io.graphstreaming.core.graph.NodeContext;
import io.graphstreaming.core.graph.RetryPolicy;

/**
 * The {@code agent} graph: a small tool-using agent loop with simulated language-model
 * streaming, deterministic so that its events can be asserted (see {@link AgentInput}
 * for the input and {@link AgentTools} for the rules).
 *
 * <pre>
 * plan --"tools chosen"--&gt; act ==&gt; search     ("uses search")     --&gt; observe --"needs another step"--&gt; plan
 *   \                        ==&gt; weather    ("uses weather")    --&gt; observe --&gt; answer
 *    \--&gt; answer            ==&gt; calculator ("uses calculator") --&gt; observe
 *
 * weather = subgraph: geocode --&gt; forecast (circuit breaker)
 * </pre>
 *
 * <ul>
 * <li>{@code plan} thinks aloud (streamed token by token as {@code NodeOutputChunk}
 * events) and chooses the step's {@code tools}; a conditional route goes to {@code act}
 * when it chose some, else straight to {@code answer}.</li>
 * <li>{@code act} is a fan-out node: every tool whose edge condition holds runs at once,
 * as parallel branches joining at {@code observe}. Each tool writes its finding as a
 * one-element {@value #OBSERVATIONS} list, merged with {@code MergePolicy.listAppend()}.
 * {@code search} times out {@code failures} times per call before it answers; its retry
 * policy retries that timeout after {@value #RETRY_DELAY_MS} ms. {@code weather} is a
 * subgraph ({@link WeatherTool}): its nodes {@code weather/geocode} and
 * {@code weather/forecast} stream their events under that path, and the external
 * service the forecast calls is guarded by a circuit breaker.</li>
 * <li>{@code observe} adds the step's observations to {@value #NOTES} and loops back to
 * {@code plan} while a follow-up is needed (with the default question: converting the
 * temperature to Fahrenheit with the calculator), at most {@value #MAX_STEPS} steps.</li>
 * <li>{@code answer} streams the final {@value #ANSWER}.</li>
 * </ul>
 *
 * <p>Every streamed token draws one unit of the {@value #TOKENS} budget
 * ({@value #TOKEN_BUDGET} per run; a run that needs more fails with
 * {@code ResourceBudgetExhausted}), and a checkpoint is saved after every top-level node.
 * At the default 15 ms per token a run takes about two seconds.
 */
public final class AgentGraph {

	/** The graph id. */
	public static final String ID = "agent";

	/** The name of the token budget. */
	static final String TOKENS = "tokens";

	/** Tokens one run may stream. */
	static final int TOKEN_BUDGET = 1000;

	/** The most plan-act-observe steps of one run. */
	static final int MAX_STEPS = 3;

	/** The back-off before search runs again after a timeout. */
	static final long RETRY_DELAY_MS = 50;

	/** The state key of the step's findings, one per tool. */
	static final String OBSERVATIONS = "observations";

	/** The state key of every finding so far. */
	static final String NOTES = "notes";

	/** The state key of the final answer. */
	static final String ANSWER = "answer";

	private static final long SEARCH_MS = 120;

	private static final long CALCULATOR_MS = 20;

	private static final long TIMEOUT_MS = 60;

	private AgentGraph() {
	}

	/**
	 * Builds the graph.
	 * @param checkpoints where the checkpoint after every node goes
	 * @return a new executor named {@value #ID}
	 */
	public static StreamingGraphExecutor create(CheckpointStore checkpoints) {
		return create(checkpoints, TOKEN_BUDGET);
	}

	/**
	 * Builds the graph with another token budget.
	 * @param checkpoints where the checkpoint after every node goes
	 * @param tokenBudget tokens one run may stream
	 * @return a new executor named {@value #ID}
	 */
	static StreamingGraphExecutor create(CheckpointStore checkpoints, int tokenBudget) {
		return create(checkpoints, tokenBudget, Clock.systemUTC());
	}

	/**
	 * Builds the graph with another token budget and another clock for the weather
	 * service's circuit breaker (tests move it past the breaker's open time).
	 * @param checkpoints where the checkpoint after every node goes
	 * @param tokenBudget tokens one run may stream
	 * @param breakerClock the clock of the weather service's circuit breaker
	 * @return a new executor named {@value #ID}
	 */
	static StreamingGraphExecutor create(CheckpointStore checkpoints, int tokenBudget, Clock breakerClock) {
		Objects.requireNonNull(checkpoints, "checkpoints");
		StreamingGraphExecutor executor = new ValidatingGraphExecutor(ID,
				"Agent loop: plans, calls tools in parallel (search retries; weather is a subgraph whose service is "
						+ "behind a circuit breaker), loops until done and streams its answer token by token; "
						+ "input question, tokenDelayMs, failures, weatherFailures",
				AgentInput::from);
		RetryPolicy searchRetry = RetryPolicy.builder()
			.maxAttempts(AgentInput.MAX_FAILURES + 1)
			.initialDelay(Duration.ofMillis(RETRY_DELAY_MS))
			.maxDelay(Duration.ofMillis(RETRY_DELAY_MS))
			.multiplier(1)
			.jitter(0)
			.retryOn(ToolTimeoutException.class)
			.build();
		executor.addNode(GraphNode.async("plan", AgentGraph::plan)
			.withMaxIterations(MAX_STEPS)
			.withDescription("Thinks aloud (streamed tokens) and chooses the step's tools"));
		executor.addNode(GraphNode.of("act", AgentGraph::act)
			.nonBlocking()
			.withMaxIterations(MAX_STEPS)
			.withDescription("Calls the chosen tools at once (fan-out)"));
		executor.addNode(GraphNode.async(AgentTools.SEARCH, AgentGraph::search)
			.withRetry(searchRetry)
			.withDescription("Searches the web (simulated); times out 'failures' times first"));
		executor.addNode(WeatherTool.node(breakerClock));
		executor.addNode(GraphNode.async(AgentTools.CALCULATOR, AgentGraph::calculator)
			.withDescription("Evaluates arithmetic"));
		executor.addNode(GraphNode.async("observe", AgentGraph::observe)
			.withMaxIterations(MAX_STEPS)
			.withDescription("Notes the tools' findings and decides whether another step is needed"));
		executor.addNode(GraphNode.async(ANSWER, AgentGraph::answer)
			.withDescription("Streams the final answer token by token"));
		executor.connect("plan", "act", "tools chosen", (state) -> !tools(state).isEmpty())
			.connect("plan", ANSWER);
		for (String tool : AgentTools.ALL) {
			executor.connect("act", tool, "uses " + tool, (state) -> tools(state).contains(tool))
				.connect(tool, "observe");
		}
		executor.connect("observe", "plan", "needs another step", (state) -> followUp(state) != null)
			.connect("observe", ANSWER);
		executor.fanOut("act");
		executor.mergePolicy(OBSERVATIONS, MergePolicy.listAppend());
		executor.budget(ExecutionBudget.builder().limit(TOKENS, tokenBudget).build());
		executor.checkpoints(checkpoints);
		executor.setStartNode("plan");
		return executor;
	}

	private static Mono<Map<String, @Nullable Object>> plan(GraphState state, NodeContext context) {
		AgentInput input = AgentInput.from(state);
		int step = state.getInt("step", 0) + 1;
		Map<String, @Nullable Object> written = new LinkedHashMap<>();
		written.put("step", step);
		List<String> tools;
		String thought;
		if (step == 1) {
			tools = AgentTools.firstTools(input.question());
			thought = tools.isEmpty() ? "I can answer this directly."
					: "To answer this I will call " + String.join(" and ", tools) + ".";
			String expression = AgentTools.expression(input.question());
			if (tools.contains(AgentTools.CALCULATOR) && expression != null) {
				written.put("expression", expression);
			}
		}
		else {
			String expression = Objects.requireNonNull(followUp(state));
			tools = List.of(AgentTools.CALCULATOR);
			thought = "The forecast is in Celsius; I will convert it to Fahrenheit with the calculator.";
			written.put("expression", expression);
		}
		written.put("tools", tools);
		written.put("thought", thought);
		return speak(context, thought, input.tokenDelayMs(), state, written);
	}

	private static Map<String, @Nullable Object> act(GraphState state, NodeContext context) {
		return Map.of("toolCalls", state.getInt("toolCalls", 0) + tools(state).size());
	}

	private static Mono<Map<String, @Nullable Object>> search(GraphState state, NodeContext context) {
		AgentInput input = AgentInput.from(state);
		if (context.attempt() <= input.failures()) {
			return Mono.delay(Duration.ofMillis(TIMEOUT_MS))
				.then(Mono.error(new ToolTimeoutException(AgentTools.SEARCH, TIMEOUT_MS, context.attempt())));
		}
		return Mono.delay(Duration.ofMillis(SEARCH_MS))
			.map((tick) -> observation("Search: " + AgentTools.search(input.question())));
	}

	private static Mono<Map<String, @Nullable Object>> calculator(GraphState state, NodeContext context) {
		String expression = state.getOrDefault("expression", "0");
		return Mono.delay(Duration.ofMillis(CALCULATOR_MS)).map((tick) -> {
			String result;
			try {
				result = AgentTools.calculate(expression);
			}
			catch (ArithmeticException ex) {
				return observation("Calculator: " + expression + " is undefined (" + ex.getMessage() + ").");
			}
			Map<String, @Nullable Object> written = observation("Calculator: " + expression + " = " + result + ".");
			written.put("result", result);
			return written;
		});
	}

	private static Mono<Map<String, @Nullable Object>> observe(GraphState state, NodeContext context) {
		List<String> observations = strings(state.get(OBSERVATIONS));
		List<String> notes = new ArrayList<>(strings(state.get(NOTES)));
		notes.addAll(observations);
		Map<String, @Nullable Object> written = new LinkedHashMap<>();
		written.put(NOTES, List.copyOf(notes));
		String reflection = "Got " + observations.size() + ((observations.size() == 1) ? " finding" : " findings")
				+ " from " + String.join(" and ", tools(state)) + ". "
				+ ((followUp(state) != null) ? "One more step is needed." : "That is enough to answer.");
		return speak(context, reflection, AgentInput.from(state).tokenDelayMs(), state, written);
	}

	private static Mono<Map<String, @Nullable Object>> answer(GraphState state, NodeContext context) {
		AgentInput input = AgentInput.from(state);
		List<String> notes = strings(state.get(NOTES));
		String answer = notes.isEmpty()
				? "Hello! Ask me about the weather in a city, or for a calculation such as 12 * 7."
				: "Here is what I found. " + String.join(" ", notes);
		Map<String, @Nullable Object> written = new LinkedHashMap<>();
		written.put(ANSWER, answer);
		return speak(context, answer, input.tokenDelayMs(), state, written);
	}

	/**
	 * Streams a text token by token (a word and the space after it), drawing one unit of
	 * the token budget per token, then writes the node's values with the tokens used so
	 * far.
	 */
	private static Mono<Map<String, @Nullable Object>> speak(NodeContext context, String text, long tokenDelayMs,
			GraphState state, Map<String, @Nullable Object> written) {
		List<String> tokens = tokens(text);
		return Flux.fromIterable(tokens)
			.concatMap((token) -> pause(tokenDelayMs).then(Mono.defer(() -> {
				context.consume(TOKENS, 1);
				return context.emitChunkAndAwaitCapacity(token);
			})))
			.then(Mono.fromSupplier(() -> {
				written.put("tokensUsed", state.getInt("tokensUsed", 0) + tokens.size());
				return written;
			}));
	}

	/**
	 * The tokens of a text: each word with the space that follows it, so that the chunks
	 * joined are the text.
	 */
	static List<String> tokens(String text) {
		List<String> tokens = new ArrayList<>();
		int start = 0;
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) == ' ') {
				tokens.add(text.substring(start, i + 1));
				start = i + 1;
			}
		}
		if (start < text.length()) {
			tokens.add(text.substring(start));
		}
		return tokens;
	}

	/**
	 * What a tool writes: its finding as a one-element {@value #OBSERVATIONS} list.
	 * @param text the finding
	 * @return a new mutable map
	 */
	static Map<String, @Nullable Object> observation(String text) {
		Map<String, @Nullable Object> written = new LinkedHashMap<>();
		written.put(OBSERVATIONS, List.of(text));
		return written;
	}

	private static @Nullable String followUp(GraphState state) {
		if (state.getInt("step", 0) != 1) {
			return null;
		}
		Object celsius = state.get("celsius");
		return AgentTools.followUp(AgentInput.from(state).question(),
				(celsius instanceof Integer degrees) ? degrees : null);
	}

	private static List<String> tools(GraphState state) {
		return strings(state.get("tools"));
	}

	private static List<String> strings(@Nullable Object value) {
		if (!(value instanceof List<?> list)) {
			return List.of();
		}
		List<String> strings = new ArrayList<>(list.size());
		list.forEach((item) -> strings.add(String.valueOf(item)));
		return strings;
	}

	private static Mono<Void> pause(long millis) {
		return (millis > 0) ? Mono.delay(Duration.ofMillis(millis)).then() : Mono.empty();
	}

}
