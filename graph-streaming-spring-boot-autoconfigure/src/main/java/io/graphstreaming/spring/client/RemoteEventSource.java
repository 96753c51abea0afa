package io.graphstreaming.spring.client;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.journal.ConsumerListener;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.core.stream.ConnectionListener;
import io.graphstreaming.core.stream.GraphExecutionEventStream;
import io.graphstreaming.core.stream.StreamStatus;

/**
 * The source of a remote {@link GraphExecutionEventStream}: each subscription is a new
 * {@link RemoteConsumer}, which starts a new execution ({@link GraphStreamClient#stream})
 * or attaches to a known one ({@link GraphStreamClient#attach}), behind a local
 * {@link RemoteBuffer} that applies the options' buffer sizes and overflow policy.
 */
final class RemoteEventSource implements GraphExecutionEventStream.ConnectingSource {

	private final GraphStreamClient client;

	private final String graphId;

	private final @Nullable Map<String, ?> input;

	private final @Nullable String executionId;

	private final long after;

	private final StreamingExecutionOptions options;

	RemoteEventSource(GraphStreamClient client, String graphId, @Nullable Map<String, ?> input,
			@Nullable String executionId, long after, StreamingExecutionOptions options) {
		this.client = client;
		this.graphId = graphId;
		this.input = input;
		this.executionId = executionId;
		this.after = after;
		this.options = options;
	}

	@Override
	public Flux<JournalEntry> open(EventFilter filter, ConsumerListener listener, ConnectionListener connection) {
		return Flux.defer(() -> {
			RemoteStatus status = new RemoteStatus(listener, connection);
			return new RemoteConsumer(this.client, this.graphId, this.input, this.executionId, this.after,
					this.options, filter, status).entries(status);
		});
	}

	/**
	 * Passes buffering and connection changes on, so that a remote stream that catches
	 * up goes back to its connection's status ({@code CONNECTED}, or
	 * {@code RECONNECTING} while it reconnects) instead of the in-process
	 * {@code ACTIVE}, and a reconnect while the consumer lags says {@code BUFFERING}
	 * again once connected.
	 */
	private static final class RemoteStatus implements ConsumerListener, ConnectionListener {

		private final ConsumerListener listener;

		private final ConnectionListener connection;

		private volatile StreamStatus connectionStatus = StreamStatus.CONNECTING;

		private volatile boolean buffering;

		RemoteStatus(ConsumerListener listener, ConnectionListener connection) {
			this.listener = listener;
			this.connection = connection;
		}

		@Override
		public void onConnection(StreamStatus status, String reason) {
			this.connectionStatus = status;
			this.connection.onConnection(status, reason);
			if (this.buffering && status == StreamStatus.CONNECTED) {
				this.listener.onBuffering(true);
			}
		}

		@Override
		public void onBuffering(boolean buffering) {
			this.buffering = buffering;
			if (buffering) {
				this.listener.onBuffering(true);
			}
			else {
				this.connection.onConnection(this.connectionStatus, "consumer caught up");
			}
		}

		@Override
		public void onDropped(long count) {
			this.listener.onDropped(count);
		}

		@Override
		public void onLagHighWaterMark(long lag) {
			this.listener.onLagHighWaterMark(lag);
		}

	}

}
