package io.graphstreaming.core.metrics;

import java.time.Duration;
import java.util.List;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.options.OverflowPolicy;

/**
 * Passes every call to several listeners in order (for example meters and tracing
 * observations).
 */
public final class CompositeStreamingMetricsListener implements StreamingMetricsListener {

	private final StreamingMetricsListener[] listeners;

	private CompositeStreamingMetricsListener(List<? extends StreamingMetricsListener> listeners) {
		this.listeners = listeners.toArray(new StreamingMetricsListener[0]);
	}

	/**
	 * Combines listeners.
	 * @param listeners the listeners, called in this order
	 * @return {@link StreamingMetricsListener#NONE} for none, the listener itself for one,
	 * otherwise a composite
	 */
	public static StreamingMetricsListener of(List<? extends StreamingMetricsListener> listeners) {
		if (listeners.isEmpty()) {
			return StreamingMetricsListener.NONE;
		}
		if (listeners.size() == 1) {
			return listeners.get(0);
		}
		return new CompositeStreamingMetricsListener(List.copyOf(listeners));
	}

	@Override
	public void onEvent(String meterName, GraphExecutionEvent event) {
		for (StreamingMetricsListener listener : this.listeners) {
			listener.onEvent(meterName, event);
		}
	}

	@Override
	public void onExecutionPaused(String meterName, String graphId, Duration paused) {
		for (StreamingMetricsListener listener : this.listeners) {
			listener.onExecutionPaused(meterName, graphId, paused);
		}
	}

	@Override
	public void onEventsDropped(String meterName, String graphId, OverflowPolicy policy, long count) {
		for (StreamingMetricsListener listener : this.listeners) {
			listener.onEventsDropped(meterName, graphId, policy, count);
		}
	}

	@Override
	public void onConsumerLag(String meterName, String graphId, long lag) {
		for (StreamingMetricsListener listener : this.listeners) {
			listener.onConsumerLag(meterName, graphId, lag);
		}
	}

}
