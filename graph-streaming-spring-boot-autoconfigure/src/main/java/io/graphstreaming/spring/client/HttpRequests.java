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
 * the server's problem detail; only the start of an execution distinguishes failures a
 * stream may retry.
 */
final class HttpRequests {

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
	 * {@code POST {base}/{graphId}/executions}: starts an execution. Failures that a
	 * stream may retry stay as they are: a network failure before the request was sent
	 * (connection refused), a 429 or a 503 (the server did not start anything). Anything
	 * else is a {@link GraphStreamClientException}; a network failure after the request
	 * was sent, and a 5xx other than 503, are uncertain
	 * ({@link GraphStreamClientException#executionMayHaveStarted()}), since the server may
	 * have started the execution and a retry could run the graph twice.
	 * @param graphId the graph
	 * @param body the JSON body
	 * @return the execution id
	 */
	Mono<String> startExecution(String graphId, byte[] body) {
		AtomicBoolean sent = new AtomicBoolean();
		String url = this.settings.url(graphId, "executions");
		HttpClient client = this.settings.httpClient().doAfterRequest((request, connection) -> sent.set(true));
		return exchange(client, HttpMethod.POST, url, body, this.settings.requestTimeout()).map((answer) -> {
			if (answer.status() / 100 != 2) {
				throw answer.failure(this.settings);
			}
			JsonNode id = answer.json(this.settings).get("executionId");
			if (id == null || !id.isString() || id.stringValue().isEmpty()) {
				throw new ClientFailures.ProtocolFailure("the answer has no executionId", false);
			}
			return id.stringValue();
		}).onErrorMap((error) -> startFailure(graphId, error, sent.get()));
	}

	private Throwable startFailure(String graphId, Throwable error, boolean sent) {
		if (error instanceof GraphStreamClientException) {
			return error;
		}
		String subject = "Starting an execution of graph '" + graphId + "' at " + this.settings.address();
		if (error instanceof ClientFailures.StatusFailure refused) {
			if (refused.status() == 429 || refused.status() == 503) {
				return refused;
			}
			boolean uncertain = refused.status() >= 500;
			return new GraphStreamClientException(subject + " failed: " + refused.getMessage()
					+ (uncertain ? "; not retried, since the execution may have started" : ""), refused,
					this.settings.address(), refused.status(), 0, uncertain);
		}
		if (ClientFailures.isNetworkFailure(error)) {
			if (!sent) {
				return error;
			}
			return new GraphStreamClientException(subject + " failed after the request was sent ("
					+ ClientFailures.describe(error) + "); not retried, since the server may have started the "
					+ "execution and a retry could run the graph twice", error, this.settings.address(), 0, 0, true);
		}
		return new GraphStreamClientException(subject + " failed: " + ClientFailures.describe(error), error,
				this.settings.address(), 0, 0, sent);
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
