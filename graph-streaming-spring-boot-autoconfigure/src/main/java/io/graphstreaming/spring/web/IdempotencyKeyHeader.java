package io.graphstreaming.spring.web;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

import io.graphstreaming.spring.registry.IdempotencyKey;
import io.graphstreaming.spring.registry.IdempotentStart;

/**
 * The {@code Idempotency-Key} request header of the routes that start an execution
 * ({@code POST .../executions}, {@code POST .../execute/stream}, {@code POST .../execute}):
 * a repetition with the same key, from the same client (see {@link ClientKeyResolver}), to
 * the same route and graph, gets the execution the first request started instead of a
 * second one.
 *
 * <p>A key is 1 to {@value #MAX_LENGTH} characters out of {@code A-Z a-z 0-9 - _ . : ~ + / =}
 * (a UUID, base64 or base64url value fit), optionally in double quotes (the structured
 * field string of the IETF draft); anything else, or the header sent twice, is a 400.
 */
public final class IdempotencyKeyHeader {

	/** The request header. */
	public static final String HEADER = "Idempotency-Key";

	/** The response header that marks an answer about an execution an earlier request started. */
	public static final String REPLAYED_HEADER = "Idempotent-Replayed";

	/** The exchange attribute set on a repetition, so that it gives its start back. */
	public static final String REPLAYED_ATTRIBUTE = IdempotencyKeyHeader.class.getName() + ".replayed";

	/** The longest key. */
	public static final int MAX_LENGTH = 128;

	private IdempotencyKeyHeader() {
	}

	/**
	 * The request's key.
	 * @param request the request
	 * @param operation the kind of start, such as {@code executions}
	 * @return the key scoped to the request's client and the operation, or {@code null}
	 * when the request has none
	 * @throws ServerWebInputException for a malformed key
	 */
	public static @Nullable IdempotencyKey of(ServerRequest request, String operation) {
		List<String> values = request.headers().header(HEADER);
		if (values.isEmpty()) {
			return null;
		}
		if (values.size() > 1) {
			throw new ServerWebInputException("Header '" + HEADER + "' must be sent once but was sent "
					+ values.size() + " times");
		}
		String value = values.get(0).strip();
		if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
			value = value.substring(1, value.length() - 1);
		}
		if (!isValid(value)) {
			throw new ServerWebInputException("Header '" + HEADER + "' must be 1 to " + MAX_LENGTH
					+ " characters out of A-Z a-z 0-9 - _ . : ~ + / =");
		}
		return new IdempotencyKey(ClientKeyResolver.of(request.exchange()), operation, value);
	}

	/**
	 * Marks the exchange of a repetition (see {@link #REPLAYED_ATTRIBUTE}).
	 * @param exchange the exchange
	 * @param start what the key found
	 */
	public static void record(ServerWebExchange exchange, IdempotentStart start) {
		if (start.replayed()) {
			exchange.getAttributes().put(REPLAYED_ATTRIBUTE, Boolean.TRUE);
			exchange.getResponse().getHeaders().set(REPLAYED_HEADER, "true");
		}
	}

	/**
	 * Whether an exchange is a repetition of an earlier start.
	 * @param exchange the exchange
	 * @return {@code true} once {@link #record} saw a replayed start
	 */
	public static boolean isReplayed(ServerWebExchange exchange) {
		return Boolean.TRUE.equals(exchange.getAttribute(REPLAYED_ATTRIBUTE));
	}

	private static boolean isValid(String value) {
		if (value.isEmpty() || value.length() > MAX_LENGTH) {
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_' || c == '.' || c == ':' || c == '~' || c == '+' || c == '/' || c == '=';
			if (!allowed) {
				return false;
			}
		}
		return true;
	}

}
