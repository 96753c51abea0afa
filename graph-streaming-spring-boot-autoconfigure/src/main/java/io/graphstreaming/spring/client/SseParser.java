package io.graphstreaming.spring.client;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a {@code text/event-stream} body into messages, chunk by chunk, as the HTML
 * standard's event stream parser does: lines end with CRLF, LF or CR; a blank line ends
 * a message; {@code data:} lines are joined with LF; a line starting with {@code :} is a
 * comment (the server's heartbeat). A message cut off by the end of the body is never
 * returned. Works on bytes, so a multi-byte character split across chunks stays whole.
 * Not thread-safe: one parser per response.
 */
final class SseParser {

	private static final byte CR = '\r';

	private static final byte LF = '\n';

	private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

	private final ByteArrayOutputStream data = new ByteArrayOutputStream(256);

	private boolean hasData;

	private boolean afterCr;

	private int comments;

	/**
	 * Parses the next chunk of the body.
	 * @param chunk the bytes, in order
	 * @return the {@code data} of each message the chunk completed
	 */
	List<byte[]> feed(byte[] chunk) {
		List<byte[]> messages = new ArrayList<>(2);
		int start = 0;
		for (int i = 0; i < chunk.length; i++) {
			byte b = chunk[i];
			if (b != CR && b != LF) {
				continue;
			}
			if (b == LF && this.afterCr && i == start && this.line.size() == 0) {
				// The LF of a CRLF whose CR ended the previous line.
				this.afterCr = false;
				start = i + 1;
				continue;
			}
			this.line.write(chunk, start, i - start);
			endLine(messages);
			this.afterCr = (b == CR);
			start = i + 1;
		}
		if (start < chunk.length) {
			this.line.write(chunk, start, chunk.length - start);
			this.afterCr = false;
		}
		return messages;
	}

	/**
	 * Comment lines seen so far (heartbeats); reading resets the count.
	 * @return the count since the last call
	 */
	int takeComments() {
		int count = this.comments;
		this.comments = 0;
		return count;
	}

	private void endLine(List<byte[]> messages) {
		byte[] text = this.line.toByteArray();
		this.line.reset();
		if (text.length == 0) {
			if (this.hasData) {
				messages.add(this.data.toByteArray());
			}
			this.data.reset();
			this.hasData = false;
			return;
		}
		if (text[0] == ':') {
			this.comments++;
			return;
		}
		int colon = indexOf(text, (byte) ':');
		int nameEnd = (colon < 0) ? text.length : colon;
		if (nameEnd == 4 && text[0] == 'd' && text[1] == 'a' && text[2] == 't' && text[3] == 'a') {
			int valueStart = (colon < 0) ? text.length : colon + 1;
			if (valueStart < text.length && text[valueStart] == ' ') {
				valueStart++;
			}
			if (this.hasData) {
				this.data.write(LF);
			}
			this.data.write(text, valueStart, text.length - valueStart);
			this.hasData = true;
		}
		// id, event and retry are not needed: the event JSON carries its type and sequence.
	}

	private static int indexOf(byte[] bytes, byte value) {
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] == value) {
				return i;
			}
		}
		return -1;
	}

}
