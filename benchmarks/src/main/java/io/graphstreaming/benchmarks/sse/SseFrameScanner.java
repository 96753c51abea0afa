package io.graphstreaming.benchmarks.sse;

import io.netty.buffer.ByteBuf;

/**
 * Splits an SSE byte stream into messages (a message ends with an empty line) as its
 * buffers arrive, and tells, for each, when its last byte arrived and whether it was a
 * comment (a heartbeat). Only counts; never copies or decodes.
 */
final class SseFrameScanner {

	private final Listener listener;

	private boolean lastWasLf = true;

	private boolean atFrameStart = true;

	private boolean comment;

	SseFrameScanner(Listener listener) {
		this.listener = listener;
	}

	/**
	 * Scans one buffer; every message it completes is stamped with the current time. Jumps
	 * from line feed to line feed with Netty's vectorised search.
	 */
	void accept(ByteBuf buffer) {
		long now = System.nanoTime();
		int i = buffer.readerIndex();
		int end = buffer.writerIndex();
		while (i < end) {
			if (this.atFrameStart) {
				this.comment = buffer.getByte(i) == ':';
				this.atFrameStart = false;
			}
			int lf = buffer.indexOf(i, end, (byte) '\n');
			if (lf < 0) {
				this.lastWasLf = false;
				return;
			}
			if (this.lastWasLf && lf == i) {
				this.listener.onFrame(this.comment, now);
				this.atFrameStart = true;
			}
			this.lastWasLf = true;
			i = lf + 1;
		}
	}

	/**
	 * Told of each complete message.
	 */
	@FunctionalInterface
	interface Listener {

		void onFrame(boolean comment, long receivedNanos);

	}

}
