package io.graphstreaming.core.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.encoder.Encoder;

import io.graphstreaming.core.options.CompressionAlgorithm;

/**
 * Brotli (RFC 7932) through brotli4j's native encoder and decoder. Only usable when
 * {@link CompressionCodec#isAvailable(CompressionAlgorithm)} says so; get instances from
 * {@link CompressionCodec#of(CompressionAlgorithm)} or, for other parameters,
 * {@link #create(int, int)}, which check that first.
 *
 * <p>The defaults, quality {@value #DEFAULT_QUALITY} and a window of
 * 2^{@value #DEFAULT_WINDOW} bytes, are those of a web server compressing on the fly:
 * several times faster than the maximum quality 11, with most of its ratio on JSON, and a
 * window whose memory (per open stream) stays small.
 */
public final class BrotliCodec implements CompressionCodec {

	/** The default quality (0 to 11). */
	public static final int DEFAULT_QUALITY = 5;

	/** The default base-2 logarithm of the window size (10 to 24). */
	public static final int DEFAULT_WINDOW = 18;

	private final int quality;

	private final int window;

	private BrotliCodec(int quality, int window) {
		this.quality = quality;
		this.window = window;
	}

	/**
	 * A codec with other parameters.
	 * @param quality 0 (fastest) to 11 (smallest)
	 * @param window base-2 logarithm of the window, 10 to 24
	 * @return the codec
	 * @throws IllegalArgumentException if a parameter is out of range or Brotli is not
	 * available on this platform
	 */
	public static BrotliCodec create(int quality, int window) {
		if (quality < 0 || quality > 11) {
			throw new IllegalArgumentException("Brotli quality must be between 0 and 11 but was " + quality);
		}
		if (window < 10 || window > 24) {
			throw new IllegalArgumentException("Brotli window must be between 10 and 24 but was " + window);
		}
		BrotliSupport.requireAvailable();
		return new BrotliCodec(quality, window);
	}

	/**
	 * The quality.
	 * @return 0 to 11
	 */
	public int quality() {
		return this.quality;
	}

	/**
	 * The base-2 logarithm of the window.
	 * @return 10 to 24
	 */
	public int window() {
		return this.window;
	}

	@Override
	public CompressionAlgorithm algorithm() {
		return CompressionAlgorithm.BROTLI;
	}

	@Override
	public byte[] compress(byte[] data) {
		try {
			return Encoder.compress(data, parameters());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Brotli encoding failed: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Decompresses a whole Brotli stream. Unlike brotli4j's {@code BrotliInputStream}
	 * (1.20.0), this accepts every valid stream: the native decoder may report "needs
	 * more input" after it consumed the last bytes but before it processed them (it
	 * stopped to hand out output, see google/brotli#810), so when the input is exhausted
	 * it is called once more with no input before the stream is declared truncated.
	 * @param data a complete Brotli stream
	 * @return the original bytes
	 * @throws UncheckedIOException if the stream is corrupt or truncated
	 */
	@Override
	public byte[] decompress(byte[] data) {
		return decode(data, true);
	}

	/**
	 * Decodes what a (possibly cut) stream holds.
	 * @param data the stream, or a prefix of it
	 * @param requireComplete whether a stream that does not end is an error
	 * @return the bytes decoded
	 */
	static byte[] decode(byte[] data, boolean requireComplete) {
		DecoderJNI.Wrapper decoder;
		try {
			decoder = new DecoderJNI.Wrapper(Math.max(1024, Math.min(data.length, 64 * 1024)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a Brotli decoder: " + ex.getMessage(), ex);
		}
		try {
			ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length * 4));
			int position = 0;
			boolean kicked = false;
			for (;;) {
				switch (decoder.getStatus()) {
					case DONE -> {
						drain(decoder, out);
						return out.toByteArray();
					}
					case OK -> decoder.push(0);
					case NEEDS_MORE_OUTPUT -> write(decoder.pull(), out);
					case NEEDS_MORE_INPUT -> {
						if (decoder.hasOutput()) {
							drain(decoder, out);
							kicked = false;
						}
						else if (position < data.length) {
							ByteBuffer input = decoder.getInputBuffer();
							input.clear();
							int length = Math.min(input.remaining(), data.length - position);
							input.put(data, position, length);
							position += length;
							decoder.push(length);
							kicked = false;
						}
						else if (!kicked) {
							decoder.push(0);
							kicked = true;
						}
						else if (requireComplete) {
							throw invalid("unexpected end of input");
						}
						else {
							return out.toByteArray();
						}
					}
					default -> throw invalid("corrupt input");
				}
			}
		}
		finally {
			decoder.destroy();
		}
	}

	private static void drain(DecoderJNI.Wrapper decoder, ByteArrayOutputStream out) {
		while (decoder.hasOutput()) {
			write(decoder.pull(), out);
		}
	}

	private static void write(ByteBuffer chunk, ByteArrayOutputStream out) {
		byte[] bytes = new byte[chunk.remaining()];
		chunk.get(bytes);
		out.writeBytes(bytes);
	}

	private static UncheckedIOException invalid(String problem) {
		return new UncheckedIOException("Invalid Brotli data: " + problem, new IOException(problem));
	}

	@Override
	public StreamCompressor newStreamCompressor() {
		return new BrotliStreamCompressor(parameters());
	}

	Encoder.Parameters parameters() {
		return new Encoder.Parameters().setQuality(this.quality).setWindow(this.window).setMode(Encoder.Mode.TEXT);
	}

	@Override
	public String toString() {
		return "BrotliCodec[quality=" + this.quality + ", window=" + this.window + "]";
	}

	/**
	 * The shared default codec, created on first use (after the availability check).
	 */
	static final class Holder {

		static final BrotliCodec DEFAULT = new BrotliCodec(DEFAULT_QUALITY, DEFAULT_WINDOW);

		private Holder() {
		}

	}

}
