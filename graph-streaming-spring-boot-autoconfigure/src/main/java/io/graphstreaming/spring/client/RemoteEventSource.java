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

/**
 * The source of a remote {@link GraphExecutionEventStream}: each subscription is a new
 * {@link RemoteConsumer}, which starts a new execution ({@link GraphStreamClient#stream})
 * or attaches to a known one ({@link GraphStreamClient#attach}).
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
		return Flux.defer(() -> new RemoteConsumer(this.client, this.graphId, this.input, this.executionId, this.after,
				this.options, filter, connection).entries());
	}

}
