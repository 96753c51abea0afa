package io.graphstreaming.spring.client;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;

/**
 * The short JSON requests of a {@link GraphStreamClient}: one request, one whole answer.
 * Failures become {@link GraphStreamClientException}s naming the request, the address and
 * the server's problem detail; the start of an execution leaves its failures to the
 * stream's reconnect policy.
 */
final class HttpRequests {

	/** The header that makes a start request safe to repeat. */
	static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	private static final byte[] NO_BODY = new byte[0];

	private final ClientSettings settings;

	HttpRequests(ClientSettings settings) {
		this.settings = settings;
	}

	/**
	 * Sends a request and reads a 2xx JSON answer.
	 * @param method the method
	 * @param url the URL
	 * @param body the JSON body, or {@code null}
	 * @param timeout the longest wait between reads of the answer, or {@code null}
	 * @return the answer's JSON; errors with a {@link GraphStreamClientException}
	 */
	Mono<JsonNode> request(HttpMethod method, String url, byte @Nullable [] body, @Nullable Duration timeout) {
		return exchange(this.settings.httpClient(), method, url, body, timeout)
			.onErrorMap((error) -> !(error instanceof GraphStreamClientException), (error) -> {
				String message = method + " " + url + " failed: " + ClientFailures.describe(error);
				return new GraphStreamClientException(message, error, this.settings.address(), 0, 0, false);
			})
			.map((answer) -> {
				if (answer.status() / 100 != 2) {
					ClientFailures.StatusFailure failure = answer.failure(this.settings);
					throw new GraphStreamClientException(method + " " + url + " failed: " + failure.getMessage(),
							failure, this.settings.address(), answer.status(), 0, false);
				}
				try {
					return answer.json(this.settings);
				}
				catch (ClientFailures.ProtocolFailure ex) {
					throw new GraphStreamClientException(method + " " + url + " failed: " + ex.getMessage(), ex,
							this.settings.address(), answer.status(), 0, false);
				}
			});
	}

	/**
	 * {@code POST {base}/{graphId}/executions} with an {@code Idempotency-Key}: starts an
	 * execution, or (when the server already started one for this key) learns its id.
	 * Failures stay as they are, for the stream's reconnect policy to judge: since a
	 * repeated key never starts a second execution, a request cut off after it was sent
	 * may be repeated like any connection. Such a failure is wrapped in an
	 * {@link UncertainStart} (still a network failure), so that a stream that gives up can
	 * say that an execution may have started.
	 * @param graphId the graph
	 * @param body the JSON body
	 * @param idempotencyKey the key, the same for every repetition of one start
	 * @return the execution id
	 */
	Mono<String> startExecution(String graphId, byte[] body, String idempotencyKey) {
		AtomicBoolean sent = new AtomicBoolean();
		String url = this.settings.url(graphId, "executions");
		HttpClient client = this.settings.httpClient()
			.headers((headers) -> headers.set(IDEMPOTENCY_KEY, idempotencyKey))
			.doAfterRequest((request, connection) -> sent.set(true));
		return exchange(client, HttpMethod.POST, url, body, this.settings.requestTimeout()).map((answer) -> {
			if (answer.status() / 100 != 2) {
				throw answer.failure(this.settings);
			}
			JsonNode id = answer.json(this.settings).get("executionId");
			if (id == null || !id.isString() || id.stringValue().isEmpty()) {
				throw new ClientFailures.ProtocolFailure("the answer has no executionId", false);
			}
			return id.stringValue();
		}).onErrorMap((error) -> sent.get() && ClientFailures.isNetworkFailure(error), UncertainStart::new);
	}

	/**
	 * Whether a failed start request may have started an execution on the server: it was
	 * cut off after it was sent, or answered with a 5xx other than 503.
	 * @param failure the failure of {@link #startExecution}
	 * @return {@code true} when the server may run an execution for the key
	 */
	static boolean mayHaveStarted(Throwable failure) {
		if (failure instanceof ClientFailures.StatusFailure refused) {
			return refused.status() >= 500 && refused.status() != 503;
		}
		return failure instanceof UncertainStart;
	}

	private Mono<Answer> exchange(HttpClient client, HttpMethod method, String url, byte @Nullable [] body,
			@Nullable Duration timeout) {
		HttpClient configured = client.headers((headers) -> {
			headers.set(HttpHeaderNames.ACCEPT, "application/json");
			if (body != null) {
				headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
			}
		});
		if (timeout != null) {
			configured = configured.responseTimeout(timeout);
		}
		HttpClient.RequestSender sender = configured.request(method).uri(url);
		HttpClient.ResponseReceiver<?> receiver = (body != null)
				? sender.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body))) : sender;
		return receiver.responseSingle((response, content) -> content.asByteArray()
			.defaultIfEmpty(NO_BODY)
			.map((bytes) -> new Answer(response.status().code(), response.responseHeaders().get("Retry-After"),
					response.status().toString(), bytes)));
	}

	/**
	 * A start request failed on the network after it was sent: the server may have
	 * started the execution (a repetition with the same key finds it).
	 */
	static final class UncertainStart extends RuntimeException {

		UncertainStart(Throwable cause) {
			super(ClientFailures.describe(cause), cause, false, false);
		}

	}

	/**
	 * A whole HTTP answer.
	 */
	private record Answer(int status, @Nullable String retryAfter, String statusLine, byte[] body) {

		ClientFailures.StatusFailure failure(ClientSettings settings) {
			String detail = ClientFailures.problemDetail(settings.mapper(), this.body);
			return new ClientFailures.StatusFailure(this.status, ClientFailures.retryAfter(this.retryAfter),
					"the server answered " + this.statusLine + (detail.isEmpty() ? "" : ": " + detail), false);
		}

		JsonNode json(ClientSettings settings) {
			return EventParsing.tree(settings, this.body, "an answer");
		}

	}

}
