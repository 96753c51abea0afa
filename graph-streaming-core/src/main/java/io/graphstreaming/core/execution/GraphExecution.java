package io.graphstreaming.core.execution;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.event.NodeStartedEvent;
import io.graphstreaming.core.graph.Graph;
import io.graphstreaming.core.journal.ConsumerSpec;
import io.graphstreaming.core.journal.ExecutionJournal;
import io.graphstreaming.core.journal.JournalEntry;
import io.graphstreaming.core.journal.SpillSettings;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.core.stream.GraphExecutionEventStream;

/**
 * One execution of a graph: its id, status, journal and result. Consumers attach to it
 * as cursors over the journal ({@link #stream(long)}, {@link #entries(ConsumerSpec)}),
 * from the beginning or after any sequence still kept, while it runs or after it ended.
 *
 * <p>An execution is created idle and starts when its first consumer subscribes (so that
 * consumer misses nothing and its backpressure applies from the first event) or when
 * {@link #start()} is called. It ends with exactly one terminal event.
 *
 * <p>Its journal holds resources when memory-mapped buffers are on: segment files, their
 * mappings and a share of the JVM-wide spill budget. An execution releases them by itself
 * once it has ended and no consumer is attached (at its terminal event, or when its last
 * consumer detaches after it): nothing needs closing. Spilled events are then gone (a
 * consumer attaching later, from before the events still in memory, gets an
 * {@code EventsExpiredException}). An execution held by an {@link ExecutionRegistry}
 * keeps its journal instead until the registry evicts it, so that consumers can resume
 * during {@code journalRetention}. {@code journal().close()} releases them earlier.
 */
public final class GraphExecution {

	private static final System.Logger LOGGER = System.getLogger(GraphExecution.class.getName());

	private final String executionId;

	private final String graphId;

	private final StreamingExecutionOptions options;

	private final ExecutionJournal journal;

	private final @Nullable ExecutionSequencer sequencer;

	private final @Nullable GraphRun run;

	private final Map<String, @Nullable Object> input;

	private final @Nullable Scheduler executionScheduler;

	/** Where a replica's events come from; {@code null} for a run in this process. */
	private final @Nullable ExecutionFeed feed;

	private volatile @Nullable String replicaNode;

	private final Instant createdAt;

	private final AtomicReference<ExecutionStatus> status = new AtomicReference<>(ExecutionStatus.CREATED);

	private final Sinks.One<ExecutionResult> result = Sinks.one();

	private volatile @Nullable Disposable subscription;

	private volatile @Nullable Instant startedAt;

	private volatile @Nullable Instant finishedAt;

	private volatile @Nullable String cancelReason;

	private volatile boolean cancelWhenUnobserved;

	/** Whether the journal is closed once the execution has ended; off in a registry. */
	private volatile boolean releaseJournalWhenEnded;

	private final @Nullable String resumedFrom;

	private volatile @Nullable String owner;

	GraphExecution(String executionId, Graph graph, Map<String, @Nullable Object> input,
			StreamingExecutionOptions options, GraphExecutor executor) {
		this(executionId, graph, input, options, executor, null);
	}

	GraphExecution(String executionId, Graph graph, Map<String, @Nullable Object> input,
			StreamingExecutionOptions options, GraphExecutor executor, @Nullable Checkpoint restore) {
		this(executionId, graph, input, options, executor, restore, 0);
	}

	/**
	 * A run in this process; with {@code startAfter > 0} it continues an execution whose
	 * first {@code startAfter} events were recorded elsewhere (a takeover), beginning with
	 * {@code CheckpointRestored} rather than {@code ExecutionStarted}.
	 */
	GraphExecution(String executionId, Graph graph, Map<String, @Nullable Object> input,
			StreamingExecutionOptions options, GraphExecutor executor, @Nullable Checkpoint restore,
			long startAfter) {
		this.executionId = executionId;
		this.graphId = graph.id();
		this.options = options;
		this.input = input;
		this.createdAt = Instant.now();
		this.journal = new ExecutionJournal(executionId, options.journalMaxEvents(),
				options.enableMetrics() ? (paused) -> options.metricsListener()
					.onExecutionPaused(options.metricsMeterName(), this.graphId, paused)
						: ExecutionJournal.PauseListener.NONE,
				SpillSettings.of(options), startAfter);
		this.sequencer = new ExecutionSequencer(executionId, this.graphId, this.journal, options, this::ended,
				startAfter);
		this.executionScheduler = executor.executionScheduler();
		this.run = new GraphRun(executionId, graph, this.sequencer, this.journal, executor,
				options.includeFinalState(), input, restore, startAfter > 0);
		this.feed = null;
		this.resumedFrom = (restore != null) ? restore.checkpointId() : null;
		this.releaseJournalWhenEnded = true;
		this.journal.onDetach((remaining) -> {
			if (remaining == 0 && this.cancelWhenUnobserved) {
				cancel("the last consumer left");
			}
		});
	}

	/**
	 * A replica: its journal is filled by a feed of events recorded elsewhere.
	 */
	private GraphExecution(SharedExecution shared, StreamingExecutionOptions options, ExecutionFeed feed) {
		this.executionId = shared.executionId();
		this.graphId = shared.graphId();
		this.options = options;
		this.input = Map.of();
		this.createdAt = shared.createdAt();
		this.journal = new ExecutionJournal(this.executionId, options.journalMaxEvents(),
				ExecutionJournal.PauseListener.NONE, SpillSettings.of(options), shared.startAfter());
		this.sequencer = null;
		this.executionScheduler = null;
		this.run = null;
		this.feed = feed;
		this.resumedFrom = shared.resumedFrom();
		this.owner = shared.owner();
		this.journal.onDetach((remaining) -> {
			if (remaining == 0 && this.cancelWhenUnobserved) {
				cancel("the last consumer left");
			}
		});
	}

	/**
	 * Creates an idle replica of an execution recorded in a shared journal; {@link #start()}
	 * (or its first consumer) subscribes to the feed.
	 * @param shared what the shared store knows of it
	 * @param options the options of its graph on this instance
	 * @param feed where its events come from
	 * @return the replica
	 */
	static GraphExecution replica(SharedExecution shared, StreamingExecutionOptions options, ExecutionFeed feed) {
		return replica(shared, options, feed, List.of());
	}

	/**
	 * Creates an idle replica holding the events already recorded, so that it answers
	 * status and resume requests for them at once; {@link #start()} then tails the feed
	 * after the last of them (and does nothing if they end with the terminal event).
	 * @param shared what the shared store knows of it
	 * @param options the options of its graph on this instance
	 * @param feed where its newer events come from
	 * @param recorded consecutive events from {@code shared.startAfter() + 1}
	 * @return the replica
	 */
	static GraphExecution replica(SharedExecution shared, StreamingExecutionOptions options, ExecutionFeed feed,
			List<GraphExecutionEvent> recorded) {
		GraphExecution replica = new GraphExecution(shared, options, feed);
		for (GraphExecutionEvent event : recorded) {
			replica.replicate(event);
		}
		return replica;
	}

	/**
	 * Appends one event of a replica's feed; {@code true} once it was the terminal one.
	 */
	private boolean replicate(GraphExecutionEvent event) {
		this.journal.append(event);
		if (event instanceof NodeStartedEvent started) {
			this.replicaNode = started.nodeId();
		}
		if (event.isTerminal()) {
			ended(event);
			return true;
		}
		return false;
	}

	/**
	 * Whether this execution runs in this process: always for a local run; for a replica,
	 * whatever its feed says ({@link ExecutionFeed#runsHere()}).
	 * @return {@code true} if this process owns the run
	 */
	public boolean runsHere() {
		ExecutionFeed source = this.feed;
		return source == null || source.runsHere();
	}

	/**
	 * Whether this execution is a replica of a journal kept outside this process.
	 * @return {@code true} for a replica
	 */
	public boolean isReplica() {
		return this.feed != null;
	}

	/**
	 * The execution id: a random UUID, unguessable.
	 * @return the id
	 */
	public String executionId() {
		return this.executionId;
	}

	/**
	 * The graph that runs.
	 * @return the graph id
	 */
	public String graphId() {
		return this.graphId;
	}

	/**
	 * The checkpoint this execution resumed from.
	 * @return the checkpoint id, or {@code null} for an execution that started afresh
	 */
	public @Nullable String resumedFrom() {
		return this.resumedFrom;
	}

	/**
	 * Who started the execution, for access rules such as "only its owner may read or
	 * cancel it". The core gives the name no meaning; the Spring transports record the
	 * authenticated principal's name.
	 * @return the owner's name, or {@code null} when the execution was started anonymously
	 * or without recording one
	 */
	public @Nullable String owner() {
		return this.owner;
	}

	/**
	 * Records the owner; called by {@link ExecutionRegistry} before the execution is
	 * published to other threads.
	 */
	void owner(@Nullable String owner) {
		this.owner = owner;
	}

	/**
	 * Keeps the journal after the execution ended, for consumers that resume during its
	 * retention; called by {@link ExecutionRegistry}, which closes it on eviction, before
	 * the execution can have ended. (Replicas are only ever held by a registry and keep
	 * theirs from the start.)
	 */
	void keepJournalWhenEnded() {
		this.releaseJournalWhenEnded = false;
	}

	/**
	 * The options the execution runs with.
	 * @return the options
	 */
	public StreamingExecutionOptions options() {
		return this.options;
	}

	/**
	 * The journal of this execution's events.
	 * @return the journal
	 */
	public ExecutionJournal journal() {
		return this.journal;
	}

	/**
	 * The current status.
	 * @return the status
	 */
	public ExecutionStatus status() {
		return this.status.get();
	}

	/**
	 * When the execution was created.
	 * @return the creation instant
	 */
	public Instant createdAt() {
		return this.createdAt;
	}

	/**
	 * When the run started.
	 * @return the start instant, or the creation instant if it has not started
	 */
	public Instant startedAt() {
		Instant started = this.startedAt;
		return (started != null) ? started : this.createdAt;
	}

	/**
	 * When the execution ended.
	 * @return the end instant, or {@code null} while running
	 */
	public @Nullable Instant finishedAt() {
		return this.finishedAt;
	}

	/**
	 * The node running now.
	 * @return the node id, or {@code null} before the first node
	 */
	public @Nullable String currentNode() {
		GraphRun local = this.run;
		return (local != null) ? local.currentNode() : this.replicaNode;
	}

	/**
	 * Events emitted so far.
	 * @return the newest sequence
	 */
	public long eventCount() {
		return this.journal.head();
	}

	/**
	 * Consumers attached now.
	 * @return the number of cursors
	 */
	public int consumerCount() {
		return this.journal.consumerCount();
	}

	/**
	 * Whether the execution is cancelled when its last consumer cancels its subscription
	 * (the cold in-process stream's behaviour). A consumer whose stream ends with an error,
	 * such as a {@code BufferOverflowException} under the {@code fail} policy, does not
	 * cancel the execution. Off by default: the run goes on, and a consumer may resume from
	 * the journal while it is retained.
	 * @param cancel the switch
	 * @return this execution
	 */
	public GraphExecution cancelWhenUnobserved(boolean cancel) {
		this.cancelWhenUnobserved = cancel;
		return this;
	}

	/**
	 * Starts the run if it has not started; idempotent.
	 * @return this execution
	 */
	public GraphExecution start() {
		ExecutionFeed source = this.feed;
		if (source != null) {
			if (this.status.compareAndSet(ExecutionStatus.CREATED, ExecutionStatus.RUNNING)) {
				this.startedAt = Instant.now();
				this.subscription = source.events(this.journal.head()).subscribeWith(new ReplicaSubscriber());
			}
			return this;
		}
		GraphRun local = Objects.requireNonNull(this.run);
		if (this.status.compareAndSet(ExecutionStatus.CREATED, ExecutionStatus.RUNNING)) {
			this.startedAt = Instant.now();
			Disposable disposable = local.run(this.input)
				.subscribeOn(Objects.requireNonNull(this.executionScheduler))
				.doOnCancel(() -> local.cancelled(reasonOrDefault()))
				.subscribe();
			this.subscription = disposable;
			if (this.cancelReason != null) {
				disposable.dispose();
			}
		}
		return this;
	}

	/**
	 * Cancels the execution: the node in flight is cancelled and the journal ends with
	 * {@code ExecutionCancelled}. Does nothing if it has already ended.
	 * @param reason why, carried by the event
	 * @return {@code true} if this call cancelled it
	 */
	public boolean cancel(String reason) {
		Objects.requireNonNull(reason, "reason");
		ExecutionFeed source = this.feed;
		if (source != null) {
			// the owner cancels and records ExecutionCancelled; the replica learns it from the feed
			if (this.status.get().isFinished()) {
				return false;
			}
			// ask first, then tail: an owner that has not started the run cancels it
			// without starting it, and the tail brings its ExecutionCancelled
			boolean sent = source.cancel(reason);
			start();
			return sent;
		}
		this.cancelReason = reason;
		if (this.status.compareAndSet(ExecutionStatus.CREATED, ExecutionStatus.CANCELLED)) {
			Objects.requireNonNull(this.run).cancelled(reason);
			return true;
		}
		if (this.status.get() != ExecutionStatus.RUNNING) {
			return false;
		}
		Disposable disposable = this.subscription;
		if (disposable != null) {
			disposable.dispose();
		}
		return this.status.get() == ExecutionStatus.CANCELLED;
	}

	private String reasonOrDefault() {
		String reason = this.cancelReason;
		return (reason != null) ? reason : "cancelled";
	}

	/**
	 * How the execution ended; starts nothing by itself.
	 * @return a mono of the result, completing when the execution ends
	 */
	public Mono<ExecutionResult> result() {
		return this.result.asMono();
	}

	/**
	 * A consumer stream of the journal entries (for transports, which reuse serialized
	 * forms); subscribing attaches a cursor and starts the execution if it was idle.
	 * @param spec what the consumer wants
	 * @return the entries after {@code spec.afterSequence()}
	 */
	public Flux<JournalEntry> entries(ConsumerSpec spec) {
		return startingOnSubscribe(this.journal.consume(spec));
	}

	/**
	 * Like {@link #entries(ConsumerSpec)}, with the entries grouped as the consumer's
	 * producer batches are released (lists of at most {@code spec.producerBatchSize()}),
	 * for transports that write a batch as one message.
	 * @param spec what the consumer wants
	 * @return the entries after {@code spec.afterSequence()}, in lists
	 */
	public Flux<List<JournalEntry>> entryBatches(ConsumerSpec spec) {
		return startingOnSubscribe(this.journal.consumeBatches(spec));
	}

	/**
	 * A consumer stream that starts the execution once the consumer is attached: only
	 * after the cursor has had its subscriber's onSubscribe (and first request), since a
	 * run that starts earlier, for example in a doOnSubscribe hook, could signal before
	 * onSubscribe and would outrun a consumer that has not requested yet.
	 */
	private <T> Flux<T> startingOnSubscribe(Flux<T> consumer) {
		return new Flux<>() {
			@Override
			public void subscribe(CoreSubscriber<? super T> actual) {
				consumer.subscribe(actual);
				start();
			}
		};
	}

	/**
	 * The events after a sequence, then live ones until the terminal event, as a stream
	 * with this execution's options.
	 * @param afterSequence 0 for all events
	 * @return the stream
	 */
	public GraphExecutionEventStream stream(long afterSequence) {
		return GraphExecutionEventStream.create(this.graphId, this.options,
				(filter, listener) -> entries(ConsumerSpec.of(this.options, afterSequence, filter)
					.withListener(listener)));
	}

	/**
	 * All events from the first.
	 * @return the stream
	 */
	public GraphExecutionEventStream stream() {
		return stream(0);
	}

	private void ended(GraphExecutionEvent terminal) {
		this.finishedAt = terminal.timestamp();
		ExecutionResult outcome;
		if (terminal instanceof ExecutionCompletedEvent completed) {
			this.status.set(ExecutionStatus.COMPLETED);
			outcome = new ExecutionResult(this.executionId, this.graphId, ExecutionStatus.COMPLETED,
					completed.output(), completed.duration(), null, null, null);
		}
		else if (terminal instanceof ExecutionFailedEvent failed) {
			this.status.set(ExecutionStatus.FAILED);
			outcome = new ExecutionResult(this.executionId, this.graphId, ExecutionStatus.FAILED, null,
					failed.duration(), failed.nodeId(), failed.errorType(), failed.errorMessage());
		}
		else {
			ExecutionCancelledEvent cancelled = (ExecutionCancelledEvent) terminal;
			this.status.set(ExecutionStatus.CANCELLED);
			outcome = new ExecutionResult(this.executionId, this.graphId, ExecutionStatus.CANCELLED, null,
					cancelled.duration(), cancelled.nodeId(), null, cancelled.reason());
		}
		this.result.tryEmitValue(outcome);
		if (this.releaseJournalWhenEnded) {
			// spilled segments go once the consumers still attached have read them
			this.journal.close();
		}
	}

	/**
	 * Appends what a replica's feed delivers, asking for more only while the journal has
	 * room: a consumer holding back a replica under the {@code block} policy slows the
	 * feed, never the owner's run (the shared journal is the buffer in between).
	 */
	private final class ReplicaSubscriber extends BaseSubscriber<GraphExecutionEvent> {

		private static final int PREFETCH = 64;

		/** Requests earned by appended events and not yet made, for want of room. */
		private final AtomicLong owed = new AtomicLong();

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			subscription.request(PREFETCH);
		}

		@Override
		protected void hookOnNext(GraphExecutionEvent event) {
			if (replicate(event)) {
				return;
			}
			// One request per appended event: paid at once while the journal has room, owed
			// while it has none. Only the first owed request waits for capacity: the journal
			// keeps a single capacity waiter and a new one releases the previous, so a waiter
			// per event would let every event release the one before and the feed would
			// never stop. The feed is thus never more than PREFETCH events ahead.
			if (this.owed.getAndIncrement() == 0) {
				awaitRoom();
			}
		}

		private void awaitRoom() {
			Mono<Void> room = GraphExecution.this.journal.awaitCapacity();
			if (room == null) {
				repay();
			}
			else {
				room.subscribe(null, null, this::repay);
			}
		}

		private void repay() {
			long due = this.owed.getAndSet(0);
			if (due > 0) {
				request(due);
			}
		}

		@Override
		protected void hookOnError(Throwable error) {
			LOGGER.log(System.Logger.Level.WARNING, "The feed of replica " + GraphExecution.this.executionId
					+ " failed; its consumers see no newer events on this instance", error);
		}

	}

	@Override
	public String toString() {
		return "GraphExecution[" + this.executionId + ", graph=" + this.graphId + ", status=" + this.status.get()
				+ "]";
	}

}
