package io.graphstreaming.spring.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * A SHA-256 digest of an execution input, equal for equal inputs whatever the order of
 * their maps' entries: what a repeated start is compared with, so that the same
 * {@code Idempotency-Key} with another input is told apart (a hash code is not enough:
 * {@code {"x":1,"y":1}} and {@code {"x":0,"y":0}} share one) without keeping the input
 * itself, which may be large, for as long as the key is remembered.
 *
 * <p>Every value is written with a type tag and its length, so that no two different
 * inputs write the same bytes: maps sorted by key, lists in order, strings, numbers (by
 * their class and text), booleans and null.
 */
final class InputDigest {

	private final byte[] value;

	private InputDigest(byte[] value) {
		this.value = value;
	}

	/**
	 * The digest of an input.
	 * @param input the input
	 * @return its digest
	 */
	static InputDigest of(Map<String, ? extends @Nullable Object> input) {
		MessageDigest digest;
		try {
			digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
		write(digest, input);
		return new InputDigest(digest.digest());
	}

	/**
	 * The digest in lower-case hex: a stable text form, for a store shared between
	 * instances.
	 * @return 64 hex digits
	 */
	String hex() {
		return HexFormat.of().formatHex(this.value);
	}

	private static void write(MessageDigest digest, @Nullable Object value) {
		if (value == null) {
			digest.update((byte) 'n');
		}
		else if (value instanceof Map<?, ?> map) {
			TreeMap<String, @Nullable Object> sorted = new TreeMap<>();
			map.forEach((key, item) -> sorted.put(String.valueOf(key), item));
			digest.update((byte) 'm');
			writeLength(digest, sorted.size());
			sorted.forEach((key, item) -> {
				writeText(digest, key);
				write(digest, item);
			});
		}
		else if (value instanceof Collection<?> list) {
			digest.update((byte) 'l');
			writeLength(digest, list.size());
			list.forEach((item) -> write(digest, item));
		}
		else if (value instanceof Object[] array) {
			write(digest, Arrays.asList(array));
		}
		else if (value instanceof String text) {
			digest.update((byte) 's');
			writeText(digest, text);
		}
		else if (value instanceof Boolean bool) {
			digest.update((byte) (bool ? 't' : 'f'));
		}
		else {
			// numbers and anything else: by class and text
			digest.update((byte) 'o');
			writeText(digest, value.getClass().getName());
			writeText(digest, value.toString());
		}
	}

	private static void writeText(MessageDigest digest, String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		writeLength(digest, bytes.length);
		digest.update(bytes);
	}

	private static void writeLength(MessageDigest digest, int length) {
		digest.update((byte) (length >>> 24));
		digest.update((byte) (length >>> 16));
		digest.update((byte) (length >>> 8));
		digest.update((byte) length);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof InputDigest digest && Arrays.equals(this.value, digest.value);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(this.value);
	}

}
