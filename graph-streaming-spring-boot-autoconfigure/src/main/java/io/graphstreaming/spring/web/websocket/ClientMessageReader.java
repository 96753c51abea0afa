package io.graphstreaming.spring.web.websocket;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.core.codec.CompressionCodec;
import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.graph.Graph;
import io.graphstreaming.core.options.CompressionAlgorithm;
import io.graphstreaming.spring.json.JsonErrorMessages;
import io.graphstreaming.spring.json.JsonTreeReader;
import io.graphstreaming.spring.web.InputLimits;

/**
 * Reads and validates one client message of the WebSocket protocol, so that everything
 * the socket acts on is well-formed: a JSON object with a known {@code type}, fields of
 * the right JSON types, known event type names, nodes of the socket's graph and a
 * compression algorithm this server can use. A field the message's type does not take
 * is a 400 ({@code Unknown field '...'}, worded as the HTTP transports word it), so that a
 * misspelled field, such as {@code inputs}, never starts a run with other values than the
 * client meant. The {@code input} must keep within the {@link InputLimits}: a message
 * nested too deep or an input holding a number beyond a double's range is a 400, an
 * input holding too many values a 413.
 */
final class ClientMessageReader {

	static final String EXECUTE = "execute";

	static final String RESUME = "resume";

	static final String CANCEL = "cancel";

	private static final int BAD_REQUEST = 400;

	/** The fields each message type takes, in the order the error message names them. */
	private static final Map<String, List<String>> FIELDS = Map.of(
			EXECUTE, List.of("type", "input", "eventTypes", "nodes", "compression"),
			RESUME, List.of("type", "executionId", "after", "eventTypes", "nodes", "compression"),
			CANCEL, List.of("type"));

	private final JsonMapper mapper;

	private final InputLimits limits;

	private final JsonTreeReader treeReader;

	ClientMessageReader(JsonMapper mapper) {
		this(mapper, InputLimits.defaults());
	}

	ClientMessageReader(JsonMapper mapper, InputLimits limits) {
		this.mapper = Objects.requireNonNull(mapper, "mapper");
		this.limits = Objects.requireNonNull(limits, "limits");
		this.treeReader = limits.reader(mapper, 1);
	}

	/**
	 * Reads a message.
	 * @param json the text frame's bytes
	 * @param graph the socket's graph, whose nodes a {@code nodes} filter must name
	 * @return the message
	 * @throws BadMessageException (400) naming the problem
	 */
	ClientMessage read(byte[] json, Graph graph) {
		JsonNode root = parse(json);
		if (!root.isObject()) {
			throw bad("A message must be a JSON object such as {\"type\":\"execute\",\"input\":{}} but was "
					+ JsonErrorMessages.describe(root));
		}
		JsonNode type = root.get("type");
		if (type == null || type.isNull()) {
			throw bad("Field 'type' is missing; expected execute, cancel or resume");
		}
		if (!type.isString()) {
			throw bad("Field 'type' must be a string but was " + JsonErrorMessages.describe(type));
		}
		String messageType = type.stringValue();
		List<String> fields = FIELDS.get(messageType);
		if (fields == null) {
			throw bad("Unknown message type '" + abbreviate(messageType) + "'; expected execute, cancel or resume");
		}
		requireKnownFields(root, messageType, fields);
		return switch (messageType) {
			case EXECUTE -> new ClientMessage.Execute(input(root.get("input")), filter(root, graph),
					compression(root.get("compression")));
			case RESUME -> new ClientMessage.Resume(executionId(root.get("executionId")), after(root.get("after")),
					filter(root, graph), compression(root.get("compression")));
			case CANCEL -> new ClientMessage.Cancel();
			default -> throw new IllegalStateException("No fields listed for message type " + messageType);
		};
	}

	/**
	 * Refuses the first field the message type does not take.
	 */
	private static void requireKnownFields(JsonNode root, String messageType, List<String> fields) {
		for (String field : root.propertyNames()) {
			if (!fields.contains(field)) {
				throw bad("Unknown field '" + JsonErrorMessages.abbreviate(field, 40) + "' in the " + messageType
						+ " message; " + accepted(fields));
			}
		}
	}

	private static String accepted(List<String> fields) {
		if (fields.size() == 1) {
			return "the only field accepted is '" + fields.get(0) + "'";
		}
		StringBuilder names = new StringBuilder("the fields accepted are ");
		for (int i = 0; i < fields.size(); i++) {
			if (i > 0) {
				names.append((i == fields.size() - 1) ? " and " : ", ");
			}
			names.append('\'').append(fields.get(i)).append('\'');
		}
		return names.toString();
	}

	private JsonNode parse(byte[] json) {
		try {
			return this.treeReader.read(json);
		}
		catch (JacksonException ex) {
			if (JsonTreeReader.isNestingTooDeep(ex)) {
				throw bad(this.limits.depthExceeded());
			}
			throw bad("Malformed JSON" + JsonErrorMessages.parseFailure(ex));
		}
	}

	private Map<String, @Nullable Object> input(@Nullable JsonNode input) {
		if (input == null || input.isNull()) {
			return new LinkedHashMap<>();
		}
		if (!input.isObject()) {
			throw bad("Field 'input' must be a JSON object but was " + JsonErrorMessages.describe(input));
		}
		InputLimits.Violation violation = this.limits.check(input, "Field 'input'");
		if (violation != null) {
			throw new BadMessageException(violation.status(), violation.detail());
		}
		@SuppressWarnings("unchecked")
		Map<String, @Nullable Object> values = this.mapper.treeToValue(input, LinkedHashMap.class);
		return values;
	}

	private static String executionId(@Nullable JsonNode executionId) {
		if (executionId == null || executionId.isNull()) {
			throw bad("Field 'executionId' is missing; a resume names the execution to continue");
		}
		if (!executionId.isString() || executionId.stringValue().isBlank()) {
			throw bad("Field 'executionId' must be a non-empty string but was " + JsonErrorMessages.describe(executionId));
		}
		return executionId.stringValue();
	}

	private static long after(@Nullable JsonNode after) {
		if (after == null || after.isNull()) {
			return 0;
		}
		if (!after.isIntegralNumber() || !after.canConvertToLong()) {
			throw bad("Field 'after' must be a whole number but was " + JsonErrorMessages.describe(after));
		}
		long value = after.longValue();
		if (value < 0) {
			throw bad("Field 'after' must be at least 0 but was " + value);
		}
		return value;
	}

	/**
	 * {@code "compression"}: {@code gzip} or {@code brotli} (binary frames for large
	 * events), {@code none} or absent (text frames only). An unknown algorithm, or one this
	 * server cannot load, is refused.
	 */
	private static @Nullable CompressionAlgorithm compression(@Nullable JsonNode compression) {
		if (compression == null || compression.isNull()) {
			return null;
		}
		if (!compression.isString()) {
			throw bad("Field 'compression' must be a string (gzip or brotli) but was "
					+ JsonErrorMessages.describe(compression));
		}
		String value = compression.stringValue().strip();
		CompressionAlgorithm algorithm = switch (value.toLowerCase(Locale.ROOT)) {
			case "none" -> CompressionAlgorithm.NONE;
			case "gzip" -> CompressionAlgorithm.GZIP;
			case "brotli" -> CompressionAlgorithm.BROTLI;
			default -> throw bad("Field 'compression': unknown algorithm '" + abbreviate(value)
					+ "'; expected gzip, brotli or none");
		};
		if (!CompressionCodec.isAvailable(algorithm)) {
			throw bad("Field 'compression': brotli is not available on this server; use gzip");
		}
		return (algorithm != CompressionAlgorithm.NONE) ? algorithm : null;
	}

	private static EventFilter filter(JsonNode root, Graph graph) {
		EventFilter filter = EventFilter.all();
		List<String> types = strings(root.get("eventTypes"), "eventTypes");
		if (types != null) {
			List<GraphExecutionEventType> parsed = new ArrayList<>(types.size());
			for (String type : types) {
				try {
					parsed.add(GraphExecutionEventType.fromWireName(type));
				}
				catch (IllegalArgumentException ex) {
					throw bad("Field 'eventTypes': " + ex.getMessage());
				}
			}
			filter = filter.withTypes(parsed);
		}
		List<String> nodes = strings(root.get("nodes"), "nodes");
		if (nodes != null) {
			for (String node : nodes) {
				if (graph.node(node) == null) {
					throw bad("Field 'nodes': unknown node '" + abbreviate(node) + "' of graph '" + graph.id()
							+ "'; expected one of " + String.join(", ", graph.nodes().keySet()));
				}
			}
			filter = filter.withNodes(nodes);
		}
		return filter;
	}

	private static @Nullable List<String> strings(@Nullable JsonNode array, String field) {
		if (array == null || array.isNull()) {
			return null;
		}
		if (!array.isArray()) {
			throw bad("Field '" + field + "' must be an array of strings but was " + JsonErrorMessages.describe(array));
		}
		if (array.isEmpty()) {
			throw bad("Field '" + field + "' names nothing; omit it to receive all");
		}
		List<String> values = new ArrayList<>(array.size());
		for (JsonNode item : array) {
			if (!item.isString()) {
				throw bad("Field '" + field + "' must be an array of strings but holds " + JsonErrorMessages.describe(item));
			}
			values.add(item.stringValue().strip());
		}
		return values;
	}

	private static String abbreviate(String value) {
		return JsonErrorMessages.abbreviate(value, 64);
	}

	private static BadMessageException bad(String detail) {
		return new BadMessageException(BAD_REQUEST, detail);
	}

}
