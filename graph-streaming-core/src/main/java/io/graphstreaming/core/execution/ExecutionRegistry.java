package io.graphstreaming.core.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.options.StreamingExecutionOptions;

/**
 * The executions of an application, running and recently finished, by id. It enforces
 * the limit of concurrent executions, and evicts a finished execution once its journal
 * retention has passed (remembering its id, so that a late consumer learns that the
 * events are gone rather than that the execution never existed). An execution created
 * for a consumer that never subscribed is cancelled after a grace period, so it cannot
 * hold a slot forever. At shutdown, {@link #refuseNewExecutions()} makes every further
 * {@code create} and {@code resume} throw {@link RegistryShutdownException}, and
 * {@link #awaitTermination(Duration)} and {@link #cancelAll(String)} end the running ones.
 *
 * <p>A registered execution keeps its journal (and, with memory-mapped buffers, its
 * segment files) after it ended, until it is evicted or the registry is closed; an
 * execution outside a registry releases its journal by itself once it has ended and its
 * last consumer has detached.
 */
public final class ExecutionRegistry implements AutoCloseable {

	private static final int REMEMBERED_EXPIRED_IDS = 10_000;

	/** The reason of the {@code ExecutionCancelled} event of executions cancelled at shutdown. */
	public static final String SHUTDOWN_REASON = "application shutting down";

	private final Map<String, GraphExecution> executions = new ConcurrentHashMap<>();

	private final Map<String, String> expired = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, false) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
			return size() > REMEMBERED_EXPIRED_IDS;
		}
	});

	private final AtomicInteger active = new AtomicInteger();

	private final int maxConcurrentExecutions;

	private final Duration unstartedTimeout;

	private final Clock clock;

	private volatile @Nullable Disposable eviction;

	private volatile boolean refusing;

	/**
	 * Creates a registry.
	 * @param maxConcurrentExecutions executions that may run at once, strictly positive
	 * @param unstartedTimeout how long a created execution may wait for its first consumer
	 * @param clock the clock retention is measured with
	 * @throws IllegalArgumentException for a non-positive limit or timeout
	 */
	public ExecutionRegistry(int maxConcurrentExecutions, Duration unstartedTimeout, Clock clock) {
		if (maxConcurrentExecutions <= 0) {
			throw new IllegalArgumentException(
					"maxConcurrentExecutions must be strictly positive but was " + maxConcurrentExecutions);
		}
		Objects.requireNonNull(unstartedTimeout, "unstartedTimeout");
		if (unstartedTimeout.isNegative() || unstartedTimeout.isZero()) {
			throw new IllegalArgumentException("unstartedTimeout must be strictly positive but was " + unstartedTimeout);
		}
		this.maxConcurrentExecutions = maxConcurrentExecutions;
		this.unstartedTimeout = unstartedTimeout;
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	/**
	 * Creates and registers an idle execution of a graph.
	 * @param executor the graph's executor
	 * @param input the initial state
	 * @param options the options
	 * @return the execution, started by its first consumer or by {@code start()}
	 * @throws ExecutionLimitExceededException if the limit of running executions is
	 * reached
	 */
	public GraphExecution create(GraphExecutor executor, Map<String, ? extends @Nullable Object> input,
			StreamingExecutionOptions options) {
		return create(executor, input, options, null);
	}

	/**
	 * Creates and registers an idle execution of a graph, owned by someone.
	 * @param executor the graph's executor
	 * @param input the initial state
	 * @param options the options
	 * @param owner who starts it ({@link GraphExecution#owner()}), or {@code null}
	 * @return the execution, started by its first consumer or by {@code start()}
	 * @throws ExecutionLimitExceededException if the limit of running executions is
	 * reached
	 */
	public GraphExecution create(GraphExecutor executor, Map<String, ? extends @Nullable Object> input,
			StreamingExecutionOptions options, @Nullable String owner) {
		return register(() -> executor.createExecution(input, options), owner);
	}

	/**
	 * Creates and registers an idle execution that resumes from a checkpoint.
	 * @param executor the graph's executor
	 * @param checkpoint the checkpoint
	 * @param options the options
	 * @return the execution, started by its first consumer or by {@code start()}
	 * @throws ExecutionLimitExceededException if the limit of running executions is
	 * reached
	 * @throws IllegalArgumentException if the checkpoint does not fit the graph
	 */
	public GraphExecution resume(GraphExecutor executor, Checkpoint checkpoint, StreamingExecutionOptions options) {
		return resume(executor, checkpoint, options, null);
	}

	/**
	 * Creates and registers an idle execution that resumes from a checkpoint, owned by
	 * someone (who need not be the owner of the execution that took the checkpoint).
	 * @param executor the graph's executor
	 * @param checkpoint the checkpoint
	 * @param options the options
	 * @param owner who resumes it ({@link GraphExecution#owner()}), or {@code null}
	 * @return the execution, started by its first consumer or by {@code start()}
	 * @throws ExecutionLimitExceededException if the limit of running executions is
	 * reached
	 * @throws IllegalArgumentException if the checkpoint does not fit the graph
	 */
	public GraphExecution resume(GraphExecutor executor, Checkpoint checkpoint, StreamingExecutionOptions options,
			@Nullable String owner) {
		return register(() -> executor.resumeExecution(checkpoint, options), owner);
	}

	/**
	 * Registers a replica of an execution recorded in a shared journal (see
	 * {@link ExecutionFeed}), or returns the execution already registered under its id. A
	 * replica of a run on another instance does not count towards this registry's limit of
	 * concurrent executions and is registered even while new executions are refused; one
	 * whose run starts here ({@code runsHere}) counts like a created execution.
	 * @param shared what the shared store knows of it
	 * @param options the options of its graph on this instance
	 * @param feed where its events come from
	 * @param runsHere whether the run is started on this instance
	 * @return the (idle) replica, or the execution already registered under that id
	 * @throws ExecutionLimitExceededException if {@code runsHere} and the limit is reached
	 * @throws RegistryShutdownException if {@code runsHere} and new executions are refused
	 */
	public GraphExecution follow(SharedExecution shared, StreamingExecutionOptions options, ExecutionFeed feed,
			boolean runsHere) {
		return follow(shared, options, feed, runsHere, List.of());
	}

	/**
	 * Registers a replica that already holds the events recorded so far (see
	 * {@link #follow(SharedExecution, StreamingExecutionOptions, ExecutionFeed, boolean)}):
	 * an instance finding an execution another one runs answers status and resume
	 * requests for those events at once, without waiting for its feed to catch up.
	 * @param shared what the shared store knows of it
	 * @param options the options of its graph on this instance
	 * @param feed where its newer events come from
	 * @param runsHere whether the run is started on this instance
	 * @param recorded consecutive events from {@code shared.startAfter() + 1}
	 * @return the (idle) replica, or the execution already registered under that id
	 */
	public GraphExecution follow(SharedExecution shared, StreamingExecutionOptions options, ExecutionFeed feed,
			boolean runsHere, List<GraphExecutionEvent> recorded) {
		Objects.requireNonNull(shared, "shared");
		Objects.requireNonNull(recorded, "recorded");
		GraphExecution existing = this.executions.get(shared.executionId());
		if (existing != null) {
			return existing;
		}
		if (runsHere) {
			return register(() -> GraphExecution.replica(shared, options, feed, recorded), shared.owner());
		}
		GraphExecution replica = GraphExecution.replica(shared, options, feed, recorded);
		GraphExecution raced = this.executions.putIfAbsent(shared.executionId(), replica);
		return (raced != null) ? raced : replica;
	}

	private GraphExecution register(Supplier<GraphExecution> factory, @Nullable String owner) {
		if (this.refusing) {
			throw new RegistryShutdownException();
		}
		if (this.active.incrementAndGet() > this.maxConcurrentExecutions) {
			this.active.decrementAndGet();
			throw new ExecutionLimitExceededException(this.maxConcurrentExecutions);
		}
		GraphExecution execution;
		try {
			execution = factory.get();
		}
		catch (RuntimeException ex) {
			this.active.decrementAndGet();
			throw ex;
		}
		execution.owner(owner);
		// the registry keeps ended executions' journals for resumes, and closes them on eviction
		execution.keepJournalWhenEnded();
		this.executions.put(execution.executionId(), execution);
		execution.result().subscribe((result) -> this.active.decrementAndGet());
		if (this.refusing) {
			// refuseNewExecutions() ran while this one was being created: a shutdown may
			// already have cancelled the others, so this one must not outlive them
			execution.cancel(SHUTDOWN_REASON);
		}
		return execution;
	}

	/**
	 * Refuses every new execution from now on: {@code create} and {@code resume} throw
	 * {@link RegistryShutdownException}. Running executions go on; existing ones can
	 * still be found and consumed. Used at shutdown, before draining or cancelling;
	 * idempotent.
	 */
	public void refuseNewExecutions() {
		this.refusing = true;
	}

	/**
	 * Accepts new executions again after {@link #refuseNewExecutions()}, for an
	 * application context that is started again after a stop.
	 */
	public void acceptNewExecutions() {
		this.refusing = false;
	}

	/**
	 * Whether new executions are refused.
	 * @return {@code true} after {@link #refuseNewExecutions()}
	 */
	public boolean isRefusingNewExecutions() {
		return this.refusing;
	}

	/**
	 * Waits until every registered execution has ended, or the timeout has passed.
	 * Blocks the calling thread (a shutdown thread; never an event loop). An execution
	 * created but never started counts as not ended.
	 * @param timeout the longest wait
	 * @return {@code true} if every execution ended in time
	 */
	public boolean awaitTermination(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout");
		List<GraphExecution> running = this.executions.values()
			.stream()
			.filter((execution) -> !execution.status().isFinished() && execution.runsHere())
			.toList();
		if (running.isEmpty()) {
			return true;
		}
		Boolean ended = Flux.fromIterable(running)
			.flatMap(GraphExecution::result)
			.then(Mono.just(Boolean.TRUE))
			.timeout(timeout, Mono.just(Boolean.FALSE))
			.block();
		return Boolean.TRUE.equals(ended);
	}

	/**
	 * Finds an execution.
	 * @param executionId the id
	 * @return the execution
	 * @throws ExecutionNotFoundException if no such execution is known
	 * @throws ExecutionExpiredException if it existed but was evicted
	 */
	public GraphExecution find(String executionId) {
		GraphExecution execution = this.executions.get(executionId);
		if (execution != null) {
			return execution;
		}
		if (this.expired.containsKey(executionId)) {
			throw new ExecutionExpiredException(executionId);
		}
		throw new ExecutionNotFoundException(executionId);
	}

	/**
	 * Looks an execution up without failing.
	 * @param executionId the id
	 * @return the execution if registered
	 */
	public Optional<GraphExecution> lookup(String executionId) {
		return Optional.ofNullable(this.executions.get(executionId));
	}

	/**
	 * The graph an evicted execution belonged to.
	 * @param executionId the id
	 * @return the graph id, if the id is remembered as expired
	 */
	public Optional<String> expiredGraph(String executionId) {
		return Optional.ofNullable(this.expired.get(executionId));
	}

	/**
	 * All registered executions.
	 * @return an unmodifiable view
	 */
	public Collection<GraphExecution> executions() {
		return Collections.unmodifiableCollection(this.executions.values());
	}

	/**
	 * Executions not yet finished.
	 * @return the count
	 */
	public int activeCount() {
		return this.active.get();
	}

	/**
	 * The limit of concurrent executions.
	 * @return the limit
	 */
	public int maxConcurrentExecutions() {
		return this.maxConcurrentExecutions;
	}

	/**
	 * Evicts finished executions whose retention has passed and cancels executions that
	 * waited too long for a first consumer.
	 * @return how many executions were evicted
	 */
	public int evictExpired() {
		Instant now = this.clock.instant();
		int evicted = 0;
		for (GraphExecution execution : this.executions.values()) {
			Instant finished = execution.finishedAt();
			if (finished != null) {
				if (!finished.plus(execution.options().journalRetention()).isAfter(now)) {
					this.expired.put(execution.executionId(), execution.graphId());
					this.executions.remove(execution.executionId());
					// deletes spilled segments (once no consumer still reads them)
					execution.journal().close();
					evicted++;
				}
			}
			// a replica of a run elsewhere is not this instance's to cancel: cancelling it would
			// cancel the owner's run (and its createdAt is the owner's, possibly long past)
			else if (execution.status() == ExecutionStatus.CREATED && execution.runsHere()
					&& !execution.createdAt().plus(this.unstartedTimeout).isAfter(now)) {
				execution.cancel("no consumer subscribed within " + this.unstartedTimeout);
			}
		}
		return evicted;
	}

	/**
	 * Runs {@link #evictExpired()} periodically until {@link #close()}.
	 * @param scheduler where eviction runs
	 * @param period how often
	 * @return this registry
	 */
	public ExecutionRegistry startEviction(Scheduler scheduler, Duration period) {
		Disposable previous = this.eviction;
		if (previous != null) {
			previous.dispose();
		}
		this.eviction = scheduler.schedulePeriodically(this::evictExpired, period.toMillis(), period.toMillis(),
				TimeUnit.MILLISECONDS);
		return this;
	}

	/**
	 * Cancels every running execution that runs in this process (replicas of runs on other
	 * instances are left to their owners), for example at shutdown; each ends with
	 * {@code ExecutionCancelled} and its consumers receive it.
	 * @param reason carried by the events
	 * @return how many executions were cancelled
	 */
	public int cancelAll(String reason) {
		int cancelled = 0;
		for (GraphExecution execution : this.executions.values()) {
			if (execution.runsHere() && execution.cancel(reason)) {
				cancelled++;
			}
		}
		return cancelled;
	}

	/**
	 * Stops periodic eviction and closes every execution's journal, deleting spilled
	 * segment files (each once no consumer still reads it; a JVM shutdown hook removes
	 * whatever is left at exit).
	 */
	@Override
	public void close() {
		Disposable current = this.eviction;
		if (current != null) {
			current.dispose();
		}
		for (GraphExecution execution : this.executions.values()) {
			execution.journal().close();
		}
	}

}
