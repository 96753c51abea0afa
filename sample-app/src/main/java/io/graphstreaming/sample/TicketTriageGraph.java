package io.graphstreaming.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.execution.StreamingGraphExecutor;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.GraphState;
import io.graphstreaming.core.graph.NodeContext;

/**
 * The {@code demo} graph: a tiny support-ticket triage that finishes in about a third
 * of a second, with small non-blocking delays so that streaming is visible.
 *
 * <pre>
 * receive -&gt; classify -&gt; escalate (if "negative sentiment") -&gt; respond
 *                     \-&gt; reply    (otherwise)              -&gt; respond
 * </pre>
 *
 * <p>Input: {@code text} (a string; absent or blank means {@link #DEFAULT_TEXT}). The
 * {@code respond} node streams its answer word by word as {@code NodeOutputChunk}
 * events; the chunks joined make the final {@code answer}.
 */
public final class TicketTriageGraph {

	/** The graph id. */
	public static final String ID = "demo";

	/** The ticket text used when the input has none; its sentiment is negative. */
	public static final String DEFAULT_TEXT = "My order arrived two weeks late and the box was damaged.";

	/** The longest ticket text accepted, in characters. */
	static final int MAX_TEXT_LENGTH = 5000;

	/** The label of the conditional edge {@code classify -> escalate}. */
	static final String ESCALATE_CONDITION = "negative sentiment";

	private static final Pattern WHITESPACE = Pattern.compile("\\s+");

	private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}']+");

	private static final Set<String> POSITIVE = Set.of("thanks", "thank", "great", "love", "happy", "good",
			"excellent", "awesome", "perfect", "helpful", "fast", "quick", "resolved", "amazing", "pleased", "nice",
			"glad", "works");

	private static final Set<String> NEGATIVE = Set.of("late", "damaged", "broken", "angry", "bad", "terrible",
			"awful", "refund", "worst", "slow", "disappointed", "missing", "wrong", "poor", "hate", "useless",
			"error", "fails", "failed", "crash", "unacceptable", "never");

	private static final Duration CHUNK_DELAY = Duration.ofMillis(8);

	private TicketTriageGraph() {
	}

	/**
	 * Builds the graph.
	 * @return a new executor named {@value #ID}
	 */
	public static StreamingGraphExecutor create() {
		StreamingGraphExecutor executor = new StreamingGraphExecutor(ID,
				"Support ticket triage: classifies a ticket's sentiment, escalates negative ones and streams the answer");
		executor.addNode(GraphNode.async("receive", (state, context) -> after(20, () -> receive(state, context)))
			.withDescription("Normalises the ticket text (input 'text') and assigns a ticket id"));
		executor.addNode(GraphNode.async("classify", (state, context) -> after(60, () -> classify(state)))
			.withDescription("Scores the sentiment from -1 (negative) to 1 (positive) with a small word list"));
		executor.addNode(GraphNode.async("escalate", (state, context) -> after(40, TicketTriageGraph::escalate))
			.withDescription("Raises the priority and hands the ticket to the customer-care team"));
		executor.addNode(GraphNode.async("reply", (state, context) -> after(30, () -> reply(state)))
			.withDescription("Drafts an automatic reply"));
		executor.addNode(GraphNode.async("respond", TicketTriageGraph::respond)
			.withDescription("Streams the answer word by word, then writes it as 'answer'"));
		executor.connect("receive", "classify")
			.connect("classify", "escalate", ESCALATE_CONDITION, (state) -> "negative".equals(state.get("sentiment")))
			.connect("classify", "reply")
			.connect("escalate", "respond")
			.connect("reply", "respond")
			.setStartNode("receive");
		return executor;
	}

	private static Mono<Map<String, @Nullable Object>> after(long millis, Step step) {
		return Mono.delay(Duration.ofMillis(millis)).map((tick) -> step.run());
	}

	private static Map<String, @Nullable Object> receive(GraphState state, NodeContext context) {
		Object raw = state.get("text");
		if (raw != null && !(raw instanceof String)) {
			throw new IllegalArgumentException("Input 'text' must be a string but was " + raw + " ("
					+ raw.getClass().getSimpleName() + ")");
		}
		String text = (raw != null) ? WHITESPACE.matcher(((String) raw).strip()).replaceAll(" ") : "";
		if (text.length() > MAX_TEXT_LENGTH) {
			throw new IllegalArgumentException("Input 'text' must have at most " + MAX_TEXT_LENGTH
					+ " characters but has " + text.length());
		}
		if (text.isEmpty()) {
			text = DEFAULT_TEXT;
		}
		Map<String, @Nullable Object> written = new LinkedHashMap<>();
		written.put("ticketId", "T-" + context.executionId().substring(0, 8));
		written.put("text", text);
		written.put("wordCount", words(text).size());
		return written;
	}

	private static Map<String, @Nullable Object> classify(GraphState state) {
		List<String> positive = new ArrayList<>();
		List<String> negative = new ArrayList<>();
		for (String word : words(state.getOrDefault("text", ""))) {
			if (POSITIVE.contains(word)) {
				positive.add(word);
			}
			else if (NEGATIVE.contains(word)) {
				negative.add(word);
			}
		}
		int matched = positive.size() + negative.size();
		double score = (matched != 0) ? Math.round(100.0 * (positive.size() - negative.size()) / matched) / 100.0
				: 0.0;
		String sentiment = (score < 0) ? "negative" : (score > 0) ? "positive" : "neutral";
		Map<String, @Nullable Object> written = new LinkedHashMap<>();
		written.put("sentiment", sentiment);
		written.put("score", score);
		written.put("signals", Map.of("positive", List.copyOf(positive), "negative", List.copyOf(negative)));
		return written;
	}

	private static Map<String, @Nullable Object> escalate() {
		Map<String, @Nullable Object> written = new LinkedHashMap<>();
		written.put("escalated", true);
		written.put("priority", "high");
		written.put("team", "customer-care");
		written.put("draft", "We are sorry about this experience. A customer-care specialist has your ticket "
				+ "and will contact you within two hours.");
		return written;
	}

	private static Map<String, @Nullable Object> reply(GraphState state) {
		String draft = "positive".equals(state.get("sentiment"))
				? "Thank you for the kind words! We have shared them with the team."
				: "Thank you for reaching out. Our help centre has step-by-step guides, and we will follow up by email.";
		Map<String, @Nullable Object> written = new LinkedHashMap<>();
		written.put("escalated", false);
		written.put("priority", "normal");
		written.put("team", "self-service");
		written.put("draft", draft);
		return written;
	}

	private static Mono<Map<String, @Nullable Object>> respond(GraphState state, NodeContext context) {
		String answer = "[" + state.get("ticketId") + "] " + state.getOrDefault("draft", "");
		List<String> pieces = new ArrayList<>();
		String[] words = answer.split(" ");
		for (int i = 0; i < words.length; i++) {
			pieces.add((i < words.length - 1) ? words[i] + " " : words[i]);
		}
		return Flux.fromIterable(pieces)
			.concatMap((piece) -> Mono.delay(CHUNK_DELAY).then(Mono.defer(() -> context.emitChunkAndAwaitCapacity(piece))))
			.then(Mono.fromCallable(() -> {
				Map<String, @Nullable Object> written = new LinkedHashMap<>();
				written.put("answer", answer);
				written.put("status", "answered");
				return written;
			}));
	}

	private static List<String> words(String text) {
		List<String> words = new ArrayList<>();
		for (String word : NON_WORD.split(text.toLowerCase(Locale.ROOT))) {
			if (!word.isEmpty()) {
				words.add(word);
			}
		}
		return words;
	}

	/**
	 * The computation of a node, run once its delay has passed.
	 */
	@FunctionalInterface
	private interface Step {

		Map<String, @Nullable Object> run();

	}

}
