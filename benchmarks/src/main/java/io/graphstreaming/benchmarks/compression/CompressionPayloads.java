package io.graphstreaming.benchmarks.compression;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeCompletedEvent;
import io.graphstreaming.core.event.NodeOutputChunkEvent;
import io.graphstreaming.spring.json.GraphEventJsonWriter;

/**
 * Realistic event payloads for the compression benchmark, serialized by the starter's
 * event JSON writer exactly as the transports send them: {@code NodeCompleted} events of
 * an agent graph whose output is about 200 B, 2 KB and 20 KB of JSON (an answer, tool
 * results with titles, URLs, snippets and scores, token usage), and an LLM-like token
 * stream ({@code NodeOutputChunk} events of one to a few tokens each). Seeded, so every
 * run compresses the same bytes.
 */
final class CompressionPayloads {

	private static final String[] WORDS = { "the", "graph", "agent", "called", "search", "tool", "and", "found",
			"three", "sources", "about", "streaming", "events", "from", "a", "workflow", "engine", "which", "runs",
			"nodes", "in", "order", "while", "clients", "read", "each", "update", "as", "it", "happens", "backpressure",
			"keeps", "memory", "flat", "when", "consumer", "is", "slow", "compression", "saves", "bandwidth", "for",
			"large", "outputs", "but", "costs", "cpu", "time", "on", "every", "message", "server", "sent", "browser",
			"reconnects", "with", "last", "event", "id", "resume", "journal", "retention", "minutes", "Paris", "2026",
			"revenue", "grew", "by", "percent", "quarter", "customer", "ticket", "refund", "policy", "shipping",
			"delayed", "because", "of", "weather", "we", "apologise", "will", "contact", "you", "within", "hours" };

	private static final String EXECUTION_ID = "3f1c2a9e-8d4b-4c7e-9a51-0b6f2d8e7c41";

	private static final Instant TIMESTAMP = Instant.parse("2026-11-25T20:15:21.123456Z");

	private CompressionPayloads() {
	}

	/**
	 * The serialized events of a payload kind.
	 * @param kind {@code completed-200B}, {@code completed-2KB}, {@code completed-20KB} or
	 * {@code tokens}
	 * @return the event JSONs (several different events, so that a stream does not
	 * compress one repeated event)
	 */
	static List<byte[]> events(String kind) {
		GraphEventJsonWriter writer = new GraphEventJsonWriter(new JsonMapper());
		Random random = new Random(42);
		List<byte[]> events = new ArrayList<>();
		for (int i = 0; i < 64; i++) {
			GraphExecutionEvent event = switch (kind) {
				case "completed-200B" -> completed(i, Map.of("sentiment", pick(random), "score", 0.5 + i / 200.0));
				case "completed-2KB" -> completed(i, output(random, 1, 150));
				case "completed-20KB" -> completed(i, output(random, 20, 190));
				case "tokens" -> new NodeOutputChunkEvent(EXECUTION_ID, "agent", 100 + i, TIMESTAMP, "respond", i,
						token(random));
				default -> throw new IllegalArgumentException("Unknown payload " + kind);
			};
			events.add(writer.apply(event));
		}
		return events;
	}

	/**
	 * An SSE frame around an event JSON, as the SSE transport writes it.
	 */
	static byte[] sseFrame(byte[] json, int sequence) {
		byte[] head = ("id: " + EXECUTION_ID + ":" + sequence + "\nevent: NodeCompleted\ndata: ")
			.getBytes(StandardCharsets.US_ASCII);
		byte[] frame = new byte[head.length + json.length + 2];
		System.arraycopy(head, 0, frame, 0, head.length);
		System.arraycopy(json, 0, frame, head.length, json.length);
		frame[frame.length - 2] = '\n';
		frame[frame.length - 1] = '\n';
		return frame;
	}

	private static NodeCompletedEvent completed(int index, Map<String, Object> output) {
		return new NodeCompletedEvent(EXECUTION_ID, "agent", 10 + index, TIMESTAMP.plusMillis(index), "research",
				Duration.ofNanos(12_345_678 + index * 1000L), output);
	}

	/**
	 * An agent step's output: an answer of {@code answerWords} words and
	 * {@code documents} tool results.
	 */
	private static Map<String, Object> output(Random random, int documents, int answerWords) {
		Map<String, Object> output = new LinkedHashMap<>();
		output.put("answer", sentence(random, answerWords));
		List<Map<String, Object>> results = new ArrayList<>();
		for (int i = 0; i < documents; i++) {
			Map<String, Object> document = new LinkedHashMap<>();
			document.put("title", sentence(random, 6));
			document.put("url", "https://docs.example.com/" + pick(random) + "/" + pick(random) + "-"
					+ random.nextInt(10_000));
			document.put("snippet", sentence(random, 120));
			document.put("score", Math.round(random.nextDouble() * 1000) / 1000.0);
			results.add(document);
		}
		output.put("sources", results);
		output.put("usage", Map.of("promptTokens", 1000 + random.nextInt(3000), "completionTokens",
				100 + random.nextInt(900), "model", "gpt-sim-4"));
		return output;
	}

	private static String token(Random random) {
		return (random.nextInt(4) == 0) ? pick(random) + " " + pick(random) : " " + pick(random);
	}

	private static String sentence(Random random, int words) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < words; i++) {
			if (i > 0) {
				text.append((random.nextInt(12) == 0) ? ", " : " ");
			}
			text.append(pick(random));
		}
		return text.append('.').toString();
	}

	private static String pick(Random random) {
		return WORDS[random.nextInt(WORDS.length)];
	}

}
