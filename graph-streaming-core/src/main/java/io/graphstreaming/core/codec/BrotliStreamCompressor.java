package io.graphstreaming.core.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;

import io.graphstreaming.core.options.CompressionAlgorithm;

/**
 * One Brotli stream written chunk by chunk: each flush is a
 * {@code BROTLI_OPERATION_FLUSH}, after which a decoder has produced every byte written
 * so far. The encoder keeps its window across flushes, so later events compress against
 * earlier ones. Brotli cannot store a chunk uncompressed on request (its quality is fixed
 * for the stream); it emits an uncompressed meta-block by itself when compressing does
 * not pay.
 */
final class BrotliStreamCompressor implements StreamCompressor {

	private static final byte[] EMPTY = new byte[0];

	private static final int INPUT_BUFFER = 16 * 1024;

	private final ByteArrayOutputStream sink = new ByteArrayOutputStream(512);

	private final BrotliOutputStream encoder;

	private boolean closed;

	BrotliStreamCompressor(Encoder.Parameters parameters) {
		try {
			this.encoder = new BrotliOutputStream(this.sink, parameters, INPUT_BUFFER);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a Brotli encoder: " + ex.getMessage(), ex);
		}
	}

	@Override
	public CompressionAlgorithm algorithm() {
		return CompressionAlgorithm.BROTLI;
	}

	@Override
	public synchronized void write(byte[] bytes, int offset, int length) {
		if (this.closed) {
			return;
		}
		try {
			this.encoder.write(bytes, offset, length);
		}
		catch (IOException ex) {
			throw failed(ex);
		}
	}

	@Override
	public synchronized byte[] flush() {
		if (this.closed) {
			return EMPTY;
		}
		try {
			this.encoder.flush();
		}
		catch (IOException ex) {
			throw failed(ex);
		}
		return take();
	}

	@Override
	public byte[] flushUncompressed() {
		return flush();
	}

	@Override
	public boolean canStoreUncompressed() {
		return false;
	}

	@Override
	public synchronized byte[] finish() {
		if (this.closed) {
			return EMPTY;
		}
		this.closed = true;
		try {
			this.encoder.close();
		}
		catch (IOException ex) {
			throw failed(ex);
		}
		return take();
	}

	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			this.encoder.close();
		}
		catch (IOException | RuntimeException ex) {
			// Releasing is all that matters here; the stream's output is discarded.
		}
		this.sink.reset();
	}

	private byte[] take() {
		byte[] chunk = this.sink.toByteArray();
		this.sink.reset();
		return chunk;
	}

	private static UncheckedIOException failed(IOException ex) {
		return new UncheckedIOException("Brotli encoding failed: " + ex.getMessage(), ex);
	}

}
