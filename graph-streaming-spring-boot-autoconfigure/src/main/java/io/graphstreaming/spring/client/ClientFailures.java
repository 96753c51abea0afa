package io.graphstreaming.spring.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ChannelException;
import io.netty.handler.codec.CodecException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import org.jspecify.annotations.Nullable;
import reactor.netty.channel.AbortedException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ways a connection of a {@link GraphStreamClient} fails, and which of them a
 * reconnect can cure. Network failures (refused, reset, cut, timed out, silent) are
 * retried; answers that refuse the request (4xx other than 429) are not.
 */
final class ClientFailures {

	private ClientFailures() {
	}

	/**
	 * Whether a failure is the network's: a reconnect may succeed.
	 * @param failure the failure
	 * @return {@code true} for I/O errors, timeouts, channel and codec errors (a cut
	 * compressed stream, a connection closed before the answer's headers), WebSocket
	 * handshakes cut off, silence and premature ends, anywhere in the cause chain
	 */
	static boolean isNetworkFailure(Throwable failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (current instanceof IOException || current instanceof TimeoutException
					|| current instanceof ChannelException || current instanceof CodecException
					|| current instanceof WebSocketHandshakeException || current instanceof AbortedException
					|| current instanceof SilenceFailure || current instanceof PrematureEnd) {
				return true;
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return false;
	}

	/**
	 * A short description of a failure for status reasons and messages.
	 * @param failure the failure
	 * @return its message, or its class name when it has none
	 */
	static String describe(Throwable failure) {
		String message = failure.getMessage();
		if (message == null || message.isBlank()) {
			Throwable cause = failure.getCause();
			return (cause != null && cause != failure) ? describe(cause) : failure.getClass().getSimpleName();
		}
		return message;
	}

	/**
	 * The failure of a refused WebSocket handshake, as a status failure.
	 * @param failure the handshake failure
	 * @return the status failure, or {@code null} when the handshake got no refusing HTTP
	 * answer (a 101 whose handshake broke off is a network failure)
	 */
	static @Nullable StatusFailure ofHandshake(Throwable failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (current instanceof WebSocketClientHandshakeException handshake && handshake.response() != null
					&& handshake.response().status().code() >= 300) {
				int status = handshake.response().status().code();
				return new StatusFailure(status, retryAfter(handshake.response().headers().get("Retry-After")),
						"WebSocket handshake answered " + handshake.response().status(), true);
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return null;
	}

	/**
	 * The {@code detail} of an RFC 9457 problem body, or the start of any other body.
	 * @param mapper parses the body
	 * @param body the body
	 * @return a one-line description; empty when the body is
	 */
	static String problemDetail(JsonMapper mapper, byte[] body) {
		if (body.length == 0) {
			return "";
		}
		try {
			JsonNode root = mapper.readTree(body);
			if (root != null && root.isObject()) {
				JsonNode detail = root.get("detail");
				if (detail != null && detail.isString()) {
					return detail.stringValue();
				}
			}
		}
		catch (RuntimeException ex) {
			// Not JSON: show the start of the text instead.
		}
		String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
		return (text.length() <= 200) ? text : text.substring(0, 197) + "...";
	}

	/**
	 * Parses a {@code Retry-After} value: seconds or an HTTP date.
	 * @param value the header value
	 * @return the delay, or {@code null} when absent or unreadable
	 */
	static @Nullable Duration retryAfter(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
		}
		catch (NumberFormatException ex) {
			try {
				ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
				Duration delay = Duration.between(ZonedDateTime.now(at.getZone()), at);
				return delay.isNegative() ? Duration.ZERO : delay;
			}
			catch (DateTimeParseException notADate) {
				return null;
			}
		}
	}

	/**
	 * The server answered a request with an error status (or a WebSocket error message).
	 */
	static final class StatusFailure extends RuntimeException {

		private final int status;

		private final @Nullable Duration retryAfter;

		private final boolean handshake;

		StatusFailure(int status, @Nullable Duration retryAfter, String message, boolean handshake) {
			super(message, null, false, false);
			this.status = status;
			this.retryAfter = retryAfter;
			this.handshake = handshake;
		}

		int status() {
			return this.status;
		}

		@Nullable Duration retryAfter() {
			return this.retryAfter;
		}

		/**
		 * Whether the status refused a transport's handshake (a WebSocket upgrade, an
		 * event stream), so that {@link ConnectionType#AUTO} may try the next transport.
		 */
		boolean handshake() {
			return this.handshake;
		}

		/** 429 and 503 say "not now"; 5xx may pass; other 4xx will not change. */
		boolean retryable() {
			return this.status == 429 || this.status >= 500;
		}

	}

	/**
	 * A WebSocket closed with a code other than 1000 (or with none: a cut connection).
	 */
	static final class CloseFailure extends RuntimeException {

		private final int code;

		CloseFailure(int code, String message) {
			super(message, null, false, false);
			this.code = code;
		}

		/** 1008 (policy) and 1009 (too big) would close the next socket the same way. */
		boolean retryable() {
			return this.code != 1008 && this.code != 1009;
		}

	}

	/**
	 * Nothing arrived (no event, heartbeat, ping or poll answer) for the silence timeout
	 * while the consumer was waiting for more.
	 */
	static final class SilenceFailure extends RuntimeException {

		SilenceFailure(String message) {
			super(message, null, false, false);
		}

	}

	/**
	 * An event stream ended normally but before the terminal event: the server may have
	 * ended it on an error after its 200, or the consumer's filters left the terminal
	 * event out. A resume tells which (204: nothing is left; 410: events were lost).
	 */
	static final class PrematureEnd extends RuntimeException {

		PrematureEnd(String message) {
			super(message, null, false, false);
		}

	}

	/**
	 * The server's answer breaks the protocol (an event of another execution, a 200 that
	 * is not an event stream); a reconnect would get the same.
	 */
	static final class ProtocolFailure extends RuntimeException {

		private final boolean handshake;

		ProtocolFailure(String message, boolean handshake) {
			super(message, null, false, false);
			this.handshake = handshake;
		}

		/** Whether the answer refused a transport's handshake (see {@link StatusFailure#handshake()}). */
		boolean handshake() {
			return this.handshake;
		}

	}

}
