package io.graphstreaming.spring.json;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.checkpoint.CheckpointCodec;

/**
 * Checkpoints as JSON, written with the application's mapper, so that a checkpoint file
 * can be read (and, with care, mended) by a person:
 *
 * <pre>
 * {"checkpointFormat":1,"checkpointId":"e1-2","executionId":"e1","graphId":"g","nodeId":"b",
 *  "nextNodes":["c"],"sequence":9,"createdAt":"2025-01-01T10:00:00.123Z","nodeExecutions":2,
 *  "budgetUsage":{"tokens":42.0},"iterations":{},"state":{...}}
 * </pre>
 *
 * <p>State values come back as JSON types: maps, lists, strings, numbers (whole numbers
 * as int, long or BigInteger by size, decimals as double), booleans and null, exactly as
 * in event JSON. Values of those types round-trip unchanged; any other value is written
 * as the mapper writes it (a record becomes an object) and comes back as that JSON, so
 * nodes of a resumed run should read such keys as maps. A value the mapper cannot write
 * is refused when the checkpoint is encoded, naming its key.
 *
 * <p>Decoding checks the format marker and every field, and fails with an
 * {@link IllegalArgumentException} naming what is wrong; unknown fields are ignored so
 * that a newer version may add some. The output is never indented, whatever the
 * mapper's settings.
 */
public class JsonCheckpointCodec implements CheckpointCodec {

	/** The version of the format this codec writes and reads. */
	public static final int FORMAT = 1;

	private static final String FORMAT_FIELD = "checkpointFormat";

	private final JsonMapper mapper;

	private final ObjectWriter writer;

	private final ObjectReader reader;

	/**
	 * Creates a codec.
	 * @param mapper the application's mapper, which writes state values
	 */
	public JsonCheckpointCodec(JsonMapper mapper) {
		this.mapper = Objects.requireNonNull(mapper, "mapper");
		this.writer = mapper.writer().without(SerializationFeature.INDENT_OUTPUT);
		this.reader = mapper.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
	}

	@Override
	public byte[] encode(Checkpoint checkpoint) {
		Objects.requireNonNull(checkpoint, "checkpoint");
		ObjectNode root = this.mapper.createObjectNode();
		root.put(FORMAT_FIELD, FORMAT);
		root.put("checkpointId", checkpoint.checkpointId());
		root.put("executionId", checkpoint.executionId());
		root.put("graphId", checkpoint.graphId());
		root.put("nodeId", checkpoint.nodeId());
		ArrayNode nextNodes = root.putArray("nextNodes");
		checkpoint.nextNodes().forEach(nextNodes::add);
		root.put("sequence", checkpoint.sequence());
		root.put("createdAt", checkpoint.createdAt().toString());
		root.put("nodeExecutions", checkpoint.nodeExecutions());
		ObjectNode budgetUsage = root.putObject("budgetUsage");
		checkpoint.budgetUsage().forEach(budgetUsage::put);
		ObjectNode iterations = root.putObject("iterations");
		checkpoint.iterations().forEach(iterations::put);
		ObjectNode state = root.putObject("state");
		for (Map.Entry<String, @Nullable Object> entry : checkpoint.state().entrySet()) {
			state.set(entry.getKey(), stateValue(entry.getKey(), entry.getValue()));
		}
		return this.writer.writeValueAsBytes(root);
	}

	private JsonNode stateValue(String key, @Nullable Object value) {
		if (value == null) {
			return this.mapper.nullNode();
		}
		try {
			JsonNode node = this.mapper.valueToTree(value);
			return (node != null) ? node : this.mapper.nullNode();
		}
		catch (RuntimeException ex) {
			String reason = (ex instanceof JacksonException jackson) ? jackson.getOriginalMessage() : ex.toString();
			throw new IllegalArgumentException("State value of key '" + key + "' (a " + value.getClass().getName()
					+ ") cannot be written as JSON by the application's JsonMapper: " + reason, ex);
		}
	}

	@Override
	public Checkpoint decode(byte[] bytes) {
		Objects.requireNonNull(bytes, "bytes");
		JsonNode root;
		try {
			root = this.reader.readTree(bytes);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"Not a checkpoint of the JSON codec: malformed JSON" + JsonErrorMessages.parseFailure(ex), ex);
		}
		if (root == null || !root.isObject()) {
			throw new IllegalArgumentException("Not a checkpoint of the JSON codec: the content is "
					+ ((root == null) ? "empty" : JsonErrorMessages.describe(root)) + ", not a JSON object");
		}
		JsonFields fields = new JsonFields(root, "Checkpoint");
		JsonNode format = root.get(FORMAT_FIELD);
		if (format == null) {
			throw new IllegalArgumentException(
					"Not a checkpoint of the JSON codec: field '" + FORMAT_FIELD + "' is missing");
		}
		int version = fields.wholeInt(FORMAT_FIELD);
		if (version != FORMAT) {
			throw new IllegalArgumentException(
					"Checkpoint format " + version + " is not supported; this codec reads format " + FORMAT);
		}
		Map<String, Double> budgetUsage = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : fields.object("budgetUsage").properties()) {
			budgetUsage.put(entry.getKey(), fields.number("budgetUsage." + entry.getKey(), entry.getValue()));
		}
		Map<String, Integer> iterations = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : fields.object("iterations").properties()) {
			iterations.put(entry.getKey(), fields.wholeInt("iterations." + entry.getKey(), entry.getValue()));
		}
		return new Checkpoint(fields.text("checkpointId"), fields.text("executionId"), fields.text("graphId"),
				fields.text("nodeId"), fields.texts("nextNodes"), GraphEventJsonReader.toMap(fields.object("state")),
				fields.whole("sequence"), fields.wholeInt("nodeExecutions"), budgetUsage, iterations,
				fields.instant("createdAt"));
	}

}
