package io.graphstreaming.spring.web;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.spring.json.JsonTreeReader;

/**
 * Limits on the shape of an execution's input, which becomes the graph's state and is
 * copied into {@code ExecutionStarted}, the journal and checkpoints: how deep objects and
 * arrays may nest ({@code graph.streaming.web.max-input-depth}, the input object itself
 * being level 1) and how many values it may hold in all
 * ({@code graph.streaming.web.max-input-elements}: every object member and array element,
 * at any depth). Numbers beyond the range of a {@code double} (such as {@code 1e400}) are
 * refused too, since they would reach the graph as infinity.
 *
 * <p>Depth is enforced while parsing, by Jackson's {@code StreamReadConstraints} (see
 * {@link #reader}), so a document nested thousands deep is refused before a tree is built;
 * the count and the numbers are checked on the tree, which the request size limit already
 * bounds. Too deep and out-of-range answers are 400 (the shape is wrong); too many values
 * is 413 (the input is too large), like a body over the size limit.
 */
public final class InputLimits {

	/** The default deepest nesting. */
	public static final int DEFAULT_MAX_DEPTH = 32;

	/** The default most values. */
	public static final int DEFAULT_MAX_ELEMENTS = 10_000;

	private static final int BAD_REQUEST = 400;

	private static final int CONTENT_TOO_LARGE = 413;

	private final int maxDepth;

	private final int maxElements;

	/**
	 * Creates the limits.
	 * @param maxDepth the deepest nesting of objects and arrays, the input object being
	 * level 1; strictly positive
	 * @param maxElements the most values (object members and array elements at any
	 * depth); strictly positive
	 */
	public InputLimits(int maxDepth, int maxElements) {
		if (maxDepth <= 0) {
			throw new IllegalArgumentException("maxDepth must be strictly positive but was " + maxDepth);
		}
		if (maxElements <= 0) {
			throw new IllegalArgumentException("maxElements must be strictly positive but was " + maxElements);
		}
		this.maxDepth = maxDepth;
		this.maxElements = maxElements;
	}

	/**
	 * The defaults: 32 levels, 10,000 values.
	 * @return the default limits
	 */
	public static InputLimits defaults() {
		return new InputLimits(DEFAULT_MAX_DEPTH, DEFAULT_MAX_ELEMENTS);
	}

	/**
	 * The deepest nesting accepted.
	 * @return levels, the input object being level 1
	 */
	public int maxDepth() {
		return this.maxDepth;
	}

	/**
	 * The most values accepted.
	 * @return object members and array elements at any depth
	 */
	public int maxElements() {
		return this.maxElements;
	}

	/**
	 * A reader of documents that carry an input.
	 * @param mapper the application's mapper
	 * @param envelopeLevels how many levels of the document are above the input object:
	 * 1 for {@code {"input":{...}}}, 0 when the document is the input
	 * @return a reader refusing documents nested deeper than the input may be
	 */
	public JsonTreeReader reader(JsonMapper mapper, int envelopeLevels) {
		return new JsonTreeReader(mapper, this.maxDepth + envelopeLevels);
	}

	/**
	 * The detail of a document refused by a {@link #reader} for its nesting.
	 * @return the explanation for the client
	 */
	public String depthExceeded() {
		return "The JSON is nested too deeply: the input may nest objects and arrays at most " + this.maxDepth
				+ " levels deep";
	}

	/**
	 * Checks an input object.
	 * @param input the input (an object node)
	 * @param what how the detail names it, for example {@code Field 'input'}
	 * @return {@code null} when it is within the limits, else why not
	 */
	public @Nullable Violation check(JsonNode input, String what) {
		Objects.requireNonNull(input, "input");
		Deque<JsonNode> pending = new ArrayDeque<>();
		Deque<Integer> depths = new ArrayDeque<>();
		pending.push(input);
		depths.push(1);
		long elements = 0;
		while (!pending.isEmpty()) {
			JsonNode node = pending.pop();
			int depth = depths.pop();
			if (node.isContainer()) {
				if (depth > this.maxDepth) {
					return new Violation(BAD_REQUEST, what + " nests objects and arrays more than " + this.maxDepth
							+ " levels deep; the limit is " + this.maxDepth);
				}
				elements += node.size();
				if (elements > this.maxElements) {
					return new Violation(CONTENT_TOO_LARGE,
							what + " holds more than " + this.maxElements + " values; the limit is " + this.maxElements);
				}
				for (JsonNode child : node) {
					pending.push(child);
					depths.push(depth + 1);
				}
			}
			else if (node.isFloatingPointNumber() && !node.isBigDecimal() && !Double.isFinite(node.doubleValue())) {
				return new Violation(BAD_REQUEST,
						what + " holds a number beyond the range of a double (such as 1e400)");
			}
		}
		return null;
	}

	/**
	 * Why an input was refused.
	 *
	 * @param status 400 (too deep, a number out of range) or 413 (too many values)
	 * @param detail the explanation for the client
	 */
	public record Violation(int status, String detail) {
	}

}
