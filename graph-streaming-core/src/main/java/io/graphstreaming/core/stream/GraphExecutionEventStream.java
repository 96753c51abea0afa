package io.graphstreaming.core.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.GraphExecutionEventType;
import io.graphstreaming.core.event.Heartbeat;
import io.graphstreaming.core.event.StreamItem;
import io.graphstreaming.core.journal.ConsumerListener;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.core.metrics.StreamingMetricsListener;
import io.graphstreaming.core.options.StreamingExecutionOptions;

/**
 * The events of an execution, as a Reactor {@link Publisher}: the guide's
 * {@code IGraphExecutionEventStream}.
 *
 * <p>A stream is a description of a consumer, not a buffer: each subscription attaches a
 * new cursor to the execution's journal, with this stream's filters, and receives events
 * in sequence order until the terminal event, under the options' backpressure. The
 * operators ({@link #filter}, {@link #filterByNode}, {@link #buffer},
 * {@link #withAdaptiveBuffering}, {@link #withHeartbeats}) return new streams or fluxes
 * and are demand-aware. Filters are applied at the cursor, reading only the event's type
 * and node id.
 *
 * <p>Streams from {@code StreamingGraphExecutor.executeStream} are cold: every
 * subscription runs the graph once, and cancelling the subscription cancels that run.
 * {@link #status()} reports the latest subscription.
 *
 * <p>A stream over a {@link ConnectingSource} (a remote server's events) has the same
 * operators; its subscriptions start {@link StreamStatus#CONNECTING} instead of
 * {@link StreamStatus#ACTIVE} and report the source's connection changes
 * ({@link StreamStatus#CONNECTED}, {@link StreamStatus#RECONNECTING}) as status changes.
 */
public final class GraphExecutionEventStream implements Publisher<GraphExecutionEvent> {

	private final String graphId;

	private final StreamingExecutionOptions options;

	private final Source source;

	private final EventFilter filter;

	private final StreamStatusTracker status = new StreamStatusTracker();

	private final AtomicLong dropped = new AtomicLong();

	private GraphExecutionEventStream(String graphId, StreamingExecutionOptions options, Source source,
			EventFilter filter) {
		this.graphId = graphId;
		this.options = options;
		this.source = source;
		this.filter = filter;
	}

	/**
	 * Creates a stream over a source of journal entries.
	 * @param graphId the graph whose executions the stream reads (a metrics tag)
	 * @param options the options: buffers, policy, batching, heartbeat and metrics
	 * @param source opens one consumer with a filter and a listener
	 * @return the stream, accepting every event
	 */
	public static GraphExecutionEventStream create(String graphId, StreamingExecutionOptions options,
			Source source) {
		return new GraphExecutionEventStream(Objects.requireNonNull(graphId, "graphId"),
				Objects.requireNonNull(options, "options"),
				Objects.requireNonNull(source, "source"), EventFilter.all());
	}

	/**
	 * Keeps only events of the given types.
	 * @param types at least one type
	 * @return a new stream
	 * @throws IllegalArgumentException if no type is given
	 */
	public GraphExecutionEventStream filter(GraphExecutionEventType... types) {
		return filter(EventFilter.all().withTypes(List.of(types)));
	}

	/**
	 * Keeps only events of the given nodes (execution-level events are dropped).
	 * @param nodeIds at least one node id
	 * @return a new stream
	 * @throws IllegalArgumentException if no node id is given
	 */
	public GraphExecutionEventStream filterByNode(String... nodeIds) {
		return filter(EventFilter.all().withNodes(List.of(nodeIds)));
	}

	/**
	 * Keeps only events that match a predicate.
	 * @param predicate the condition
	 * @return a new stream
	 */
	public GraphExecutionEventStream filter(Predicate<? super GraphExecutionEvent> predicate) {
		return filter(EventFilter.all().withPredicate(predicate));
	}

	/**
	 * Keeps only events that an {@link EventFilter} accepts too.
	 * @param eventFilter the filter
	 * @return a new stream
	 */
	public GraphExecutionEventStream filter(EventFilter eventFilter) {
		return new GraphExecutionEventStream(this.graphId, this.options, this.source, this.filter.and(eventFilter));
	}

	/**
	 * The filter this stream applies.
	 * @return the filter
	 */
	public EventFilter eventFilter() {
		return this.filter;
	}

	/**
	 * The options of this stream.
	 * @return the options
	 */
	public StreamingExecutionOptions options() {
		return this.options;
	}

	/**
	 * The journal entries, for transports that reuse serialized forms.
	 * @return a flux of entries; each subscription is a new consumer
	 */
	public Flux<JournalEntry> entries() {
		return Flux.defer(() -> {
			AtomicReference<GraphExecutionEventType> terminal = new AtomicReference<>();
			// Reset before the consumer opens: its cursor may report buffering or drops as soon
			// as it is attached, and those must not be overwritten.
			this.dropped.set(0);
			StatusListener listener = new StatusListener();
			Flux<JournalEntry> opened;
			if (this.source instanceof ConnectingSource connecting) {
				this.status.restart(StreamStatus.CONNECTING);
				opened = connecting.open(this.filter, listener, listener);
			}
			else {
				this.status.restart(StreamStatus.ACTIVE);
				opened = this.source.open(this.filter, listener);
			}
			return opened
				.doOnNext((entry) -> {
					if (entry.event().isTerminal()) {
						terminal.set(entry.event().eventType());
					}
				})
				.doOnComplete(() -> this.status.transition(endStatus(terminal.get()), "execution ended"))
				.doOnError((error) -> this.status.transition(StreamStatus.FAILED, String.valueOf(error.getMessage())))
				.doOnCancel(() -> this.status.transition(StreamStatus.CANCELLED, "consumer cancelled"));
		});
	}

	private static StreamStatus endStatus(GraphExecutionEventType terminal) {
		if (terminal == GraphExecutionEventType.EXECUTION_FAILED) {
			return StreamStatus.FAILED;
		}
		if (terminal == GraphExecutionEventType.EXECUTION_CANCELLED) {
			return StreamStatus.CANCELLED;
		}
		return StreamStatus.COMPLETED;
	}

	/**
	 * The events as a flux; each subscription is a new consumer.
	 * @return the events
	 */
	public Flux<GraphExecutionEvent> flux() {
		return entries().map(JournalEntry::event);
	}

	@Override
	public void subscribe(Subscriber<? super GraphExecutionEvent> subscriber) {
		flux().subscribe(subscriber);
	}

	/**
	 * Groups events into lists of {@code size} (the last may be shorter); demand-aware.
	 * @param size events per batch, strictly positive
	 * @return the batches
	 * @throws IllegalArgumentException if not strictly positive
	 */
	public Flux<List<GraphExecutionEvent>> buffer(int size) {
		if (size <= 0) {
			throw new IllegalArgumentException("buffer size must be strictly positive but was " + size);
		}
		return flux().buffer(size);
	}

	/**
	 * Groups events into batches whose size adapts to load: a batch is emitted when it
	 * reaches the current target size or when its first event has waited
	 * {@code targetLatency}. A batch that fills before the deadline doubles the target (up
	 * to {@code maxBatchSize}): load is high, and bigger batches cost less per event. A
	 * batch cut by the deadline halves it (down to {@code minBatchSize}), so latency stays
	 * within the target. At most {@code maxBatchSize} events are requested ahead.
	 * @param minBatchSize the smallest target, strictly positive
	 * @param maxBatchSize the largest target, at least the minimum
	 * @param targetLatency the longest an event waits in a batch, strictly positive
	 * @return the batches
	 * @throws IllegalArgumentException for sizes or latency out of range
	 */
	public Flux<List<GraphExecutionEvent>> withAdaptiveBuffering(int minBatchSize, int maxBatchSize,
			Duration targetLatency) {
		return withAdaptiveBuffering(minBatchSize, maxBatchSize, targetLatency, Schedulers.parallel());
	}

	/**
	 * {@link #withAdaptiveBuffering(int, int, Duration)} with the scheduler for deadlines.
	 * @param minBatchSize the smallest target, strictly positive
	 * @param maxBatchSize the largest target, at least the minimum
	 * @param targetLatency the longest an event waits in a batch, strictly positive
	 * @param timer schedules the deadlines
	 * @return the batches
	 * @throws IllegalArgumentException for sizes or latency out of range
	 */
	public Flux<List<GraphExecutionEvent>> withAdaptiveBuffering(int minBatchSize, int maxBatchSize,
			Duration targetLatency, Scheduler timer) {
		return new AdaptiveBufferFlux<>(flux(), minBatchSize, maxBatchSize, targetLatency, timer);
	}

	/**
	 * The events with heartbeats, when the options enable them; otherwise only the events.
	 * @return events and heartbeats
	 */
	public Flux<StreamItem> withHeartbeats() {
		if (!this.options.enableHeartbeat()) {
			return flux().cast(StreamItem.class);
		}
		return withHeartbeats(this.options.heartbeatInterval(), Schedulers.parallel());
	}

	/**
	 * The events with a {@link Heartbeat} each time {@code interval} has passed since the
	 * last item went out (an event or a heartbeat): an idle consumer hears something every
	 * interval, and a busy one (an event at least every interval) gets no heartbeat.
	 * Heartbeats carry no sequence and are dropped, not queued, when the consumer has no
	 * demand.
	 * @param interval the idle time after which a heartbeat goes out, strictly positive
	 * @param timer the scheduler of the heartbeat timer and the clock events are timed with
	 * @return events and heartbeats, ending with the events
	 * @throws IllegalArgumentException if the interval is not strictly positive
	 */
	public Flux<StreamItem> withHeartbeats(Duration interval, Scheduler timer) {
		return IdleHeartbeats.merge(flux(), interval, timer,
				() -> new Heartbeat(Instant.ofEpochMilli(timer.now(TimeUnit.MILLISECONDS))));
	}

	/**
	 * The status of the latest subscription.
	 * @return the status
	 */
	public StreamStatus status() {
		return this.status.current();
	}

	/**
	 * Events the latest subscription lost under a drop policy (those its filter would have
	 * delivered).
	 * @return the count
	 */
	public long droppedEvents() {
		return this.dropped.get();
	}

	/**
	 * Registers a listener for status changes.
	 * @param listener called on each change, on the thread that caused it
	 * @return a handle that removes the listener
	 */
	public Disposable onStatusChanged(Consumer<StreamStatusChange> listener) {
		return this.status.addListener(Objects.requireNonNull(listener, "listener"));
	}

	/**
	 * The status changes as a flux, from subscription on.
	 * @return the changes; never completes by itself
	 */
	public Flux<StreamStatusChange> statusChanges() {
		return Flux.create((sink) -> sink.onDispose(this.status.addListener(sink::next)));
	}

	/**
	 * Where a stream's consumers come from: opens one consumer of a journal.
	 */
	@FunctionalInterface
	public interface Source {

		/**
		 * Opens one consumer.
		 * @param filter the events it receives
		 * @param listener told of buffering and drops
		 * @return the entries, cold
		 */
		Flux<JournalEntry> open(EventFilter filter, ConsumerListener listener);

	}

	/**
	 * A source whose consumers connect to a remote server: each consumer starts
	 * {@link StreamStatus#CONNECTING} and reports its connection changes.
	 */
	public interface ConnectingSource extends Source {

		/**
		 * Opens one consumer that reports its connection changes.
		 * @param filter the events it receives
		 * @param listener told of buffering and drops
		 * @param connection told when the consumer connects, loses its connection and
		 * reconnects
		 * @return the entries, cold
		 */
		Flux<JournalEntry> open(EventFilter filter, ConsumerListener listener, ConnectionListener connection);

		@Override
		default Flux<JournalEntry> open(EventFilter filter, ConsumerListener listener) {
			return open(filter, listener, ConnectionListener.NONE);
		}

	}

	/**
	 * Turns cursor and connection notifications into status changes and metrics.
	 */
	private final class StatusListener implements ConsumerListener, ConnectionListener {

		@Override
		public void onConnection(StreamStatus status, String reason) {
			GraphExecutionEventStream.this.status.transition(status, reason);
		}

		@Override
		public void onBuffering(boolean buffering) {
			GraphExecutionEventStream.this.status.transition(buffering ? StreamStatus.BUFFERING : StreamStatus.ACTIVE,
					buffering ? "consumer is more than bufferSize events behind" : "consumer caught up");
		}

		@Override
		public void onDropped(long count) {
			GraphExecutionEventStream.this.dropped.addAndGet(count);
			StreamingExecutionOptions options = GraphExecutionEventStream.this.options;
			if (options.enableMetrics()) {
				StreamingMetricsListener listener = options.metricsListener();
				listener.onEventsDropped(options.metricsMeterName(), GraphExecutionEventStream.this.graphId,
						options.overflowPolicy(), count);
			}
		}

		@Override
		public void onLagHighWaterMark(long lag) {
			StreamingExecutionOptions options = GraphExecutionEventStream.this.options;
			if (options.enableMetrics()) {
				options.metricsListener()
					.onConsumerLag(options.metricsMeterName(), GraphExecutionEventStream.this.graphId, lag);
			}
		}

	}

}
