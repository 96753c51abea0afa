package io.graphstreaming.core.metrics;

import java.time.Duration;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.options.OverflowPolicy;

/**
 * Receives what a metrics backend needs to know about executions and their consumers.
 * The core calls it only when the options enable metrics. The core's default,
 * {@link InMemoryStreamingMetrics}, keeps counters and histograms in memory; the Spring
 * module binds an implementation to Micrometer. Every method has an empty default so
 * implementations pick what they measure. Calls happen on hot paths: implementations
 * must not block.
 */
public interface StreamingMetricsListener {

	/** A listener that records nothing. */
	StreamingMetricsListener NONE = new StreamingMetricsListener() {
	};

	/**
	 * An execution emitted an event (node and execution durations and outcomes can be
	 * read from completed, failed and cancelled events).
	 * @param meterName the options' meter name, the prefix of the meters
	 * @param event the sequenced event
	 */
	default void onEvent(String meterName, GraphExecutionEvent event) {
	}

	/**
	 * An execution was paused by a slow consumer under the {@code block} policy and has
	 * just resumed.
	 * @param meterName the meter name
	 * @param graphId the graph
	 * @param paused how long it waited
	 */
	default void onExecutionPaused(String meterName, String graphId, Duration paused) {
	}

	/**
	 * A consumer lost events under a drop policy.
	 * @param meterName the meter name
	 * @param graphId the graph
	 * @param policy the policy that dropped them
	 * @param count how many events matching the consumer's filter were dropped
	 */
	default void onEventsDropped(String meterName, String graphId, OverflowPolicy policy, long count) {
	}

	/**
	 * A consumer's distance behind its execution reached a new maximum for that consumer.
	 * @param meterName the meter name
	 * @param graphId the graph
	 * @param lag the number of events the consumer had not yet received
	 */
	default void onConsumerLag(String meterName, String graphId, long lag) {
	}

}
