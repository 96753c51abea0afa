package io.graphstreaming.spring.actuate;

import java.util.Objects;

import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import io.graphstreaming.spring.actuate.GraphStreamingEndpoint.ExecutionReport;

/**
 * The web side of {@link GraphStreamingEndpoint}'s cancel operation: over HTTP a write
 * operation that returns nothing answers {@code 204 No Content}, which would tell a client
 * that cancelling an unknown execution succeeded. This extension answers {@code 404}
 * instead; the read operations are the endpoint's own.
 */
@EndpointWebExtension(endpoint = GraphStreamingEndpoint.class)
public class GraphStreamingEndpointWebExtension {

	private final GraphStreamingEndpoint delegate;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint that does the work
	 */
	public GraphStreamingEndpointWebExtension(GraphStreamingEndpoint delegate) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
	}

	/**
	 * {@code POST /actuator/graphstreaming/{executionId}}: cancels an execution.
	 * @param executionId the execution
	 * @return {@code 200} with its report after the cancellation, or {@code 404} when it is
	 * unknown
	 */
	@WriteOperation
	public WebEndpointResponse<ExecutionReport> cancel(@Selector String executionId) {
		ExecutionReport report = this.delegate.cancel(executionId);
		return (report != null) ? new WebEndpointResponse<>(report)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
