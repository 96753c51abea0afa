package io.graphstreaming.spring.json;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Typed access to the fields of one JSON object that the project reads back (an event,
 * a checkpoint), with errors naming the field, what it must be and what it was, so that
 * a client or an operator reading a bad file knows what to fix.
 */
final class JsonFields {

	private final JsonNode root;

	private final String subject;

	/**
	 * @param root the object
	 * @param subject what it is, as error messages start: {@code "Event"},
	 * {@code "Checkpoint"}
	 */
	JsonFields(JsonNode root, String subject) {
		this.root = root;
		this.subject = subject;
	}

	boolean has(String name) {
		JsonNode node = this.root.get(name);
		return node != null && !node.isNull();
	}

	private JsonNode required(String name) {
		JsonNode node = this.root.get(name);
		if (node == null || node.isNull()) {
			throw new IllegalArgumentException(this.subject + " field '" + name + "' is missing");
		}
		return node;
	}

	String text(String name) {
		JsonNode node = required(name);
		if (!node.isString()) {
			throw mistyped(name, "a string", node);
		}
		return node.stringValue();
	}

	@Nullable String optionalText(String name) {
		return has(name) ? text(name) : null;
	}

	List<String> texts(String name) {
		JsonNode node = required(name);
		if (!node.isArray()) {
			throw mistyped(name, "an array of strings", node);
		}
		List<String> texts = new ArrayList<>(node.size());
		for (JsonNode item : node) {
			if (!item.isString()) {
				throw new IllegalArgumentException(this.subject + " field '" + name
						+ "' must be an array of strings but holds " + JsonErrorMessages.describe(item));
			}
			texts.add(item.stringValue());
		}
		return texts;
	}

	JsonNode object(String name) {
		JsonNode node = required(name);
		if (!node.isObject()) {
			throw mistyped(name, "an object", node);
		}
		return node;
	}

	long whole(String name) {
		JsonNode node = required(name);
		if (!node.isIntegralNumber() || !node.canConvertToLong()) {
			throw mistyped(name, "a whole number", node);
		}
		return node.longValue();
	}

	int wholeInt(String name) {
		return wholeInt(name, required(name));
	}

	int wholeInt(String name, JsonNode node) {
		if (!node.isIntegralNumber() || !node.canConvertToInt()) {
			throw mistyped(name, "a whole number (int)", node);
		}
		return node.intValue();
	}

	double number(String name) {
		return number(name, required(name));
	}

	double number(String name, JsonNode node) {
		if (!node.isNumber()) {
			throw mistyped(name, "a number", node);
		}
		return node.doubleValue();
	}

	boolean bool(String name) {
		JsonNode node = required(name);
		if (!node.isBoolean()) {
			throw mistyped(name, "a boolean", node);
		}
		return node.booleanValue();
	}

	Instant instant(String name) {
		String value = text(name);
		try {
			return Instant.parse(value);
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(this.subject + " field '" + name
					+ "' must be an ISO-8601 instant but was '" + JsonErrorMessages.abbreviate(value, 64) + "'");
		}
	}

	Duration duration(String name) {
		double millis = number(name);
		return Duration.ofNanos(Math.round(millis * 1_000_000.0));
	}

	Map<String, @Nullable Object> map(String name) {
		return GraphEventJsonReader.toMap(object(name));
	}

	List<@Nullable Object> list(String name) {
		JsonNode node = required(name);
		if (!node.isArray()) {
			throw mistyped(name, "an array", node);
		}
		return GraphEventJsonReader.toList(node);
	}

	@Nullable Object value(String name) {
		JsonNode node = this.root.get(name);
		return (node != null) ? GraphEventJsonReader.toValue(node) : null;
	}

	private IllegalArgumentException mistyped(String name, String expected, JsonNode node) {
		return new IllegalArgumentException(this.subject + " field '" + name + "' must be " + expected + " but was "
				+ JsonErrorMessages.describe(node));
	}

}
