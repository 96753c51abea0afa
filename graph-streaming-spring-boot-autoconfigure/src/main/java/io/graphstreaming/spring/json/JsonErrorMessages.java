package io.graphstreaming.spring.json;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;

/**
 * Wording of the 400 answers to malformed or mistyped client JSON, shared by the HTTP
 * body reader and the WebSocket message reader: where the error is, what Jackson found
 * (without echoing Jackson's source excerpt), and what kind of value was sent.
 */
public final class JsonErrorMessages {

	private static final int MAX_DETAIL = 200;

	private JsonErrorMessages() {
	}

	/**
	 * Describes a parse failure, for example
	 * {@code "at line 1, column 2: Unexpected character ..."}.
	 * @param ex the failure
	 * @return the location (when known) and the cleaned message
	 */
	public static String parseFailure(JacksonException ex) {
		return location(ex.getLocation()) + ": " + cleanMessage(ex.getOriginalMessage());
	}

	private static String location(@Nullable TokenStreamLocation location) {
		if (location == null || location.getLineNr() < 0) {
			return "";
		}
		return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
	}

	/**
	 * Jackson's messages may quote the input; the client knows its own input, so the
	 * quote is dropped, as is the name of the constraint method a limit comes from
	 * ({@code from `StreamReadConstraints.getMaxNumberLength()`}) or the feature that refused
	 * it, package names are dropped from class names, whitespace collapsed and the result
	 * kept short.
	 */
	private static String cleanMessage(@Nullable String message) {
		if (message == null) {
			return "unreadable content";
		}
		return abbreviate(message.replaceAll("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]", "line $1, column $2")
			.replaceAll(",? from `[^`]*`", "")
			.replaceAll("\\s*\\(bound as `[^`]*`\\)", "")
			.replaceAll(":? not allowed as per `[^`]*`", "")
			.replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+([A-Z]\\w*)", "$1")
			.replaceAll("\\s*\\[Source: [^\\]]*\\]", "")
			.replaceAll("\\s+", " ")
			.strip(), MAX_DETAIL);
	}

	/**
	 * Names the kind of a JSON value, for messages such as "must be an object but was
	 * an array".
	 * @param node the value
	 * @return "an array", "a string", "a number", "a boolean", "null", "an object" or
	 * "empty"
	 */
	public static String describe(JsonNode node) {
		return switch (node.getNodeType()) {
			case ARRAY -> "an array";
			case STRING -> "a string";
			case NUMBER -> "a number";
			case BOOLEAN -> "a boolean";
			case NULL -> "null";
			case OBJECT -> "an object";
			default -> "empty";
		};
	}

	/**
	 * Shortens a client-supplied value before it is quoted back.
	 * @param value the value
	 * @param max the longest result
	 * @return the value, or its first {@code max - 3} characters and "..."
	 */
	public static String abbreviate(String value, int max) {
		return (value.length() <= max) ? value : value.substring(0, max - 3) + "...";
	}

}
