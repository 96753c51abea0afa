package io.graphstreaming.core.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.checkpoint.CheckpointStore;
import io.graphstreaming.core.event.CheckpointCreatedEvent;
import io.graphstreaming.core.event.CheckpointRestoredEvent;
import io.graphstreaming.core.event.CircuitBreakerStateChangedEvent;
import io.graphstreaming.core.event.ResourceBudgetExhaustedEvent;
import io.graphstreaming.core.event.RetryAttemptedEvent;
import io.graphstreaming.core.event.StateMergeConflictDetectedEvent;
import io.graphstreaming.core.graph.EdgeCondition;
import io.graphstreaming.core.graph.Graph;
import io.graphstreaming.core.graph.GraphEdge;
import io.graphstreaming.core.graph.GraphNode;
import io.graphstreaming.core.graph.MergePolicy;
import io.graphstreaming.core.graph.NodeAction;
import io.graphstreaming.core.graph.NodeContext;
import io.graphstreaming.core.graph.RetryPolicy;
import io.graphstreaming.core.graph.StateMergeConflictException;
import io.graphstreaming.core.journal.ExecutionJournal;

/**
 * Walks a graph for one execution: calls each node as a {@link Mono}, applies the values
 * it writes, routes along the first conditional edge that holds or else along every
 * unconditional one, and reports every step through the sequencer.
 *
 * <p>A path is a chain of nodes run one after another. When a node has several
 * unconditional successors the path forks: each successor starts a branch with its own
 * {@link RunScope}, the branches run concurrently (at most {@code maxParallelism} at
 * once), stop before the graph's join node, and their writes merge by the graph's merge
 * policies before the path goes on at the join. A subgraph node runs its graph as a
 * nested path whose node ids carry the node's path. Parallel branches, subgraphs,
 * retries and back-offs are all inner subscriptions of the one run subscription, so
 * cancelling the run, or a budget running out, stops every one of them.
 *
 * <p>Before each node a path yields to backpressure: if a lossless consumer is too far
 * behind, it waits on the journal without holding a thread.
 */
final class GraphRun {

	private static final int STEPS_BETWEEN_YIELDS = 256;

	private static final int EXPAND_QUEUE_LINK = 8;

	private final Graph graph;

	private final ExecutionSequencer sequencer;

	private final ExecutionJournal journal;

	private final Scheduler nodeScheduler;

	private final Scheduler executionScheduler;

	private final Scheduler timerScheduler;

	private final int maxSteps;

	private final int maxParallelism;

	private final boolean includeFinalState;

	private final Map<String, @Nullable Object> state;

	private final Frame root;

	private final Sinks.Empty<Void> cancellation = Sinks.empty();

	private final String executionId;

	private final AtomicInteger steps = new AtomicInteger();

	private final ExecutionBudget budget;

	private final @Nullable BudgetMeter meter;

	private final Sinks.One<Throwable> abort = Sinks.one();

	private final AtomicReference<@Nullable Exhausted> exhausted = new AtomicReference<>();

	private final Map<String, AtomicInteger> iterations = new ConcurrentHashMap<>();

	private final @Nullable CheckpointStore checkpointStore;

	private final int checkpointEvery;

	private final @Nullable Checkpoint restore;

	private volatile @Nullable String currentNode;

	private volatile boolean cancelled;

	private long startNanos;

	private int topLevelNodesCompleted;

	private int checkpointsTaken;

	/**
	 * Whether this run continues an execution that another process started (a takeover):
	 * its journal already holds the {@code ExecutionStarted} event, so the run begins with
	 * {@code CheckpointRestored}.
	 */
	private final boolean continuation;

	GraphRun(String executionId, Graph graph, ExecutionSequencer sequencer, ExecutionJournal journal,
			GraphExecutor executor, boolean includeFinalState, Map<String, @Nullable Object> input,
			@Nullable Checkpoint restore) {
		this(executionId, graph, sequencer, journal, executor, includeFinalState, input, restore, false);
	}

	GraphRun(String executionId, Graph graph, ExecutionSequencer sequencer, ExecutionJournal journal,
			GraphExecutor executor, boolean includeFinalState, Map<String, @Nullable Object> input,
			@Nullable Checkpoint restore, boolean continuation) {
		this.continuation = continuation;
		this.executionId = executionId;
		this.graph = graph;
		this.sequencer = sequencer;
		this.journal = journal;
		this.nodeScheduler = executor.nodeScheduler();
		this.executionScheduler = executor.executionScheduler();
		this.timerScheduler = executor.timerScheduler();
		this.maxSteps = executor.maxSteps();
		this.maxParallelism = executor.maxParallelism();
		this.includeFinalState = includeFinalState;
		this.state = new LinkedHashMap<>(input);
		this.root = new Frame(graph, "", RunScope.root(this.state), null, null, true);
		this.budget = executor.budget();
		this.meter = this.budget.limits().isEmpty() ? null : new BudgetMeter(this.budget, this::exhaust);
		this.checkpointStore = executor.checkpointStore();
		this.checkpointEvery = executor.checkpointEvery();
		this.restore = restore;
		// a continuation checkpoints under the same execution id: number on from the
		// checkpoint it continues, or its checkpoints would replace the earlier ones
		this.checkpointsTaken = (continuation && restore != null) ? checkpointNumber(executionId, restore) : 0;
	}

	/**
	 * The number of a checkpoint named {@code <executionId>-<n>}, as this class names
	 * them; 0 for another name.
	 */
	private static int checkpointNumber(String executionId, Checkpoint checkpoint) {
		String prefix = executionId + "-";
		String id = checkpoint.checkpointId();
		if (id.startsWith(prefix)) {
			try {
				return Math.max(0, Integer.parseInt(id.substring(prefix.length())));
			}
			catch (NumberFormatException ex) {
				// not one of ours
			}
		}
		return 0;
	}

	@Nullable String currentNode() {
		return this.currentNode;
	}

	/**
	 * The whole run; subscribing starts it, cancelling the subscription cancels it. It
	 * never errors: every outcome ends in a terminal event.
	 */
	Mono<Void> run(Map<String, @Nullable Object> input) {
		return Mono.defer(() -> {
			this.startNanos = System.nanoTime();
			Checkpoint checkpoint = this.restore;
			Mono<Void> body;
			if (checkpoint == null) {
				String start = Objects.requireNonNull(this.graph.startNode());
				this.sequencer.executionStarted(start, Collections.unmodifiableMap(input));
				body = runPath(this.root, start);
			}
			else {
				List<String> next = checkpoint.nextNodes();
				if (!this.continuation) {
					this.sequencer.executionStarted(next.isEmpty() ? checkpoint.nodeId() : next.get(0),
							Collections.unmodifiableMap(input));
				}
				this.sequencer.emit((execution, graphId, sequence, time) -> new CheckpointRestoredEvent(execution,
						graphId, sequence, time, checkpoint.nodeId(), checkpoint.checkpointId()));
				body = resume(checkpoint);
			}
			return this.budget.isLimited() ? metered(body) : body;
		})
			.doOnSuccess((ignored) -> this.sequencer.executionCompleted(elapsed(), finalState()))
			.onErrorResume((error) -> {
				ended(error);
				return Mono.empty();
			});
	}

	private @Nullable Map<String, @Nullable Object> finalState() {
		return this.includeFinalState ? Collections.unmodifiableMap(this.state) : null;
	}

	private void ended(Throwable error) {
		// Whatever ended the run, nodes still running (siblings of a failed branch) learn
		// it through isCancelled() and cancellation(), not only through interruption.
		signalCancellation();
		Exhausted budgetEnd = this.exhausted.get();
		if (budgetEnd != null) {
			switch (this.budget.onExhausted()) {
				case FAIL -> this.sequencer.executionFailed(elapsed(), budgetEnd.nodeId(), budgetEnd.error());
				case CANCEL ->
					this.sequencer.executionCancelled(elapsed(), budgetEnd.nodeId(), budgetEnd.error().getMessage());
				case COMPLETE -> this.sequencer.executionCompleted(elapsed(), finalState());
			}
			return;
		}
		String nodeId = (error instanceof NodeExecutionException failure) ? failure.nodeId() : this.currentNode;
		Throwable cause = (error instanceof NodeExecutionException) ? error.getCause() : error;
		this.sequencer.executionFailed(elapsed(), nodeId, cause);
	}

	/**
	 * Stops the run: the node in flight is cancelled by the caller disposing the run's
	 * subscription; this signals cooperative nodes and writes the terminal event.
	 */
	void cancelled(String reason) {
		signalCancellation();
		this.sequencer.executionCancelled(elapsed(), this.currentNode, reason);
	}

	private void signalCancellation() {
		this.cancelled = true;
		this.cancellation.tryEmitEmpty();
	}

	Duration elapsed() {
		return (this.startNanos != 0) ? Duration.ofNanos(System.nanoTime() - this.startNanos) : Duration.ZERO;
	}

	/**
	 * The run raced against its budget: a budget used up anywhere aborts the whole run,
	 * cancelling every branch, and a duration limit is a timer on the run.
	 */
	private Mono<Void> metered(Mono<Void> body) {
		return Mono.defer(() -> {
			Duration maxDuration = this.budget.maxDuration();
			// Measured by the timer's own clock, so a virtual clock reports what it waited.
			long timerStart = this.timerScheduler.now(TimeUnit.MILLISECONDS);
			Disposable timer = (maxDuration != null) ? Mono.delay(maxDuration, this.timerScheduler)
				.subscribe((tick) -> exhaust(this.currentNode, ExecutionBudget.DURATION, maxDuration.toMillis(),
						this.timerScheduler.now(TimeUnit.MILLISECONDS) - timerStart)) : null;
			Mono<Void> aborted = this.abort.asMono().flatMap(Mono::error);
			// The abort first: a body of non-blocking nodes runs to its end while it is being
			// subscribed, and an abort subscribed after it would come too late to stop it.
			return Mono.firstWithSignal(aborted, body).doFinally((signal) -> {
				if (timer != null) {
					timer.dispose();
				}
			});
		});
	}

	private ResourceBudgetExhaustedException exhaust(@Nullable String nodeId, String name, double limit, double used) {
		ResourceBudgetExhaustedException error = new ResourceBudgetExhaustedException(name, limit, used);
		if (this.exhausted.compareAndSet(null, new Exhausted(nodeId, error))) {
			this.sequencer.emit((execution, graphId, sequence, time) -> new ResourceBudgetExhaustedEvent(execution,
					graphId, sequence, time, nodeId, name, limit, used));
			signalCancellation();
			this.abort.tryEmitValue(error);
		}
		return error;
	}

	private Mono<Void> resume(Checkpoint checkpoint) {
		this.steps.set(checkpoint.nodeExecutions());
		checkpoint.iterations().forEach((node, count) -> this.iterations.put(node, new AtomicInteger(count)));
		BudgetMeter budgetMeter = this.meter;
		if (budgetMeter != null) {
			budgetMeter.restore(checkpoint.budgetUsage());
		}
		List<String> next = checkpoint.nextNodes();
		if (next.isEmpty()) {
			return Mono.empty();
		}
		if (next.size() == 1) {
			return runPath(this.root, next.get(0));
		}
		return fork(this.root, checkpoint.nodeId(), next).flatMap((join) -> runPath(this.root, join));
	}

	/**
	 * Runs nodes one after another from {@code start} until a path ends or reaches one of
	 * the frame's stop nodes.
	 */
	private Mono<Void> runPath(Frame frame, String start) {
		if (frame.isStop(start)) {
			return Mono.empty();
		}
		// One next node at a time: a small queue link (8) instead of Reactor's default 256,
		// which would allocate a 1 KB array for every run.
		return Mono.just(start).expand((nodeId) -> step(frame, nodeId), EXPAND_QUEUE_LINK).then();
	}

	/**
	 * One node. A path that waited for a slow consumer resumes on the execution scheduler,
	 * not on the consumer's thread (often a Netty event loop); a long run of non-blocking
	 * nodes hops there every few hundred steps too, so it never monopolises a thread that
	 * other executions share.
	 */
	private Mono<String> step(Frame frame, String nodeId) {
		Mono<Void> gate = this.journal.awaitCapacity();
		Mono<String> body = Mono.defer(() -> executeNode(frame, nodeId));
		if (gate != null) {
			return gate.publishOn(this.executionScheduler).then(body);
		}
		int done = this.steps.get();
		if (done > 0 && done % STEPS_BETWEEN_YIELDS == 0) {
			return body.subscribeOn(this.executionScheduler);
		}
		return body;
	}

	private Mono<String> executeNode(Frame frame, String nodeId) {
		GraphNode node = Objects.requireNonNull(frame.graph.node(nodeId));
		String path = frame.path(nodeId);
		int limit = node.maxIterations();
		if (limit > 0 && this.iterations.computeIfAbsent(path, (key) -> new AtomicInteger()).incrementAndGet() > limit) {
			return Mono.error(new NodeExecutionException(path, new IterationLimitExceededException(path, limit)));
		}
		RunningNode running = new RunningNode(path);
		// A node the limits refuse is neither entered nor started.
		Throwable refused = admit(running);
		if (refused != null) {
			return Mono.error(refused);
		}
		this.currentNode = path;
		this.sequencer.nodeEntered(path);
		NodeAction direct = node.nonBlockingAction();
		if (direct != null && frame.graph.retryPolicy() == null) {
			// A non-blocking function without retries or breaker runs here and now: the same
			// call, events and outcome as through attempt(), without a Mono pipeline per node.
			announce(running);
			Map<String, @Nullable Object> written;
			try {
				written = direct.execute(frame.scope.view(), running);
			}
			catch (Throwable error) {
				Exceptions.throwIfJvmFatal(error);
				return failed(running, error);
			}
			return completed(frame, nodeId, running, (written != null) ? written : Map.of());
		}
		return attempt(frame, node, running).flatMap((written) -> completed(frame, nodeId, running, written));
	}

	/**
	 * Counts a node execution against the step limit and the node-executions budget.
	 * @return the error that ends the run instead, or {@code null}
	 */
	private @Nullable Throwable admit(RunningNode running) {
		int executed = this.steps.incrementAndGet();
		if (executed > this.maxSteps) {
			return new NodeExecutionException(running.nodeId, new IllegalStateException("Graph '" + this.graph.id()
					+ "' exceeded " + this.maxSteps + " node executions; a cycle may not terminate"));
		}
		int maxExecutions = this.budget.maxNodeExecutions();
		if (maxExecutions > 0 && executed > maxExecutions) {
			return new NodeExecutionException(running.nodeId,
					exhaust(running.nodeId, ExecutionBudget.NODE_EXECUTIONS, maxExecutions, maxExecutions));
		}
		return null;
	}

	private void announce(RunningNode running) {
		running.started = System.nanoTime();
		this.sequencer.nodeStarted(running.nodeId);
	}

	/**
	 * One attempt of a node, followed by a back-off and the next attempt while its retry
	 * policy allows. The first attempt was admitted with the node; a retry the limits
	 * refuse exits the node.
	 */
	private Mono<Map<String, @Nullable Object>> attempt(Frame frame, GraphNode node, RunningNode running) {
		if (running.attempt > 1) {
			Throwable refused = admit(running);
			if (refused != null) {
				this.sequencer.nodeExited(running.nodeId);
				return Mono.error(refused);
			}
		}
		announce(running);
		// Cancelled from outside (a sibling branch failed, the run was cancelled, a budget ran
		// out): the error an interrupted node then throws is not the node's failure, so it is
		// neither reported nor retried.
		Mono<Map<String, @Nullable Object>> call = call(frame, node, running)
			.doOnCancel(() -> running.cancelled = true);
		return call.onErrorResume((error) -> {
			if (running.cancelled) {
				return Mono.error(error);
			}
			RetryPolicy policy = (node.retryPolicy() != null) ? node.retryPolicy() : frame.graph.retryPolicy();
			Throwable cause = (error instanceof NodeExecutionException inner) ? inner.getCause() : error;
			if (policy == null || this.cancelled || !policy.shouldRetry(running.attempt, cause)) {
				return failed(running, error);
			}
			int next = running.attempt + 1;
			Duration delay = policy.delayBefore(next, () -> ThreadLocalRandom.current().nextDouble());
			this.sequencer.emit((execution, graphId, sequence, time) -> new RetryAttemptedEvent(execution, graphId,
					sequence, time, running.nodeId, next, delay, ExecutionSequencer.errorType(cause),
					ExecutionSequencer.errorMessage(cause)));
			running.attempt = next;
			Mono<Map<String, @Nullable Object>> retry = Mono.defer(() -> attempt(frame, node, running));
			return delay.isZero() ? retry
					: Mono.delay(delay, this.timerScheduler).publishOn(this.executionScheduler).then(retry);
		});
	}

	private Mono<Map<String, @Nullable Object>> call(Frame frame, GraphNode node, RunningNode running) {
		Graph subgraph = node.subgraph();
		Mono<Map<String, @Nullable Object>> call = (subgraph != null) ? runSubgraph(frame, subgraph, running)
				: node.invoke(frame.scope.view(), running, this.nodeScheduler);
		CircuitBreaker breaker = node.circuitBreaker();
		if (breaker == null) {
			return call;
		}
		return BreakerGuard.guard(breaker, running.nodeId, call, (transition) -> this.sequencer
			.emit((execution, graphId, sequence, time) -> new CircuitBreakerStateChangedEvent(execution, graphId,
					sequence, time, running.nodeId, transition.getFromState().name(),
					transition.getToState().name())));
	}

	private Mono<Map<String, @Nullable Object>> runSubgraph(Frame frame, Graph subgraph, RunningNode running) {
		return Mono.defer(() -> {
			Frame nested = new Frame(subgraph, running.nodeId + "/", frame.scope.child(), null, null, false);
			return runPath(nested, Objects.requireNonNull(subgraph.startNode()))
				.then(Mono.fromSupplier(() -> nested.scope.writes()));
		});
	}

	private <T> Mono<T> failed(RunningNode running, Throwable error) {
		Throwable cause = (error instanceof NodeExecutionException inner) ? inner.getCause() : error;
		this.sequencer.nodeFailed(running.nodeId, Duration.ofNanos(System.nanoTime() - running.started), cause);
		this.sequencer.nodeExited(running.nodeId);
		// A failure inside a subgraph keeps the innermost node, which names the real culprit.
		return Mono.error((error instanceof NodeExecutionException) ? error
				: new NodeExecutionException(running.nodeId, error));
	}

	private Mono<String> completed(Frame frame, String nodeId, RunningNode running,
			Map<String, @Nullable Object> written) {
		if (this.cancelled) {
			// The run ended (cancelled, or out of budget) while this node ran: its writes would
			// change a final state already reported, and nothing may follow it.
			return Mono.empty();
		}
		Duration duration = Duration.ofNanos(System.nanoTime() - running.started);
		frame.scope.putAll(written);
		this.sequencer.nodeCompleted(running.nodeId, duration, written);
		this.sequencer.nodeExited(running.nodeId);
		return next(frame, nodeId, running.nodeId);
	}

	/**
	 * Routes after a node: the first conditional edge that holds, else every
	 * unconditional edge (several fork the path); checkpoints the top-level path.
	 */
	private Mono<String> next(Frame frame, String nodeId, String path) {
		boolean fanOut = frame.graph.isFanOut(nodeId);
		String single = null;
		List<String> parallel = null;
		for (GraphEdge edge : frame.graph.outgoing(nodeId)) {
			EdgeCondition condition = edge.condition();
			if (condition != null) {
				boolean holds = condition.test(frame.scope.view());
				this.sequencer.conditionEvaluated(path, frame.path(edge.to()), condition.label(), holds);
				if (!holds) {
					continue;
				}
				if (!fanOut) {
					single = edge.to();
					parallel = null;
					break;
				}
			}
			if (single == null) {
				single = edge.to();
			}
			else {
				if (parallel == null) {
					parallel = new ArrayList<>(4);
					parallel.add(single);
				}
				parallel.add(edge.to());
			}
		}
		List<String> forked = parallel;
		String target = single;
		if (frame.topLevel && this.checkpointStore != null && ++this.topLevelNodesCompleted % this.checkpointEvery == 0) {
			List<String> nextNodes = (forked != null) ? forked : (target != null) ? List.of(target) : List.of();
			return checkpoint(nodeId, nextNodes)
				.then(Mono.defer(() -> (forked != null) ? fork(frame, nodeId, forked) : continueTo(frame, target)));
		}
		return (forked != null) ? fork(frame, nodeId, forked) : continueTo(frame, target);
	}

	private static Mono<String> continueTo(Frame frame, @Nullable String next) {
		return (next == null || frame.isStop(next)) ? Mono.empty() : Mono.just(next);
	}

	/**
	 * Runs parallel branches, merges what they wrote, and continues at their join.
	 */
	private Mono<String> fork(Frame frame, String forkNode, List<String> heads) {
		return Mono.defer(() -> {
			String join = frame.graph.joinOf(forkNode);
			List<Frame> branches = new ArrayList<>(heads.size());
			for (int i = 0; i < heads.size(); i++) {
				branches.add(new Frame(frame.graph, frame.prefix, frame.scope.child(), join, frame, false));
			}
			boolean hop = this.executionScheduler != Schedulers.immediate();
			return Flux.range(0, heads.size()).flatMap((index) -> {
				Mono<Void> branch = runPath(branches.get(index), heads.get(index));
				// On a server, branches of non-blocking nodes run on threads of their own too.
				return hop ? branch.subscribeOn(this.executionScheduler) : branch;
			}, this.maxParallelism)
				.then(Mono.defer(() -> merge(frame, (join != null) ? join : forkNode, branches)))
				.then(Mono.defer(() -> continueTo(frame, join)));
		});
	}

	/**
	 * Applies the branches' writes to the enclosing scope, resolving disagreements by the
	 * graph's merge policies in branch order.
	 */
	private Mono<Void> merge(Frame frame, String at, List<Frame> branches) {
		Map<String, List<@Nullable Object>> written = new LinkedHashMap<>();
		for (Frame branch : branches) {
			branch.scope.writes()
				.forEach((key, value) -> written.computeIfAbsent(key, (k) -> new ArrayList<>(branches.size()))
					.add(value));
		}
		String joinPath = frame.path(at);
		for (Map.Entry<String, List<@Nullable Object>> entry : written.entrySet()) {
			String key = entry.getKey();
			List<@Nullable Object> values = entry.getValue();
			Object resolved = values.get(0);
			if (!allEqual(values)) {
				MergePolicy policy = frame.graph.mergePolicyOf(key);
				try {
					resolved = policy.resolve(key, values);
				}
				catch (StateMergeConflictException ex) {
					conflict(joinPath, key, values, policy, null);
					return Mono.error(new NodeExecutionException(joinPath, ex));
				}
				catch (RuntimeException ex) {
					return Mono.error(new NodeExecutionException(joinPath, new IllegalStateException(
							"Merge policy '" + policy.name() + "' failed on state key '" + key + "': " + ex, ex)));
				}
				conflict(joinPath, key, values, policy, resolved);
			}
			frame.scope.put(key, resolved);
		}
		return Mono.empty();
	}

	private void conflict(String nodeId, String key, List<@Nullable Object> values, MergePolicy policy,
			@Nullable Object resolved) {
		this.sequencer.emit((execution, graphId, sequence, time) -> new StateMergeConflictDetectedEvent(execution,
				graphId, sequence, time, nodeId, key, values, policy.name(), resolved));
	}

	private static boolean allEqual(List<@Nullable Object> values) {
		Object first = values.get(0);
		for (int i = 1; i < values.size(); i++) {
			if (!Objects.equals(first, values.get(i))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Saves the top-level state and where to go next, then announces it: a
	 * {@code CheckpointCreated} event always names a checkpoint that can be loaded.
	 */
	private Mono<Void> checkpoint(String nodeId, List<String> nextNodes) {
		CheckpointStore store = Objects.requireNonNull(this.checkpointStore);
		String checkpointId = this.executionId + "-" + (++this.checkpointsTaken);
		Map<String, Integer> iterationCounts = new LinkedHashMap<>();
		this.iterations.forEach((node, count) -> iterationCounts.put(node, count.get()));
		BudgetMeter budgetMeter = this.meter;
		Checkpoint checkpoint = new Checkpoint(checkpointId, this.executionId, this.graph.id(), nodeId, nextNodes,
				this.state, this.journal.head(), this.steps.get(),
				(budgetMeter != null) ? budgetMeter.usage() : Map.of(), iterationCounts, Instant.now());
		return store.save(checkpoint)
			.then(Mono.fromRunnable(() -> this.sequencer.emit((execution, graphId, sequence,
					time) -> new CheckpointCreatedEvent(execution, graphId, sequence, time, nodeId, checkpointId))));
	}

	/**
	 * A path being run: its graph, where its node ids sit ({@code prefix}), its state, and
	 * the node before which it stops (a branch's join), with the paths it is nested in.
	 */
	private static final class Frame {

		final Graph graph;

		final String prefix;

		final RunScope scope;

		final @Nullable String stopAt;

		final @Nullable Frame outer;

		final boolean topLevel;

		Frame(Graph graph, String prefix, RunScope scope, @Nullable String stopAt, @Nullable Frame outer,
				boolean topLevel) {
			this.graph = graph;
			this.prefix = prefix;
			this.scope = scope;
			this.stopAt = stopAt;
			this.outer = outer;
			this.topLevel = topLevel;
		}

		String path(String nodeId) {
			return this.prefix.isEmpty() ? nodeId : this.prefix + nodeId;
		}

		boolean isStop(String nodeId) {
			for (Frame frame = this; frame != null; frame = frame.outer) {
				if (nodeId.equals(frame.stopAt)) {
					return true;
				}
			}
			return false;
		}

	}

	/**
	 * The budget that ended the run, and where.
	 */
	private record Exhausted(@Nullable String nodeId, ResourceBudgetExhaustedException error) {
	}

	/**
	 * The context of one node invocation, across its attempts.
	 */
	private final class RunningNode implements NodeContext {

		final String nodeId;

		private final AtomicLong chunks = new AtomicLong();

		volatile int attempt = 1;

		volatile boolean cancelled;

		volatile long started;

		RunningNode(String nodeId) {
			this.nodeId = nodeId;
		}

		@Override
		public String executionId() {
			return GraphRun.this.executionId;
		}

		@Override
		public String graphId() {
			return GraphRun.this.graph.id();
		}

		@Override
		public String nodeId() {
			return this.nodeId;
		}

		@Override
		public int attempt() {
			return this.attempt;
		}

		@Override
		public boolean isCancelled() {
			return GraphRun.this.cancelled;
		}

		@Override
		public Mono<Void> cancellation() {
			return GraphRun.this.cancellation.asMono();
		}

		@Override
		public void emitChunk(Object chunk) {
			GraphRun.this.sequencer.nodeOutputChunk(this.nodeId, this.chunks.getAndIncrement(), chunk);
		}

		@Override
		public Mono<Void> emitChunkAndAwaitCapacity(Object chunk) {
			emitChunk(chunk);
			Mono<Void> gate = GraphRun.this.journal.awaitCapacity();
			return (gate != null) ? gate.publishOn(GraphRun.this.executionScheduler) : Mono.empty();
		}

		@Override
		public double consume(String budget, double amount) {
			Objects.requireNonNull(budget, "budget");
			BudgetMeter budgetMeter = GraphRun.this.meter;
			if (budgetMeter == null) {
				throw new IllegalArgumentException("Node '" + this.nodeId + "' consumed budget '" + budget
						+ "' but the execution has no user budgets; configure them with GraphExecutor.budget");
			}
			return budgetMeter.consume(this.nodeId, budget, amount);
		}

	}

}
