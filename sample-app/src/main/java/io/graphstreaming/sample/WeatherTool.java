package io.graphstreaming.sample;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import io.graphstreaming.core.graph.Graph;
import io.graphstreaming.core.graph.GraphEdge;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.GraphState;
import io.graphstreaming.core.graph.NodeContext;
import io.graphstreaming.core.graph.RetryPolicy;

/**
 * The {@code agent} graph's weather tool: a subgraph, so that its steps appear in the
 * agent's stream under the path {@code weather/...}.
 *
 * <pre>
 * geocode --&gt; forecast
 * </pre>
 *
 * <ul>
 * <li>{@code geocode} finds the city the question names (a local lookup).</li>
 * <li>{@code forecast} asks a simulated external weather service. The service fails with
 * {@link ServiceUnavailableException} on the first {@code weatherFailures} calls of a run
 * (an input), which the node's retry policy retries after {@value #RETRY_DELAY_MS} ms.
 * The call is guarded by the {@value #BREAKER} circuit breaker: two failed calls in a row
 * open it, so the third attempt of a run with {@code weatherFailures} of 2 or more is
 * rejected without calling the service ({@code CircuitBreakerOpenException}, never
 * retried) and the run fails. The breaker belongs to the graph, not the run: for
 * {@value #OPEN_SECONDS} seconds every run that needs the weather fails fast the same
 * way; the first call after that is a trial, which closes the breaker again when it
 * succeeds.</li>
 * </ul>
 */
final class WeatherTool {

	/** The subgraph node's id, and the prefix of its nodes' ids in the agent's stream. */
	static final String ID = AgentTools.WEATHER;

	/** The name of the breaker guarding the weather service. */
	static final String BREAKER = "weather-service";

	/** How long the breaker stays open before it lets a trial call through. */
	static final long OPEN_SECONDS = 15;

	/** The back-off before the forecast is asked again after the service failed. */
	static final long RETRY_DELAY_MS = 50;

	private static final long GEOCODE_MS = 10;

	private static final long FORECAST_MS = 70;

	private static final long OUTAGE_MS = 30;

	private WeatherTool() {
	}

	/**
	 * Builds the subgraph node.
	 * @param clock the breaker's clock (the system clock, or a test's)
	 * @return the node, named {@value #ID}, with a breaker of its own
	 */
	static GraphNode node(Clock clock) {
		Objects.requireNonNull(clock, "clock");
		CircuitBreaker weatherService = CircuitBreaker.of(BREAKER, breakerConfig(clock));
		RetryPolicy retry = RetryPolicy.builder()
			.maxAttempts(AgentInput.MAX_WEATHER_FAILURES + 1)
			.initialDelay(Duration.ofMillis(RETRY_DELAY_MS))
			.maxDelay(Duration.ofMillis(RETRY_DELAY_MS))
			.multiplier(1)
			.jitter(0)
			.retryOn(ServiceUnavailableException.class)
			.build();
		Graph graph = new Graph(ID, "Finds the city, then asks the weather service (retried, behind a circuit breaker)");
		graph.addNode(GraphNode.async("geocode", WeatherTool::geocode).withDescription("Finds the city the question names"));
		graph.addNode(GraphNode.async("forecast", WeatherTool::forecast)
			.withRetry(retry)
			.withCircuitBreaker(weatherService)
			.withDescription("Asks the weather service (simulated); fails 'weatherFailures' times first"));
		graph.connect(new GraphEdge("geocode", "forecast", null));
		graph.setStartNode("geocode");
		return GraphNode.subgraph(ID, graph)
			.withDescription("Reports a city's weather: a subgraph, geocode then forecast behind a circuit breaker");
	}

	/**
	 * The breaker: over the last two calls (of any run), both failed opens it; open, it
	 * rejects calls for {@value #OPEN_SECONDS} seconds, then lets one trial call through.
	 * Only the service's own failures count.
	 */
	private static CircuitBreakerConfig breakerConfig(Clock clock) {
		return CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(2)
			.minimumNumberOfCalls(2)
			.failureRateThreshold(100)
			.waitDurationInOpenState(Duration.ofSeconds(OPEN_SECONDS))
			.permittedNumberOfCallsInHalfOpenState(1)
			.recordExceptions(ServiceUnavailableException.class)
			.clock(clock)
			.build();
	}

	private static Mono<Map<String, @Nullable Object>> geocode(GraphState state, NodeContext context) {
		String city = AgentTools.city(AgentInput.from(state).question());
		return Mono.delay(Duration.ofMillis(GEOCODE_MS)).map((tick) -> Map.of("city", city));
	}

	private static Mono<Map<String, @Nullable Object>> forecast(GraphState state, NodeContext context) {
		if (context.attempt() <= AgentInput.from(state).weatherFailures()) {
			return Mono.delay(Duration.ofMillis(OUTAGE_MS))
				.then(Mono.error(new ServiceUnavailableException(BREAKER, context.attempt())));
		}
		AgentTools.Weather weather = AgentTools.weather(state.getOrDefault("city", AgentTools.DEFAULT_CITY));
		return Mono.delay(Duration.ofMillis(FORECAST_MS)).map((tick) -> {
			Map<String, @Nullable Object> written = AgentGraph.observation("Weather: " + weather.sentence());
			written.put("celsius", weather.celsius());
			return written;
		});
	}

}
