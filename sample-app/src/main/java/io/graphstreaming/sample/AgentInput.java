package io.graphstreaming.sample;

import io.graphstreaming.core.graph.GraphState;

/**
 * The settings of one {@code agent} run, read from its input. Every key is optional; a
 * value of the wrong type or out of range fails with an {@link IllegalArgumentException}
 * naming the key, what is allowed and the value received.
 *
 * @param question what the agent is asked, at most {@value #MAX_QUESTION_LENGTH}
 * characters (absent or blank: {@link #DEFAULT_QUESTION})
 * @param tokenDelayMs the pause before each streamed token, 0 to
 * {@value #MAX_TOKEN_DELAY_MS} (default {@value #DEFAULT_TOKEN_DELAY_MS})
 * @param failures how many times the {@code search} tool times out before it answers,
 * each time it is called, 0 to {@value #MAX_FAILURES} (default 1)
 * @param weatherFailures how many times the weather service behind
 * {@code weather/forecast} fails before it answers, 0 to {@value #MAX_WEATHER_FAILURES}
 * (default 0); from 2 its circuit breaker opens (see {@link WeatherTool})
 */
record AgentInput(String question, long tokenDelayMs, int failures, int weatherFailures) {

	/** The question asked when the input has none: two tools in parallel, then a second step. */
	static final String DEFAULT_QUESTION = "What is the weather in Paris today, and how warm is that in Fahrenheit?";

	/** The longest question accepted. */
	static final int MAX_QUESTION_LENGTH = 500;

	/** The default pause before each token, like a fast language model. */
	static final long DEFAULT_TOKEN_DELAY_MS = 15;

	/** The longest pause before a token. */
	static final long MAX_TOKEN_DELAY_MS = 1000;

	/** The most timeouts of {@code search} per call; its retry policy allows them all. */
	static final int MAX_FAILURES = 3;

	/**
	 * The most failures of the weather service per run; its retry policy would allow them
	 * all, but its circuit breaker opens after two.
	 */
	static final int MAX_WEATHER_FAILURES = 3;

	/**
	 * Reads the settings from the state (the run's input).
	 * @param state the state
	 * @return the settings
	 * @throws IllegalArgumentException for a value of the wrong type or out of range
	 */
	static AgentInput from(GraphState state) {
		String question = InputValues.text(state, "question", DEFAULT_QUESTION, MAX_QUESTION_LENGTH);
		long tokenDelayMs = InputValues.wholeNumber(state, "tokenDelayMs", DEFAULT_TOKEN_DELAY_MS, 0,
				MAX_TOKEN_DELAY_MS);
		int failures = (int) InputValues.wholeNumber(state, "failures", 1, 0, MAX_FAILURES);
		int weatherFailures = (int) InputValues.wholeNumber(state, "weatherFailures", 0, 0, MAX_WEATHER_FAILURES);
		return new AgentInput(question, tokenDelayMs, failures, weatherFailures);
	}

}
