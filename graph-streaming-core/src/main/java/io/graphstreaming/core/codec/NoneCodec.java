package io.graphstreaming.core.codec;

import java.io.ByteArrayOutputStream;

import io.graphstreaming.core.options.CompressionAlgorithm;

/**
 * The identity codec: bytes pass through unchanged.
 */
public final class NoneCodec implements CompressionCodec {

	/** The shared instance. */
	public static final NoneCodec INSTANCE = new NoneCodec();

	private NoneCodec() {
	}

	@Override
	public CompressionAlgorithm algorithm() {
		return CompressionAlgorithm.NONE;
	}

	@Override
	public byte[] compress(byte[] data) {
		return data;
	}

	@Override
	public byte[] decompress(byte[] data) {
		return data;
	}

	@Override
	public StreamCompressor newStreamCompressor() {
		return new IdentityStream();
	}

	@Override
	public String toString() {
		return "NoneCodec";
	}

	/**
	 * Returns what was written, as it was written.
	 */
	private static final class IdentityStream implements StreamCompressor {

		private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

		private boolean closed;

		@Override
		public CompressionAlgorithm algorithm() {
			return CompressionAlgorithm.NONE;
		}

		@Override
		public synchronized void write(byte[] bytes, int offset, int length) {
			if (!this.closed) {
				this.pending.write(bytes, offset, length);
			}
		}

		@Override
		public synchronized byte[] flush() {
			byte[] chunk = this.pending.toByteArray();
			this.pending.reset();
			return chunk;
		}

		@Override
		public byte[] flushUncompressed() {
			return flush();
		}

		@Override
		public boolean canStoreUncompressed() {
			return true;
		}

		@Override
		public synchronized byte[] finish() {
			byte[] chunk = flush();
			this.closed = true;
			return chunk;
		}

		@Override
		public synchronized void close() {
			this.closed = true;
			this.pending.reset();
		}

	}

}
