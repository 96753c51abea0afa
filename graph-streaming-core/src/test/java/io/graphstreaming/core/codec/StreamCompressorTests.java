package io.graphstreaming.core.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.graphstreaming.core.options.CompressionAlgorithm;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream compressors: every flushed chunk, appended to the ones before, decodes to exactly
 * the frames written so far (the property that lets an HTTP client decode each event as
 * it arrives); gzip can store chunks uncompressed in the same stream; the finished stream
 * is a complete gzip member or Brotli stream.
 */
class StreamCompressorTests {

	@ParameterizedTest
	@EnumSource(CompressionAlgorithm.class)
	void everyFlushedChunkDecodesToExactlyTheFramesWrittenSoFar(CompressionAlgorithm algorithm) throws IOException {
		List<byte[]> frames = frames();
		ByteArrayOutputStream written = new ByteArrayOutputStream();
		IncrementalDecoder decoder = decoderFor(algorithm);
		try (StreamCompressor compressor = CompressionCodec.of(algorithm).newStreamCompressor()) {
			for (int i = 0; i < frames.size(); i++) {
				byte[] frame = frames.get(i);
				compressor.write(frame, 0, 10);
				compressor.write(frame, 10, frame.length - 10);
				written.write(frame);
				byte[] chunk = (i % 3 == 2) ? compressor.flushUncompressed() : compressor.flush();

				assertThat(chunk).as("chunk %d", i).isNotEmpty();
				assertThat(new String(decoder.accept(chunk), StandardCharsets.UTF_8)).as("decoded after frame %d", i)
					.isEqualTo(written.toString(StandardCharsets.UTF_8));
			}
			byte[] last = compressor.finish();
			assertThat(decoder.accept(last)).isEqualTo(written.toByteArray());
			assertThat(compressor.flush()).as("finished").isEmpty();
		}
		assertThat(CompressionCodec.of(algorithm).decompress(decoder.stream())).isEqualTo(written.toByteArray());
	}

	@Test
	void gzipStreamIsOneMemberReadByGzipInputStream() throws IOException {
		StreamCompressor compressor = GzipCodec.DEFAULT.newStreamCompressor();
		ByteArrayOutputStream stream = new ByteArrayOutputStream();
		ByteArrayOutputStream written = new ByteArrayOutputStream();
		for (byte[] frame : frames()) {
			compressor.write(frame);
			written.write(frame);
			stream.write(compressor.flush());
		}
		stream.write(compressor.finish());

		try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(stream.toByteArray()))) {
			assertThat(in.readAllBytes()).isEqualTo(written.toByteArray());
		}
	}

	@Test
	void gzipStoresUncompressedChunksWithAFewBytesOfFramingAndCompressesTheOthers() {
		byte[] frame = CompressionCodecTests.eventJson(4096);
		try (StreamCompressor compressor = GzipCodec.DEFAULT.newStreamCompressor()) {
			assertThat(compressor.canStoreUncompressed()).isTrue();
			compressor.write(frame);
			byte[] first = compressor.flushUncompressed();
			compressor.write(frame);
			byte[] second = compressor.flush();
			compressor.write(frame);
			byte[] third = compressor.flushUncompressed();

			assertThat(first.length).as("header + stored block + sync flush")
				.isBetween(frame.length, frame.length + GzipCodec.HEADER.length + 16);
			assertThat(second.length).as("a repeat of the window compresses to almost nothing").isLessThan(64);
			assertThat(third.length).isBetween(frame.length, frame.length + 16);
		}
	}

	@Test
	void brotliCannotStoreUncompressedAndCompressesInstead() {
		byte[] frame = CompressionCodecTests.eventJson(4096);
		try (StreamCompressor compressor = CompressionCodec.of(CompressionAlgorithm.BROTLI).newStreamCompressor()) {
			assertThat(compressor.canStoreUncompressed()).isFalse();
			compressor.write(frame);

			assertThat(compressor.flushUncompressed().length).isLessThan(frame.length / 2);
		}
	}

	@ParameterizedTest
	@EnumSource(CompressionAlgorithm.class)
	void afterCloseWritesAreIgnoredAndFlushesAreEmpty(CompressionAlgorithm algorithm) {
		StreamCompressor compressor = CompressionCodec.of(algorithm).newStreamCompressor();
		compressor.write(CompressionCodecTests.eventJson(100));
		compressor.close();
		compressor.close();

		compressor.write(CompressionCodecTests.eventJson(100));
		assertThat(compressor.flush()).isEmpty();
		assertThat(compressor.flushUncompressed()).isEmpty();
		assertThat(compressor.finish()).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(CompressionAlgorithm.class)
	void anEmptyStreamFinishesAsAValidStream(CompressionAlgorithm algorithm) {
		StreamCompressor compressor = CompressionCodec.of(algorithm).newStreamCompressor();

		byte[] stream = compressor.finish();

		assertThat(CompressionCodec.of(algorithm).decompress(stream)).isEmpty();
	}

	/**
	 * SSE-like frames of different sizes, from a heartbeat to 20 KB.
	 */
	static List<byte[]> frames() {
		List<byte[]> frames = new ArrayList<>();
		int[] sizes = { 200, 13, 2048, 20_000, 200, 200, 70_000, 5000, 13, 300 };
		for (int i = 0; i < sizes.length; i++) {
			byte[] json = CompressionCodecTests.eventJson(sizes[i]);
			String frame = "id: e:" + (i + 1) + "\nevent: NodeCompleted\ndata: "
					+ new String(json, StandardCharsets.UTF_8) + "\n\n";
			frames.add(frame.getBytes(StandardCharsets.UTF_8));
		}
		return frames;
	}

	static IncrementalDecoder decoderFor(CompressionAlgorithm algorithm) {
		return switch (algorithm) {
			case NONE -> new IncrementalDecoder((stream) -> stream);
			case GZIP -> new GzipPrefixDecoder();
			case BROTLI -> new IncrementalDecoder(StreamCompressorTests::brotliPrefix);
		};
	}

	/**
	 * Everything a Brotli decoder outputs from a prefix of a stream, before it notices
	 * the stream is cut.
	 */
	static byte[] brotliPrefix(byte[] prefix) {
		return BrotliCodec.decode(prefix, false);
	}

	/**
	 * Decodes a stream chunk by chunk and answers everything decoded so far.
	 */
	static class IncrementalDecoder {

		private final ByteArrayOutputStream stream = new ByteArrayOutputStream();

		private final java.util.function.Function<byte[], byte[]> prefixDecoder;

		IncrementalDecoder(java.util.function.Function<byte[], byte[]> prefixDecoder) {
			this.prefixDecoder = prefixDecoder;
		}

		byte[] accept(byte[] chunk) {
			this.stream.writeBytes(chunk);
			return decodeSoFar();
		}

		byte[] decodeSoFar() {
			return this.prefixDecoder.apply(this.stream.toByteArray());
		}

		byte[] stream() {
			return this.stream.toByteArray();
		}

	}

	/**
	 * A raw inflater fed chunk by chunk after the 10-byte gzip header, as a browser does.
	 */
	static final class GzipPrefixDecoder extends IncrementalDecoder {

		private final Inflater inflater = new Inflater(true);

		private final ByteArrayOutputStream decoded = new ByteArrayOutputStream();

		private int headerLeft = GzipCodec.HEADER.length;

		GzipPrefixDecoder() {
			super((stream) -> stream);
		}

		@Override
		byte[] accept(byte[] chunk) {
			super.accept(chunk);
			int skip = Math.min(this.headerLeft, chunk.length);
			this.headerLeft -= skip;
			if (!this.inflater.finished()) {
				this.inflater.setInput(Arrays.copyOfRange(chunk, skip, chunk.length));
				byte[] buffer = new byte[8192];
				try {
					int read;
					while ((read = this.inflater.inflate(buffer)) > 0) {
						this.decoded.write(buffer, 0, read);
					}
				}
				catch (DataFormatException ex) {
					throw new IllegalStateException(ex);
				}
			}
			return this.decoded.toByteArray();
		}

	}

}
