package io.graphstreaming.spring.web.sse;

import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ServerWebInputException;

/**
 * Where a reconnecting consumer resumes: the {@code id} of the last SSE message it
 * received, {@code <executionId>:<sequence>}, from the {@code Last-Event-ID} header
 * (what {@code EventSource} sends) or else the {@code lastEventId} query parameter.
 *
 * @param executionId the execution, or {@code null} when only a sequence was given
 * (accepted on an execution's own URL, which names the execution)
 * @param sequence the last sequence received
 */
record LastEventId(@Nullable String executionId, long sequence) {

	static final String HEADER = "Last-Event-ID";

	static final String PARAMETER = "lastEventId";

	/**
	 * The resume point of a request.
	 * @param request the request
	 * @param bareSequenceAllowed whether a plain sequence (no execution id) is accepted
	 * @return the resume point, or {@code null} when the request sends none
	 * @throws ServerWebInputException for a malformed value
	 */
	static @Nullable LastEventId from(ServerRequest request, boolean bareSequenceAllowed) {
		String value = request.headers().firstHeader(HEADER);
		String source = HEADER;
		if (value == null || value.isBlank()) {
			value = request.queryParam(PARAMETER).orElse(null);
			source = "Query parameter '" + PARAMETER + "'";
		}
		if (value == null || value.isBlank()) {
			return null;
		}
		value = value.strip();
		int colon = value.lastIndexOf(':');
		String executionId = (colon >= 0) ? value.substring(0, colon) : null;
		String sequence = (colon >= 0) ? value.substring(colon + 1) : value;
		if ((executionId == null && !bareSequenceAllowed) || (executionId != null && executionId.isEmpty())) {
			throw malformed(source, value);
		}
		try {
			long parsed = Long.parseLong(sequence);
			if (parsed < 0) {
				throw malformed(source, value);
			}
			return new LastEventId(executionId, parsed);
		}
		catch (NumberFormatException ex) {
			throw malformed(source, value);
		}
	}

	private static ServerWebInputException malformed(String source, String value) {
		String shown = (value.length() <= 80) ? value : value.substring(0, 77) + "...";
		return new ServerWebInputException(
				source + " must be <executionId>:<sequence> (the id of the last event received) but was '" + shown
						+ "'");
	}

}
