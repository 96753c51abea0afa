package io.graphstreaming.sample;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The {@code agent} graph's simulated tools and the rules its planner follows. Pure and
 * deterministic: the same question always gives the same plan, tool results and
 * answer, so that tests can assert the events.
 */
final class AgentTools {

	/** The search tool. */
	static final String SEARCH = "search";

	/** The weather tool. */
	static final String WEATHER = "weather";

	/** The calculator tool. */
	static final String CALCULATOR = "calculator";

	/** The tools, in the order the agent's fan-out edges list them. */
	static final List<String> ALL = List.of(SEARCH, WEATHER, CALCULATOR);

	/** The city a weather question without one is about. */
	static final String DEFAULT_CITY = "Paris";

	private static final Pattern ASKS = Pattern
		.compile("\\?|^\\s*(who|what|when|where|why|how|which|is|are|can|tell)\\b", Pattern.CASE_INSENSITIVE);

	private static final Pattern WEATHER_WORDS = Pattern
		.compile("\\b(weather|temperature|forecast|rain|sunny|warm|cold|hot)\\b", Pattern.CASE_INSENSITIVE);

	private static final Pattern FAHRENHEIT = Pattern.compile("fahrenheit|°f\\b", Pattern.CASE_INSENSITIVE);

	private static final Pattern CITY = Pattern.compile("\\b(?:in|for|at)\\s+([A-Z][a-z]+(?:\\s[A-Z][a-z]+)?)");

	private static final Pattern EXPRESSION = Pattern
		.compile("\\d+(?:\\.\\d+)?(?:\\s*[-+*/×x]\\s*\\d+(?:\\.\\d+)?)+");

	private static final Pattern TERM = Pattern.compile("\\s*([-+*/×x])?\\s*(\\d+(?:\\.\\d+)?)");

	private static final Map<String, String> FACTS = Map.of("Paris",
			"Paris is the capital of France, on the Seine, with about 2.1 million inhabitants.", "London",
			"London is the capital of the United Kingdom, on the Thames.", "Berlin",
			"Berlin is the capital of Germany, on the Spree.", "Tokyo",
			"Tokyo is the capital of Japan and its largest city.");

	private static final Map<String, Weather> WEATHER_TABLE = Map.of("Paris", new Weather("Paris", 18, "light rain"),
			"London", new Weather("London", 14, "overcast skies"), "Berlin", new Weather("Berlin", 16, "sunshine"),
			"Tokyo", new Weather("Tokyo", 24, "clear skies"));

	private static final List<String> SKIES = List.of("sunshine", "light rain", "overcast skies", "a light breeze");

	private AgentTools() {
	}

	/**
	 * The tools of the first step, in {@link #ALL} order: {@code search} for a question,
	 * {@code weather} when it mentions the weather, {@code calculator} when it contains
	 * arithmetic such as {@code 12 * 7}.
	 * @param question the question
	 * @return the tools, empty when the agent can answer at once
	 */
	static List<String> firstTools(String question) {
		List<String> tools = new ArrayList<>(3);
		if (ASKS.matcher(question).find()) {
			tools.add(SEARCH);
		}
		if (WEATHER_WORDS.matcher(question).find()) {
			tools.add(WEATHER);
		}
		if (EXPRESSION.matcher(question).find()) {
			tools.add(CALCULATOR);
		}
		return tools;
	}

	/**
	 * The follow-up a second step needs: converting the temperature the weather tool
	 * found when the question asks for Fahrenheit.
	 * @param question the question
	 * @param celsius the temperature found, or {@code null} if none was
	 * @return the calculator's expression, or {@code null} when no follow-up is needed
	 */
	static @Nullable String followUp(String question, @Nullable Integer celsius) {
		if (celsius == null || !FAHRENHEIT.matcher(question).find()) {
			return null;
		}
		return celsius + " * 9 / 5 + 32";
	}

	/**
	 * The arithmetic in a question.
	 * @param question the question
	 * @return the first expression, or {@code null}
	 */
	static @Nullable String expression(String question) {
		Matcher matcher = EXPRESSION.matcher(question);
		return matcher.find() ? matcher.group() : null;
	}

	/**
	 * The city a question is about.
	 * @param question the question
	 * @return the capitalised name after "in", "for" or "at", else {@value #DEFAULT_CITY}
	 */
	static String city(String question) {
		Matcher matcher = CITY.matcher(question);
		return matcher.find() ? matcher.group(1) : DEFAULT_CITY;
	}

	/**
	 * What the search tool finds.
	 * @param question the question
	 * @return one sentence
	 */
	static String search(String question) {
		Matcher matcher = CITY.matcher(question);
		if (matcher.find() && FACTS.containsKey(matcher.group(1))) {
			return FACTS.get(matcher.group(1));
		}
		String topic = question.replaceAll("[?!.]+$", "");
		if (topic.length() > 60) {
			topic = topic.substring(0, 60) + "...";
		}
		return "The top result for \"" + topic + "\" is an encyclopedia article with three matching sections.";
	}

	/**
	 * The weather the weather tool reports: from a small table, or derived from the name.
	 * @param city the city
	 * @return the weather
	 */
	static Weather weather(String city) {
		Weather known = WEATHER_TABLE.get(city);
		if (known != null) {
			return known;
		}
		int hash = city.toLowerCase(Locale.ROOT).hashCode();
		return new Weather(city, 5 + Math.floorMod(hash, 25), SKIES.get(Math.floorMod(hash >>> 8, SKIES.size())));
	}

	/**
	 * Evaluates {@code + - * /} (also {@code × x}) with the usual precedence.
	 * @param expression numbers and operators, such as {@code 18 * 9 / 5 + 32}
	 * @return the result, at most 6 decimals, without trailing zeros
	 * @throws ArithmeticException on a division by zero
	 * @throws IllegalArgumentException if it is not such an expression
	 */
	static String calculate(String expression) {
		Matcher matcher = TERM.matcher(expression);
		BigDecimal total = BigDecimal.ZERO;
		BigDecimal term = null;
		int end = 0;
		while (matcher.find() && matcher.start() == end) {
			end = matcher.end();
			String operator = matcher.group(1);
			BigDecimal number = new BigDecimal(matcher.group(2));
			if (term == null) {
				term = number;
			}
			else if ("+".equals(operator) || "-".equals(operator)) {
				total = total.add(term);
				term = "-".equals(operator) ? number.negate() : number;
			}
			else if ("/".equals(operator)) {
				term = term.divide(number, MathContext.DECIMAL64);
			}
			else {
				term = term.multiply(number);
			}
		}
		if (term == null || end != expression.length()) {
			throw new IllegalArgumentException("Not an arithmetic expression: " + expression);
		}
		BigDecimal result = total.add(term).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
		return (result.signum() == 0) ? "0" : result.toPlainString();
	}

	/**
	 * A weather report.
	 *
	 * @param city the city
	 * @param celsius the temperature
	 * @param sky what the sky does
	 */
	record Weather(String city, int celsius, String sky) {

		/**
		 * The report as the agent notes it.
		 * @return one sentence
		 */
		String sentence() {
			return "In " + this.city + " it is " + this.celsius + " °C with " + this.sky + ".";
		}

	}

}
