package io.graphstreaming.core.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Java serialization of checkpoints. The checkpoint's fields are written one by one
 * after a magic number and a format version, not the record itself, so that the format
 * does not change with the record's class and bytes of anything else are recognised and
 * rejected at once. State values go through {@link ObjectOutputStream#writeObject}.
 *
 * <p>Decoding runs an {@link ObjectInputFilter}: checkpoint files are read back from
 * disk (or a shared Redis), where anyone who can write them could plant a serialization
 * gadget. By default only classes of {@code java.lang}, {@code java.util},
 * {@code java.time} and {@code java.math}, and arrays of them or of primitives, are
 * allowed; an application with its own state types allows them with extra patterns
 * (see {@link CheckpointCodec#javaSerialization(String...)}). Encoding checks state
 * values against the same filter, so that a checkpoint that could not be loaded is
 * refused when it is saved, naming its key, rather than when a run tries to resume.
 */
final class JavaSerializationCheckpointCodec implements CheckpointCodec {

	static final JavaSerializationCheckpointCodec INSTANCE = new JavaSerializationCheckpointCodec();

	/** "GSCP": graph-streaming checkpoint. */
	static final int MAGIC = 0x47534350;

	static final int VERSION = 1;

	private static final String DEFAULT_PATTERNS = "java.lang.*;java.util.*;java.time.*;java.math.*";

	private final ObjectInputFilter filter;

	/**
	 * A codec allowing the default classes and those matching the given patterns.
	 * @param allowedClassPatterns {@link ObjectInputFilter.Config#createFilter} class
	 * patterns such as {@code com.example.Money}, {@code com.example.*} (a package) or
	 * {@code com.example.**} (a package and its subpackages)
	 */
	JavaSerializationCheckpointCodec(String... allowedClassPatterns) {
		StringBuilder patterns = new StringBuilder(DEFAULT_PATTERNS);
		for (String pattern : allowedClassPatterns) {
			patterns.append(';').append(requireClassPattern(pattern));
		}
		this.filter = ObjectInputFilter.Config.createFilter(patterns.append(";!*").toString());
	}

	private static String requireClassPattern(@Nullable String pattern) {
		Objects.requireNonNull(pattern, "allowedClassPattern");
		// ';' would smuggle in further patterns, '!' a rejection, '=' a limit: an allowed
		// class pattern is only ever a class or package name.
		if (pattern.isBlank() || pattern.contains(";") || pattern.startsWith("!") || pattern.contains("=")) {
			throw new IllegalArgumentException(
					"allowedClassPattern must be a class or package pattern such as 'com.example.*' but was '" + pattern
							+ "'");
		}
		return pattern;
	}

	@Override
	public byte[] encode(Checkpoint checkpoint) {
		Objects.requireNonNull(checkpoint, "checkpoint");
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (FilteringOutputStream out = new FilteringOutputStream(bytes, this.filter)) {
			out.writeInt(MAGIC);
			out.writeInt(VERSION);
			out.writeUTF(checkpoint.checkpointId());
			out.writeUTF(checkpoint.executionId());
			out.writeUTF(checkpoint.graphId());
			out.writeUTF(checkpoint.nodeId());
			out.writeInt(checkpoint.nextNodes().size());
			for (String node : checkpoint.nextNodes()) {
				out.writeUTF(node);
			}
			out.writeInt(checkpoint.state().size());
			for (Map.Entry<String, @Nullable Object> entry : checkpoint.state().entrySet()) {
				out.writeUTF(entry.getKey());
				writeStateValue(out, entry.getKey(), entry.getValue());
			}
			out.writeLong(checkpoint.sequence());
			out.writeInt(checkpoint.nodeExecutions());
			out.writeInt(checkpoint.budgetUsage().size());
			for (Map.Entry<String, Double> entry : checkpoint.budgetUsage().entrySet()) {
				out.writeUTF(entry.getKey());
				out.writeDouble(entry.getValue());
			}
			out.writeInt(checkpoint.iterations().size());
			for (Map.Entry<String, Integer> entry : checkpoint.iterations().entrySet()) {
				out.writeUTF(entry.getKey());
				out.writeInt(entry.getValue());
			}
			out.writeLong(checkpoint.createdAt().getEpochSecond());
			out.writeInt(checkpoint.createdAt().getNano());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not encode checkpoint '" + checkpoint.checkpointId() + "'", ex);
		}
		return bytes.toByteArray();
	}

	private static void writeStateValue(FilteringOutputStream out, String key, @Nullable Object value)
			throws IOException {
		try {
			out.writeObject(value);
		}
		catch (UnwritableClassException ex) {
			String type = (value != null) ? value.getClass().getName() : "null";
			String what = type.equals(ex.className) ? "is a " + type : "(a " + type + ") contains a " + ex.className;
			String why = ex.notSerializable ? "which is not Serializable as the Java serialization checkpoint codec needs"
					: "which the codec's class filter would refuse to load; allow it with "
							+ "CheckpointCodec.javaSerialization(\"" + packagePattern(ex.className) + "\")";
			throw new IllegalArgumentException("State value of key '" + key + "' " + what + ", " + why, ex);
		}
	}

	@Override
	public Checkpoint decode(byte[] bytes) {
		Objects.requireNonNull(bytes, "bytes");
		RecordingFilter recording = new RecordingFilter(this.filter);
		try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
			in.setObjectInputFilter(recording);
			int magic = in.readInt();
			if (magic != MAGIC) {
				throw new IllegalArgumentException("Not a checkpoint of the Java serialization codec: magic number 0x"
						+ Integer.toHexString(magic) + " instead of 0x" + Integer.toHexString(MAGIC));
			}
			int version = in.readInt();
			if (version != VERSION) {
				throw new IllegalArgumentException("Checkpoint format version " + version
						+ " is not supported; this codec reads version " + VERSION);
			}
			return read(in);
		}
		catch (InvalidClassException ex) {
			if (recording.rejected != null) {
				throw new IllegalArgumentException("Checkpoint state contains a " + recording.rejected
						+ ", which the codec's class filter does not allow; allow it with CheckpointCodec.javaSerialization(\""
						+ packagePattern(recording.rejected) + "\")", ex);
			}
			throw notACheckpoint(ex);
		}
		catch (IOException | ClassNotFoundException | DateTimeException ex) {
			throw notACheckpoint(ex);
		}
	}

	private static Checkpoint read(ObjectInputStream in) throws IOException, ClassNotFoundException {
		String checkpointId = in.readUTF();
		String executionId = in.readUTF();
		String graphId = in.readUTF();
		String nodeId = in.readUTF();
		int nextCount = in.readInt();
		List<String> nextNodes = new ArrayList<>();
		for (int i = 0; i < nextCount; i++) {
			nextNodes.add(in.readUTF());
		}
		int stateCount = in.readInt();
		Map<String, @Nullable Object> state = new LinkedHashMap<>();
		for (int i = 0; i < stateCount; i++) {
			state.put(in.readUTF(), in.readObject());
		}
		long sequence = in.readLong();
		int nodeExecutions = in.readInt();
		int budgetCount = in.readInt();
		Map<String, Double> budgetUsage = new LinkedHashMap<>();
		for (int i = 0; i < budgetCount; i++) {
			budgetUsage.put(in.readUTF(), in.readDouble());
		}
		int iterationCount = in.readInt();
		Map<String, Integer> iterations = new LinkedHashMap<>();
		for (int i = 0; i < iterationCount; i++) {
			iterations.put(in.readUTF(), in.readInt());
		}
		Instant createdAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
		return new Checkpoint(checkpointId, executionId, graphId, nodeId, nextNodes, state, sequence, nodeExecutions,
				budgetUsage, iterations, createdAt);
	}

	private static IllegalArgumentException notACheckpoint(Exception cause) {
		return new IllegalArgumentException("Not a checkpoint of the Java serialization codec: " + cause, cause);
	}

	private static String packagePattern(String className) {
		int dot = className.lastIndexOf('.');
		return (dot < 0) ? className : className.substring(0, dot) + ".*";
	}

	/**
	 * Checks every object written (after {@code writeReplace}, so as the reader will see
	 * it: {@code List.of(...)} as {@code java.util.CollSer}) for being Serializable and
	 * allowed by the decoding filter. Doing the Serializable check here too, rather than
	 * letting the stream throw {@link java.io.NotSerializableException}, gives one place
	 * that knows when the stream has failed: the stream then writes its exception into
	 * itself, which must not be checked in turn.
	 */
	private static final class FilteringOutputStream extends ObjectOutputStream {

		private final ObjectInputFilter filter;

		private boolean failed;

		FilteringOutputStream(OutputStream out, ObjectInputFilter filter) throws IOException {
			super(out);
			this.filter = filter;
			enableReplaceObject(true);
		}

		@Override
		protected Object replaceObject(Object obj) throws IOException {
			if (this.failed) {
				return obj;
			}
			Class<?> type = obj.getClass();
			if (!(obj instanceof Serializable)) {
				this.failed = true;
				throw new UnwritableClassException(type.getName(), true);
			}
			if (this.filter.checkInput(new ClassInfo(type)) == ObjectInputFilter.Status.REJECTED) {
				while (type.isArray()) {
					type = type.getComponentType();
				}
				this.failed = true;
				throw new UnwritableClassException(type.getName(), false);
			}
			return obj;
		}

	}

	/**
	 * Thrown from {@link FilteringOutputStream#replaceObject} through the stream.
	 */
	private static final class UnwritableClassException extends IOException {

		private static final long serialVersionUID = 1L;

		final String className;

		final boolean notSerializable;

		UnwritableClassException(String className, boolean notSerializable) {
			super(className);
			this.className = className;
			this.notSerializable = notSerializable;
		}

	}

	/**
	 * What the filter needs to judge a class on its own, without stream limits.
	 */
	private record ClassInfo(Class<?> serialClass) implements ObjectInputFilter.FilterInfo {

		@Override
		public long arrayLength() {
			return -1;
		}

		@Override
		public long depth() {
			return 1;
		}

		@Override
		public long references() {
			return 0;
		}

		@Override
		public long streamBytes() {
			return 0;
		}

	}

	/**
	 * Remembers the class it rejected, because the JDK's exception does not name it.
	 */
	private static final class RecordingFilter implements ObjectInputFilter {

		private final ObjectInputFilter delegate;

		@Nullable String rejected;

		RecordingFilter(ObjectInputFilter delegate) {
			this.delegate = delegate;
		}

		@Override
		public Status checkInput(FilterInfo info) {
			Status status = this.delegate.checkInput(info);
			Class<?> type = info.serialClass();
			if (status == Status.REJECTED && type != null && this.rejected == null) {
				while (type.isArray()) {
					type = type.getComponentType();
				}
				this.rejected = type.getName();
			}
			return status;
		}

	}

}
