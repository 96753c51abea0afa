package io.graphstreaming.core.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The Java serialization codec: round trips, refuses state it cannot write or would not
 * read back (naming the key), rejects bytes that are not its checkpoints, and only
 * loads allowed classes, before any of their code runs.
 */
class JavaSerializationCheckpointCodecTests {

	private static final String THIS_PACKAGE = "io.graphstreaming.core.checkpoint.*";

	private final CheckpointCodec codec = CheckpointCodec.javaSerialization();

	@Test
	void aCheckpointOfJdkValuesRoundTrips() {
		Checkpoint checkpoint = checkpoint(Map.of("list", List.of(1, "two", Map.of("three", 3.0)), "date",
				LocalDate.of(2024, 2, 29), "timeout", Duration.ofSeconds(5)));

		assertThat(this.codec.decode(this.codec.encode(checkpoint))).isEqualTo(checkpoint);
	}

	@Test
	void aNonSerializableStateValueIsRejectedNamingItsKeyAndClass() {
		Checkpoint checkpoint = checkpoint(Map.of("ok", 1, "client", new Connection()));

		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encode(checkpoint))
			.withMessage("State value of key 'client' is a " + Connection.class.getName()
					+ ", which is not Serializable as the Java serialization checkpoint codec needs");
	}

	@Test
	void aNonSerializableValueInsideASerializableOneIsRejectedNamingTheKeyAndBothClasses() {
		Checkpoint checkpoint = checkpoint(Map.of("clients", new java.util.ArrayList<>(List.of(new Connection()))));

		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encode(checkpoint))
			.withMessageContaining("'clients'")
			.withMessageContaining("java.util.ArrayList")
			.withMessageContaining(Connection.class.getName());
	}

	@Test
	void aStateValueTheDefaultFilterWouldNotLoadIsRefusedWhenEncoded() {
		Checkpoint checkpoint = checkpoint(Map.of("price", new Money(100)));

		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encode(checkpoint))
			.withMessage("State value of key 'price' is a " + Money.class.getName()
					+ ", which the codec's class filter would refuse to load; allow it with "
					+ "CheckpointCodec.javaSerialization(\"" + THIS_PACKAGE + "\")");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.codec.encode(checkpoint(Map.of("prices", List.of(new Money(1))))))
			.withMessageContaining("'prices'")
			.withMessageContaining("contains a " + Money.class.getName());
	}

	@Test
	void extraAllowedPatternsLetApplicationTypesRoundTrip() {
		CheckpointCodec codec = CheckpointCodec.javaSerialization(THIS_PACKAGE);
		Checkpoint checkpoint = checkpoint(Map.of("price", new Money(100), "prices", List.of(new Money(1))));

		assertThat(codec.decode(codec.encode(checkpoint))).isEqualTo(checkpoint);
	}

	@Test
	void theFilterRejectsADisallowedClassBeforeItsCodeRuns() {
		byte[] bytes = CheckpointCodec.javaSerialization(THIS_PACKAGE).encode(checkpoint(Map.of("gadget", new Gadget())));
		Gadget.READ.set(false);

		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.decode(bytes))
			.withMessage("Checkpoint state contains a " + Gadget.class.getName()
					+ ", which the codec's class filter does not allow; allow it with CheckpointCodec.javaSerialization(\""
					+ THIS_PACKAGE + "\")");
		assertThat(Gadget.READ).as("readObject ran").isFalse();

		CheckpointCodec.javaSerialization(THIS_PACKAGE).decode(bytes);
		assertThat(Gadget.READ).as("the gadget is read when allowed").isTrue();
	}

	@Test
	void bytesThatAreNotJavaSerializationAreRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.codec.decode("{\"checkpointId\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
			.withMessageStartingWith("Not a checkpoint of the Java serialization codec");
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.decode(new byte[0]))
			.withMessageStartingWith("Not a checkpoint of the Java serialization codec");
	}

	@Test
	void anotherSerializedObjectIsRejected() throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
			out.writeObject(List.of("not", "a", "checkpoint"));
		}

		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.decode(bytes.toByteArray()))
			.withMessageStartingWith("Not a checkpoint of the Java serialization codec");
	}

	@Test
	void foreignPrimitiveDataIsRejectedByItsMagicNumber() throws IOException {
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.decode(serialized(0xCAFEBABE, 1)))
			.withMessage("Not a checkpoint of the Java serialization codec: magic number 0xcafebabe instead of "
					+ "0x47534350");
	}

	@Test
	void anUnknownFormatVersionIsRejected() throws IOException {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.codec.decode(serialized(JavaSerializationCheckpointCodec.MAGIC, 2)))
			.withMessage("Checkpoint format version 2 is not supported; this codec reads version 1");
	}

	@Test
	void truncatedBytesAreRejected() {
		byte[] bytes = this.codec.encode(checkpoint(Map.of("a", "b")));

		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.codec.decode(java.util.Arrays.copyOf(bytes, bytes.length - 3)))
			.withMessageStartingWith("Not a checkpoint of the Java serialization codec");
	}

	@Test
	void withoutPatternsTheCodecIsTheSharedDefault() {
		assertThat(CheckpointCodec.javaSerialization()).isSameAs(JavaSerializationCheckpointCodec.INSTANCE);
		assertThat(CheckpointCodec.javaSerialization(new String[0])).isSameAs(JavaSerializationCheckpointCodec.INSTANCE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "!*", "com.example.*;!*", "maxdepth=5" })
	void allowedClassPatternsMustBeClassPatterns(String pattern) {
		assertThatIllegalArgumentException().isThrownBy(() -> CheckpointCodec.javaSerialization(pattern))
			.withMessage("allowedClassPattern must be a class or package pattern such as 'com.example.*' but was '"
					+ pattern + "'");
	}

	private static byte[] serialized(int magic, int version) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
			out.writeInt(magic);
			out.writeInt(version);
		}
		return bytes.toByteArray();
	}

	private static Checkpoint checkpoint(Map<String, @Nullable Object> state) {
		return new Checkpoint("exec-1", "exec", "graph", "node", List.of("next"), state, 1, 1, Map.of("cost", 0.5),
				Map.of("loop", 1), Instant.parse("2024-01-01T00:00:00Z"));
	}

	/** Not Serializable: a state value that cannot be saved. */
	static final class Connection {

	}

	/** An application type, outside the default allowed packages. */
	record Money(long cents) implements Serializable {
	}

	/** Records that it was deserialized, as a gadget's code would run. */
	static final class Gadget implements Serializable {

		private static final long serialVersionUID = 1L;

		static final AtomicBoolean READ = new AtomicBoolean();

		private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
			in.defaultReadObject();
			READ.set(true);
		}

	}

}
