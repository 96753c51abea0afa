package io.graphstreaming.core.checkpoint;

/**
 * Turns a checkpoint into bytes and back, for stores that keep bytes (files, Redis).
 * The core has no JSON library, so it offers {@link #javaSerialization()} (state values
 * must be {@code Serializable}); the Spring Boot starter supplies a JSON codec built on
 * the application's mapper, which also keeps checkpoints readable by people.
 */
public interface CheckpointCodec {

	/**
	 * Encodes a checkpoint.
	 * @param checkpoint the checkpoint
	 * @return its bytes
	 * @throws IllegalArgumentException if a state value cannot be encoded, naming its key
	 */
	byte[] encode(Checkpoint checkpoint);

	/**
	 * Decodes a checkpoint.
	 * @param bytes what {@link #encode} produced
	 * @return the checkpoint
	 * @throws IllegalArgumentException if the bytes are not a checkpoint of this codec
	 */
	Checkpoint decode(byte[] bytes);

	/**
	 * The codec of Java serialization: no extra library; state values must be
	 * {@code Serializable} (strings, numbers, booleans, lists and maps of them are).
	 * @return the codec
	 */
	static CheckpointCodec javaSerialization() {
		return JavaSerializationCheckpointCodec.INSTANCE;
	}

	/**
	 * The codec of Java serialization, also loading the application's own state types.
	 * Decoding only loads classes of {@code java.lang}, {@code java.util},
	 * {@code java.time} and {@code java.math} unless told otherwise, because checkpoint
	 * bytes come back from disk or a network store where a planted serialization gadget
	 * would otherwise run; a state value the codec would not load back is refused when
	 * it is encoded.
	 * @param allowedClassPatterns more classes to allow, as
	 * {@link java.io.ObjectInputFilter.Config#createFilter} patterns:
	 * {@code com.example.Money}, {@code com.example.*} (a package) or
	 * {@code com.example.**} (with its subpackages)
	 * @return the codec
	 * @throws IllegalArgumentException if a pattern is blank or is not a class pattern
	 * (it contains {@code ;} or {@code =} or starts with {@code !})
	 */
	static CheckpointCodec javaSerialization(String... allowedClassPatterns) {
		return (allowedClassPatterns.length == 0) ? JavaSerializationCheckpointCodec.INSTANCE
				: new JavaSerializationCheckpointCodec(allowedClassPatterns);
	}

}
