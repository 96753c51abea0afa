package io.graphstreaming.spring.json;

import java.util.Objects;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a client's JSON document into a tree with the application's mapper, but through a
 * parser whose {@link StreamReadConstraints} refuse documents nested deeper than a limit,
 * so that a hostile {@code [[[[...]]]]} fails fast, before any tree is built. The other
 * constraints (number and string lengths) are the application's. A document followed by
 * anything but whitespace is refused.
 */
public final class JsonTreeReader {

	private final JsonMapper mapper;

	private final JsonFactory factory;

	private final ObjectReader treeReader;

	private final int maxNestingDepth;

	/**
	 * Creates a reader.
	 * @param mapper the application's mapper
	 * @param maxNestingDepth the deepest nesting of objects and arrays accepted, counting
	 * the document's root, strictly positive
	 */
	public JsonTreeReader(JsonMapper mapper, int maxNestingDepth) {
		this.mapper = Objects.requireNonNull(mapper, "mapper");
		if (maxNestingDepth <= 0) {
			throw new IllegalArgumentException("maxNestingDepth must be strictly positive but was " + maxNestingDepth);
		}
		JsonFactory base = mapper.tokenStreamFactory();
		this.factory = base.rebuild()
			.streamReadConstraints(base.streamReadConstraints().rebuild().maxNestingDepth(maxNestingDepth).build())
			.build();
		this.treeReader = mapper.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
		this.maxNestingDepth = maxNestingDepth;
	}

	/**
	 * The nesting limit.
	 * @return the deepest nesting accepted, the root counting as 1
	 */
	public int maxNestingDepth() {
		return this.maxNestingDepth;
	}

	/**
	 * Reads a document.
	 * @param json the bytes (UTF-8, or another encoding Jackson detects)
	 * @return the tree; a missing node for a document with no content
	 * @throws JacksonException for malformed JSON, trailing content or a constraint
	 * exceeded (see {@link #isNestingTooDeep})
	 */
	public JsonNode read(byte[] json) {
		try (JsonParser parser = this.factory.createParser(ObjectReadContext.empty(), json)) {
			JsonNode node = this.treeReader.readTree(parser);
			if (node == null) {
				return this.mapper.missingNode();
			}
			if (parser.nextToken() != null) {
				throw new StreamReadException(parser, "Trailing token (" + parser.currentToken()
						+ ") after the JSON value; a request holds exactly one JSON value");
			}
			return node;
		}
	}

	/**
	 * Whether a read failed on this reader's nesting limit.
	 * @param ex the failure
	 * @return {@code true} for a document nested too deep
	 */
	public static boolean isNestingTooDeep(JacksonException ex) {
		String message = ex.getOriginalMessage();
		return ex instanceof StreamConstraintsException && message != null && message.contains("nesting depth");
	}

}
