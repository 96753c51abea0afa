package io.graphstreaming.spring.web;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ServerWebInputException;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.graph.GraphDescription;

/**
 * The query parameters every HTTP consumer shares, validated before a response starts so
 * that a bad value gets a 400 rather than a broken stream: the per-consumer filters
 * {@code eventTypes=A,B} and {@code nodes=a,b} (comma-separated, the parameter may also
 * repeat) and whole-number parameters such as {@code after}.
 */
public final class ConsumerParameters {

	/** The event type filter parameter. */
	public static final String EVENT_TYPES = "eventTypes";

	/** The node filter parameter. */
	public static final String NODES = "nodes";

	private ConsumerParameters() {
	}

	/**
	 * The consumer's filter.
	 * @param request the request
	 * @param graph the graph consumed, whose node ids {@code nodes} must name
	 * @return the filter, accepting everything when neither parameter is given
	 * @throws ServerWebInputException naming an unknown event type or node, or an empty
	 * list
	 */
	public static EventFilter filter(ServerRequest request, GraphDescription graph) {
		EventFilter filter = EventFilter.all();
		List<String> types = values(request, EVENT_TYPES);
		if (types != null) {
			List<GraphExecutionEventType> parsed = new ArrayList<>(types.size());
			for (String type : types) {
				try {
					parsed.add(GraphExecutionEventType.fromWireName(type));
				}
				catch (IllegalArgumentException ex) {
					throw new ServerWebInputException(
							"Query parameter 'eventTypes': " + ex.getMessage());
				}
			}
			filter = filter.withTypes(parsed);
		}
		List<String> nodes = values(request, NODES);
		if (nodes != null) {
			Set<String> known = new LinkedHashSet<>();
			graph.nodes().forEach((node) -> known.add(node.id()));
			for (String node : nodes) {
				if (!known.contains(node)) {
					throw new ServerWebInputException("Query parameter 'nodes': unknown node '" + node + "' of graph '"
							+ graph.id() + "'; expected one of " + String.join(", ", known));
				}
			}
			filter = filter.withNodes(nodes);
		}
		return filter;
	}

	/**
	 * The comma-separated values of a parameter, blanks dropped.
	 * @return the values, or {@code null} if the parameter is absent
	 */
	private static @Nullable List<String> values(ServerRequest request, String name) {
		List<String> raw = request.queryParams().get(name);
		if (raw == null) {
			return null;
		}
		List<String> values = new ArrayList<>();
		for (String item : raw) {
			if (item == null) {
				continue;
			}
			for (String value : item.split(",")) {
				if (!value.isBlank()) {
					values.add(value.strip());
				}
			}
		}
		if (values.isEmpty()) {
			throw new ServerWebInputException("Query parameter '" + name + "' names nothing; omit it to receive all");
		}
		return values;
	}

	/**
	 * A whole-number query parameter.
	 * @param request the request
	 * @param name the parameter
	 * @param defaultValue returned when absent or blank
	 * @param min the smallest value allowed
	 * @return the value
	 * @throws ServerWebInputException if not a whole number or below the minimum
	 */
	public static long longParam(ServerRequest request, String name, long defaultValue, long min) {
		String value = request.queryParam(name).orElse(null);
		if (value == null || value.isBlank()) {
			return defaultValue;
		}
		long parsed;
		try {
			parsed = Long.parseLong(value.strip());
		}
		catch (NumberFormatException ex) {
			throw new ServerWebInputException(
					"Query parameter '" + name + "' must be a whole number but was '" + abbreviate(value) + "'");
		}
		if (parsed < min) {
			throw new ServerWebInputException(
					"Query parameter '" + name + "' must be at least " + min + " but was " + parsed);
		}
		return parsed;
	}

	/**
	 * Shortens a client's value before it is echoed in an error detail.
	 * @param value the value
	 * @return at most 64 characters of it
	 */
	static String abbreviate(String value) {
		return (value.length() <= 64) ? value : value.substring(0, 61) + "...";
	}

}
