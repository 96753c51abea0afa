package io.graphstreaming.core.execution;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
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
 */
public final class GraphExecution {

	private final String executionId;

	private final String graphId;

	private final StreamingExecutionOptions options;

	private final ExecutionJournal journal;

	private final ExecutionSequencer sequencer;

	private final GraphRun run;

	private final Map<String, @Nullable Object> input;

	private final Scheduler executionScheduler;

	private final Instant createdAt;

	private final AtomicReference<ExecutionStatus> status = new AtomicReference<>(ExecutionStatus.CREATED);

	private final Sinks.One<ExecutionResult> result = Sinks.one();

	private volatile @Nullable Disposable subscription;

	private volatile @Nullable Instant startedAt;

	private volatile @Nullable Instant finishedAt;

	private volatile @Nullable String cancelReason;

	private volatile boolean cancelWhenUnobserved;

	private final @Nullable String resumedFrom;

	private volatile @Nullable String owner;

	GraphExecution(String executionId, Graph graph, Map<String, @Nullable Object> input,
			StreamingExecutionOptions options, GraphExecutor executor) {
		this(executionId, graph, input, options, executor, null);
	}

	GraphExecution(String executionId, Graph graph, Map<String, @Nullable Object> input,
			StreamingExecutionOptions options, GraphExecutor executor, @Nullable Checkpoint restore) {
		this.executionId = executionId;
		this.graphId = graph.id();
		this.options = options;
		this.input = input;
		this.createdAt = Instant.now();
		this.journal = new ExecutionJournal(executionId, options.journalMaxEvents(),
				options.enableMetrics() ? (paused) -> options.metricsListener()
					.onExecutionPaused(options.metricsMeterName(), this.graphId, paused)
						: ExecutionJournal.PauseListener.NONE,
				SpillSettings.of(options));
		this.sequencer = new ExecutionSequencer(executionId, this.graphId, this.journal, options, this::ended);
		this.executionScheduler = executor.executionScheduler();
		this.run = new GraphRun(executionId, graph, this.sequencer, this.journal, executor,
				options.includeFinalState(), input, restore);
		this.resumedFrom = (restore != null) ? restore.checkpointId() : null;
		this.journal.onDetach((remaining) -> {
			if (remaining == 0 && this.cancelWhenUnobserved) {
				cancel("the last consumer left");
			}
		});
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
		return this.run.currentNode();
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
		if (this.status.compareAndSet(ExecutionStatus.CREATED, ExecutionStatus.RUNNING)) {
			this.startedAt = Instant.now();
			Disposable disposable = this.run.run(this.input)
				.subscribeOn(this.executionScheduler)
				.doOnCancel(() -> this.run.cancelled(reasonOrDefault()))
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
		this.cancelReason = reason;
		if (this.status.compareAndSet(ExecutionStatus.CREATED, ExecutionStatus.CANCELLED)) {
			this.run.cancelled(reason);
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
		Flux<JournalEntry> consumer = this.journal.consume(spec);
		return new Flux<>() {
			@Override
			public void subscribe(CoreSubscriber<? super JournalEntry> actual) {
				// Start only once the cursor is attached and its subscriber has had onSubscribe
				// (and made its first request): a run that starts earlier, for example in a
				// doOnSubscribe hook, could signal before onSubscribe and would outrun a consumer
				// that has not requested yet.
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
	}

	@Override
	public String toString() {
		return "GraphExecution[" + this.executionId + ", graph=" + this.graphId + ", status=" + this.status.get()
				+ "]";
	}

}
