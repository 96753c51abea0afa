package io.graphstreaming.core.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;

import io.graphstreaming.core.options.CompressionAlgorithm;

/**
 * gzip (RFC 1952) with the JDK's {@link Deflater}: no native library to ship, available
 * everywhere. {@link #compress(byte[])} makes one gzip member per message;
 * {@link #newStreamCompressor()} makes one member per response, flushed with
 * {@code SYNC_FLUSH} after each frame.
 */
public final class GzipCodec implements CompressionCodec {

	/** The DEFLATE level of {@link #DEFAULT}: zlib's default, a good speed/ratio balance. */
	public static final int DEFAULT_LEVEL = 6;

	/** The shared codec at {@link #DEFAULT_LEVEL}. */
	public static final GzipCodec DEFAULT = new GzipCodec(DEFAULT_LEVEL);

	/** The member header: magic, DEFLATE, no flags, no time, no extra flags, unknown OS. */
	static final byte[] HEADER = { 0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff };

	private final int level;

	/**
	 * A codec with a DEFLATE level.
	 * @param level 1 (fastest) to 9 (smallest)
	 * @throws IllegalArgumentException if out of range
	 */
	public GzipCodec(int level) {
		if (level < Deflater.BEST_SPEED || level > Deflater.BEST_COMPRESSION) {
			throw new IllegalArgumentException("gzip level must be between 1 and 9 but was " + level);
		}
		this.level = level;
	}

	/**
	 * The DEFLATE level.
	 * @return 1 to 9
	 */
	public int level() {
		return this.level;
	}

	@Override
	public CompressionAlgorithm algorithm() {
		return CompressionAlgorithm.GZIP;
	}

	@Override
	public byte[] compress(byte[] data) {
		Deflater deflater = new Deflater(this.level, true);
		try {
			deflater.setInput(data);
			deflater.finish();
			ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 3 + 64);
			out.writeBytes(HEADER);
			byte[] buffer = new byte[Math.min(64 * 1024, Math.max(512, data.length))];
			while (!deflater.finished()) {
				int written = deflater.deflate(buffer);
				out.write(buffer, 0, written);
			}
			CRC32 crc = new CRC32();
			crc.update(data);
			writeTrailer(out, crc.getValue(), data.length);
			return out.toByteArray();
		}
		finally {
			deflater.end();
		}
	}

	@Override
	public byte[] decompress(byte[] data) {
		try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Invalid gzip data: " + ex.getMessage(), ex);
		}
	}

	@Override
	public StreamCompressor newStreamCompressor() {
		return new GzipStreamCompressor(this.level);
	}

	/**
	 * CRC-32 and input size modulo 2^32, little-endian.
	 */
	static void writeTrailer(ByteArrayOutputStream out, long crc, long size) {
		writeInt(out, crc);
		writeInt(out, size);
	}

	private static void writeInt(ByteArrayOutputStream out, long value) {
		out.write((int) (value & 0xff));
		out.write((int) ((value >>> 8) & 0xff));
		out.write((int) ((value >>> 16) & 0xff));
		out.write((int) ((value >>> 24) & 0xff));
	}

	@Override
	public String toString() {
		return "GzipCodec[level=" + this.level + "]";
	}

}
