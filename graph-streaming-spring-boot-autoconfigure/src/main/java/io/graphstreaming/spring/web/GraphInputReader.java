package io.graphstreaming.spring.web;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.graphstreaming.spring.json.JsonErrorMessages;
import io.graphstreaming.spring.json.JsonTreeReader;

/**
 * Reads the input of a new execution: the request body {@code {"input": {...}}} or the
 * {@code input} query parameter (a JSON object, for a browser's {@code EventSource}).
 *
 * <p>The body is read without blocking, up to a limit: a larger body (announced by
 * {@code Content-Length} or not) is refused with 413 before it is parsed. An empty body,
 * a missing {@code input} and {@code "input": null} all mean the empty input {@code {}}.
 * Malformed JSON, a body that is not an object, an {@code input} that is not an object
 * and any other top-level field are refused with 400 and a detail naming the problem.
 * The content type's media type is not checked, so {@code curl -d '{"input":{}}'} works
 * as typed; but a {@code Content-Type} that is not a media type at all is a 400, and one
 * naming a charset other than UTF-8 (or its subset US-ASCII) a 415.
 *
 * <p>The input must keep within the {@link InputLimits}: nested too deep (caught while
 * parsing) or holding a number beyond a double's range is a 400, holding too many values
 * a 413.
 *
 * <p>The body of a resume request, {@code {"checkpointId": "..."}}, is read by
 * {@link #readCheckpointId} under the same limit and rules.
 */
public class GraphInputReader {

	private static final String INPUT = "input";

	private static final String CHECKPOINT_ID = "checkpointId";

	private final JsonMapper mapper;

	private final InputLimits limits;

	/** Reads bodies, whose input is one level below the root. */
	private final JsonTreeReader bodyReader;

	/** Reads the {@code input} query parameter, which is the input itself. */
	private final JsonTreeReader queryReader;

	private final int maxBodyBytes;

	/**
	 * Creates a reader with the {@linkplain InputLimits#defaults() default input limits}.
	 * @param mapper the application's mapper
	 * @param maxBodyBytes the largest body accepted, strictly positive
	 */
	public GraphInputReader(JsonMapper mapper, long maxBodyBytes) {
		this(mapper, maxBodyBytes, InputLimits.defaults());
	}

	/**
	 * Creates a reader.
	 * @param mapper the application's mapper
	 * @param maxBodyBytes the largest body accepted, strictly positive
	 * @param limits the limits on the input's nesting and size
	 */
	public GraphInputReader(JsonMapper mapper, long maxBodyBytes, InputLimits limits) {
		this.mapper = Objects.requireNonNull(mapper, "mapper");
		this.limits = Objects.requireNonNull(limits, "limits");
		if (maxBodyBytes <= 0) {
			throw new IllegalArgumentException("maxBodyBytes must be strictly positive but was " + maxBodyBytes);
		}
		this.bodyReader = limits.reader(mapper, 1);
		this.queryReader = limits.reader(mapper, 0);
		this.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes);
	}

	/**
	 * The limits on the input's nesting and size.
	 * @return the limits
	 */
	public InputLimits limits() {
		return this.limits;
	}

	/**
	 * The largest body accepted.
	 * @return the limit in bytes
	 */
	public int maxBodyBytes() {
		return this.maxBodyBytes;
	}

	/**
	 * Reads the input from the request body.
	 * @param request the request
	 * @return the input; errors with a 400 or 413 {@link ResponseStatusException}
	 */
	public Mono<Map<String, @Nullable Object>> readBody(ServerRequest request) {
		return readBytes(request).map(this::parseBody).switchIfEmpty(Mono.fromSupplier(LinkedHashMap::new));
	}

	/**
	 * Reads the body of a resume request: {@code {"checkpointId": "..."}}, or an empty
	 * body, {@code {}} or {@code "checkpointId": null} for the execution's newest
	 * checkpoint.
	 * @param request the request
	 * @return the checkpoint id, if one is named; errors with a 400 or 413
	 * {@link ResponseStatusException}
	 */
	public Mono<Optional<String>> readCheckpointId(ServerRequest request) {
		return readBytes(request).map(this::parseCheckpointId).defaultIfEmpty(Optional.empty());
	}

	/**
	 * Parses the body of a resume request.
	 * @param body the bytes
	 * @return the checkpoint id, if one is named
	 * @throws ServerWebInputException for anything but an object with at most a
	 * {@code checkpointId} string
	 */
	public Optional<String> parseCheckpointId(byte[] body) {
		if (isBlank(body)) {
			return Optional.empty();
		}
		JsonNode root = parse(this.bodyReader, body, "request body");
		if (!root.isObject()) {
			throw new ServerWebInputException(
					"The request body must be a JSON object such as {\"checkpointId\": \"...\"} but was "
							+ JsonErrorMessages.describe(root));
		}
		JsonNode checkpointId = null;
		for (Map.Entry<String, JsonNode> field : root.properties()) {
			if (!CHECKPOINT_ID.equals(field.getKey())) {
				throw new ServerWebInputException("Unknown field '" + JsonErrorMessages.abbreviate(field.getKey(), 40)
						+ "' in the request body; the only field accepted is 'checkpointId'");
			}
			checkpointId = field.getValue();
		}
		if (checkpointId == null || checkpointId.isNull()) {
			return Optional.empty();
		}
		if (!checkpointId.isString()) {
			throw new ServerWebInputException(
					"Field 'checkpointId' must be a string but was " + JsonErrorMessages.describe(checkpointId));
		}
		if (checkpointId.stringValue().isBlank()) {
			throw new ServerWebInputException("Field 'checkpointId' must not be blank");
		}
		return Optional.of(checkpointId.stringValue());
	}

	private Mono<byte[]> readBytes(ServerRequest request) {
		try {
			checkContentType(request);
		}
		catch (ResponseStatusException ex) {
			return Mono.error(ex);
		}
		long announced = request.headers().contentLength().orElse(-1);
		if (announced > this.maxBodyBytes) {
			return Mono.error(tooLarge());
		}
		return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), this.maxBodyBytes)
			.onErrorMap(DataBufferLimitException.class, (ex) -> tooLarge())
			.map((buffer) -> {
				byte[] bytes = new byte[buffer.readableByteCount()];
				try {
					buffer.read(bytes);
				}
				finally {
					DataBufferUtils.release(buffer);
				}
				return bytes;
			});
	}

	/**
	 * Reads the input from the {@code input} query parameter.
	 * @param request the request
	 * @return the input, empty when the parameter is absent
	 * @throws ResponseStatusException 400 or 413
	 */
	public Map<String, @Nullable Object> readQuery(ServerRequest request) {
		String value = request.queryParam(INPUT).orElse(null);
		if (value == null || value.isBlank()) {
			return new LinkedHashMap<>();
		}
		if (value.length() > this.maxBodyBytes) {
			throw tooLarge();
		}
		JsonNode input = parse(this.queryReader, value.getBytes(StandardCharsets.UTF_8), "query parameter 'input'");
		return toInput(input, "Query parameter 'input'");
	}

	/**
	 * Parses a request body.
	 * @param body the bytes
	 * @return the input
	 * @throws ServerWebInputException for anything but an object with at most an
	 * {@code input} object
	 */
	public Map<String, @Nullable Object> parseBody(byte[] body) {
		if (isBlank(body)) {
			return new LinkedHashMap<>();
		}
		JsonNode root = parse(this.bodyReader, body, "request body");
		if (!root.isObject()) {
			throw new ServerWebInputException("The request body must be a JSON object such as {\"input\": {...}} but was "
					+ JsonErrorMessages.describe(root));
		}
		JsonNode input = null;
		for (Map.Entry<String, JsonNode> field : root.properties()) {
			if (!INPUT.equals(field.getKey())) {
				throw new ServerWebInputException("Unknown field '" + JsonErrorMessages.abbreviate(field.getKey(), 40)
						+ "' in the request body; the only field accepted is 'input'");
			}
			input = field.getValue();
		}
		return toInput(input, "Field 'input'");
	}

	private Map<String, @Nullable Object> toInput(@Nullable JsonNode input, String what) {
		if (input == null || input.isNull() || input.isMissingNode()) {
			return new LinkedHashMap<>();
		}
		if (!input.isObject()) {
			throw new ServerWebInputException(
					what + " must be a JSON object but was " + JsonErrorMessages.describe(input));
		}
		InputLimits.Violation violation = this.limits.check(input, what);
		if (violation != null) {
			throw new ResponseStatusException(HttpStatus.valueOf(violation.status()), violation.detail());
		}
		@SuppressWarnings("unchecked")
		Map<String, @Nullable Object> values = this.mapper.treeToValue(input, LinkedHashMap.class);
		return values;
	}

	private JsonNode parse(JsonTreeReader reader, byte[] json, String what) {
		try {
			return reader.read(json);
		}
		catch (JacksonException ex) {
			if (JsonTreeReader.isNestingTooDeep(ex)) {
				throw new ServerWebInputException(this.limits.depthExceeded());
			}
			throw new ServerWebInputException("Malformed JSON in the " + what + JsonErrorMessages.parseFailure(ex));
		}
	}

	/**
	 * A {@code Content-Type} must parse, and name no charset but UTF-8 (JSON's) or
	 * US-ASCII; the media type itself is not checked.
	 */
	private static void checkContentType(ServerRequest request) {
		String header = request.headers().firstHeader("Content-Type");
		if (header == null || header.isBlank()) {
			return;
		}
		MediaType type;
		try {
			type = MediaType.parseMediaType(header);
		}
		catch (IllegalArgumentException ex) {
			throw new ServerWebInputException("Malformed Content-Type '" + JsonErrorMessages.abbreviate(header, 64)
					+ "'; send application/json");
		}
		String charset = type.getParameter("charset");
		if (charset != null) {
			String name = charset.strip().replace("\"", "").toLowerCase(Locale.ROOT);
			if (!name.equals("utf-8") && !name.equals("utf8") && !name.equals("us-ascii")) {
				throw new ResponseStatusException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "The request body must be UTF-8 JSON"
						+ " but Content-Type names charset '" + JsonErrorMessages.abbreviate(charset, 40) + "'");
			}
		}
	}

	private static boolean isBlank(byte[] body) {
		for (byte b : body) {
			if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
				return false;
			}
		}
		return true;
	}

	private ResponseStatusException tooLarge() {
		return new ResponseStatusException(HttpStatus.CONTENT_TOO_LARGE,
				"The request body is larger than the limit of " + this.maxBodyBytes + " bytes");
	}

}
