package io.graphstreaming.redis.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

import io.graphstreaming.core.checkpoint.Checkpoint;
import io.graphstreaming.core.checkpoint.CheckpointStore;
import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.event.ExecutionCancelledEvent;
import io.graphstreaming.core.event.ExecutionCompletedEvent;
import io.graphstreaming.core.event.ExecutionFailedEvent;
import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.execution.ExecutionFeed;
import io.graphstreaming.core.execution.ExecutionRegistry;
import io.graphstreaming.core.execution.GraphExecution;
import io.graphstreaming.core.execution.GraphExecutor;
import io.graphstreaming.core.execution.SharedExecution;
import io.graphstreaming.core.journal.ConsumerListener;
import io.graphstreaming.core.journal.ConsumerSpec;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;
import io.graphstreaming.redis.RedisKeys;
import io.graphstreaming.redis.journal.LeaseFence;
import io.graphstreaming.redis.journal.RedisEventLog;
import io.graphstreaming.redis.journal.RedisJournalWriter;
import io.graphstreaming.redis.journal.RedisStreamTailer;
import io.graphstreaming.spring.registry.ExecutionSharing;
import io.graphstreaming.spring.registry.GraphRegistry;
import io.graphstreaming.spring.registry.SharedStoreUnavailableException;

/**
 * Shares executions between instances through Redis. Every execution a consumer sees on
 * any instance is a replica ({@link GraphExecution#isReplica()}) fed from the
 * execution's Redis stream; the run itself happens on one instance, its owner, whose
 * {@link RedisJournalWriter} copies the run's journal into the stream. Because the owner's
 * own consumers also read the stream, every consumer everywhere sees only events Redis
 * holds: after the owner is lost, the sequence continues from the stream's last event and
 * nobody has seen an event the stream does not have.
 *
 * <ul>
 * <li><b>Create</b>: the run is created here, recorded in the registry hash with a lease,
 * and starts when the replica's first consumer subscribes (as on one instance).</li>
 * <li><b>Find</b>: an execution created elsewhere gets a replica here, tailing its stream
 * from the oldest event Redis still keeps.</li>
 * <li><b>Cancel</b>: on the owner it cancels the run; elsewhere it records the request in
 * the hash and publishes it on the control channel, and the owner cancels.</li>
 * <li><b>Idempotency keys</b>: what a key started (execution id and input digest) is one
 * string key per scoped key, written with a script that records only when the key holds
 * nothing (or a stale record), so that of two instances racing with one key one wins.</li>
 * <li><b>Leases and takeover</b>: the owner renews its leases every third of the lease
 * duration (taking back a lease that expired while Redis was unreachable). Every instance
 * scans the running set every half lease; after Redis has answered its scans for a whole
 * lease, an execution whose lease has expired is claimed by exactly one instance
 * ({@code SET NX}, with a token unique to the claim that fences every later write), which continues
 * it from its newest checkpoint after the stream's last event (the first new event is
 * {@code CheckpointRestored}), or, without a checkpoint, ends it with
 * {@code ExecutionFailed} ("owner lost").</li>
 * </ul>
 */
public final class RedisExecutionSharing implements ExecutionSharing, AutoCloseable {

	/** The error type of the failure recorded for an execution whose owner was lost. */
	public static final String OWNER_LOST = "OwnerLost";

	private static final System.Logger LOGGER = System.getLogger(RedisExecutionSharing.class.getName());

	private final ExecutionRegistry local;

	private final Supplier<GraphRegistry> graphs;

	private final RedisEventLog log;

	private final RedisStreamTailer tailer;

	private final RedisExecutionDirectory directory;

	private final StatefulRedisPubSubConnection<String, String> pubSub;

	private final RedisSharingSettings settings;

	private final Scheduler timer;

	private final Scheduler blocking;

	private final Map<String, OwnedRun> owned = new ConcurrentHashMap<>();

	private final Set<String> takingOver = ConcurrentHashMap.newKeySet();

	private volatile @Nullable Disposable renewal;

	private volatile @Nullable Disposable scan;

	private volatile boolean stopped;

	/** When Redis last started answering this instance's scans again; -1 while it does not. */
	private volatile long redisAnsweringSince = System.nanoTime() - Duration.ofDays(1).toNanos();

	private int renewalFailures;

	/**
	 * Creates the sharing; {@link #start()} begins lease renewal, takeover scans and the
	 * control subscription.
	 * @param local this instance's execution registry
	 * @param graphs this instance's graphs (resolved lazily: the graph registry is built
	 * with this sharing)
	 * @param log the events' streams
	 * @param tailer the live tails
	 * @param directory the registry hash and leases
	 * @param pubSub the connection subscribed to the control channel
	 * @param settings the settings
	 * @param timer schedules renewals, scans and retries
	 * @param blocking runs takeovers, which wait for Redis and checkpoint stores
	 */
	public RedisExecutionSharing(ExecutionRegistry local, Supplier<GraphRegistry> graphs, RedisEventLog log,
			RedisStreamTailer tailer, RedisExecutionDirectory directory,
			StatefulRedisPubSubConnection<String, String> pubSub, RedisSharingSettings settings, Scheduler timer,
			Scheduler blocking) {
		this.local = Objects.requireNonNull(local, "local");
		this.graphs = Objects.requireNonNull(graphs, "graphs");
		this.log = Objects.requireNonNull(log, "log");
		this.tailer = Objects.requireNonNull(tailer, "tailer");
		this.directory = Objects.requireNonNull(directory, "directory");
		this.pubSub = Objects.requireNonNull(pubSub, "pubSub");
		this.settings = Objects.requireNonNull(settings, "settings");
		this.timer = Objects.requireNonNull(timer, "timer");
		this.blocking = Objects.requireNonNull(blocking, "blocking");
	}

	/**
	 * This instance's id.
	 * @return the id
	 */
	public String instanceId() {
		return this.settings.instanceId();
	}

	/**
	 * Executions whose run this instance owns now.
	 * @return their ids
	 */
	public Set<String> ownedExecutions() {
		return Set.copyOf(this.owned.keySet());
	}

	/**
	 * Subscribes to the control channel and starts lease renewal and takeover scans.
	 */
	public void start() {
		this.pubSub.addListener(new RedisPubSubAdapter<>() {
			@Override
			public void message(String channel, String message) {
				onControl(message);
			}
		});
		await(this.pubSub.async().subscribe(this.log.keys().control()), "subscribe to the control channel");
		long renewEvery = Math.max(100, this.settings.lease().toMillis() / 3);
		this.renewal = this.timer.schedulePeriodically(this::renewLeases, renewEvery, renewEvery,
				TimeUnit.MILLISECONDS);
		long scanEvery = Math.max(100, this.settings.lease().toMillis() / 2);
		this.scan = this.timer.schedulePeriodically(this::scanForLostOwners, scanEvery, scanEvery,
				TimeUnit.MILLISECONDS);
	}

	@Override
	public GraphExecution create(GraphExecutor executor, Map<String, ? extends @Nullable Object> input,
			StreamingExecutionOptions options, @Nullable String owner) {
		return share(executor.name(), executor.createExecution(input, options), options, owner, null);
	}

	@Override
	public GraphExecution resume(GraphExecutor executor, Checkpoint checkpoint, StreamingExecutionOptions options,
			@Nullable String owner) {
		return share(executor.name(), executor.resumeExecution(checkpoint, options), options, owner,
				checkpoint.checkpointId());
	}

	private GraphExecution share(String graphId, GraphExecution run, StreamingExecutionOptions options,
			@Nullable String owner, @Nullable String resumedFrom) {
		String id = run.executionId();
		ExecutionRecord record = new ExecutionRecord(id, graphId, "created", instanceId(), owner, run.createdAt(),
				resumedFrom, null);
		OwnedRun ownedRun = new OwnedRun(run, options, newToken());
		// Recorded before the id is handed out: a client that gets it from this answer may
		// ask any instance for it at once. Without Redis there is no execution to start.
		try {
			await(this.directory.register(record, ownedRun.token, this.settings.lease()), "register execution " + id);
		}
		catch (SharedStoreUnavailableException ex) {
			run.journal().close();
			this.directory.forget(id);
			throw ex;
		}
		ownedRun.registered = CompletableFuture.completedFuture(null);
		this.owned.put(id, ownedRun);
		try {
			return this.local.follow(new SharedExecution(id, graphId, run.createdAt(), owner, resumedFrom, 0),
					options, new Feed(id), true);
		}
		catch (RuntimeException ex) {
			this.owned.remove(id);
			run.journal().close();
			this.directory.forget(id);
			throw ex;
		}
	}

	@Override
	public Optional<GraphExecution> find(String executionId) {
		Optional<GraphExecution> known = this.local.lookup(executionId);
		if (known.isPresent()) {
			return known;
		}
		ExecutionRecord record = await(this.directory.find(executionId), "find execution " + executionId);
		if (record == null) {
			return Optional.empty();
		}
		GraphRegistry registry = this.graphs.get();
		if (!registry.graphIds().contains(record.graphId())) {
			return Optional.empty();
		}
		// what the stream holds now goes into the replica before anyone sees it: a resume
		// after any of those sequences, or a status, is answered at once
		List<GraphExecutionEvent> recorded = await(this.log.all(executionId), "read execution " + executionId);
		boolean ended = !"created".equals(record.status()) && !"running".equals(record.status());
		if (ended && (recorded.isEmpty() || !recorded.get(recorded.size() - 1).isTerminal())) {
			// its stream expired before its record: nothing left to serve
			return Optional.empty();
		}
		long startAfter = recorded.isEmpty() ? 0 : recorded.get(0).sequence() - 1;
		SharedExecution shared = new SharedExecution(executionId, record.graphId(), record.createdAt(),
				record.owner(), record.resumedFrom(), startAfter);
		GraphExecution replica = this.local.follow(shared, registry.options(record.graphId()), new Feed(executionId),
				false, recorded);
		return Optional.of(replica.start());
	}

	@Override
	public void includeRunningExecutions() {
		Set<String> running = await(this.directory.running(), "list running executions");
		for (String id : running) {
			if (this.local.lookup(id).isEmpty()) {
				find(id);
			}
		}
	}

	@Override
	public Optional<KeyedStart> recordedStart(String key) {
		String recorded = await(this.directory.recordedStart(key), "find an Idempotency-Key");
		return Optional.ofNullable(recorded).map(RedisExecutionSharing::keyedStart);
	}

	@Override
	public KeyedStart recordStart(String key, KeyedStart start, @Nullable KeyedStart replacing, Duration ttl) {
		String recorded = await(this.directory.recordStart(key, encode(start),
				(replacing != null) ? encode(replacing) : null, ttl), "record an Idempotency-Key");
		return keyedStart(recorded);
	}

	private static String encode(KeyedStart start) {
		return start.executionId() + ' ' + start.inputDigest();
	}

	private static KeyedStart keyedStart(String recorded) {
		int space = recorded.lastIndexOf(' ');
		return new KeyedStart(recorded.substring(0, space), recorded.substring(space + 1));
	}

	private void onControl(String message) {
		ControlMessage control = ControlMessage.decode(message);
		if (control == null || !ControlMessage.CANCEL.equals(control.type())) {
			return;
		}
		OwnedRun run = this.owned.get(control.executionId());
		if (run != null) {
			run.cancel(control.reason());
		}
	}

	private void renewLeases() {
		if (this.stopped || this.owned.isEmpty()) {
			return;
		}
		Map<String, String> tokens = new LinkedHashMap<>();
		Map<String, OwnedRun> runs = new LinkedHashMap<>();
		this.owned.forEach((id, run) -> {
			tokens.put(id, run.token);
			runs.put(id, run);
		});
		List<String> ids = new ArrayList<>(tokens.keySet());
		this.directory.renew(tokens, this.settings.lease()).whenComplete((renewed, error) -> {
			if (error != null) {
				redisFailed();
				if (this.renewalFailures++ == 0) {
					LOGGER.log(System.Logger.Level.WARNING, "Renewing the leases of " + ids.size()
							+ " executions failed (" + error + "); they go back to this instance when Redis answers "
							+ "again, unless it stays unreachable so long that others take them over");
				}
				return;
			}
			this.renewalFailures = 0;
			for (int i = 0; i < ids.size(); i++) {
				String id = ids.get(i);
				OwnedRun run = runs.get(id);
				if (this.owned.get(id) != run) {
					continue;
				}
				if (renewed.get(i)) {
					this.log.touch(id, run.options.journalRetention());
					// a cancel whose message this instance missed (pub/sub delivers at most once)
					this.directory.cancelRequest(id).thenAccept((reason) -> {
						if (reason != null && this.owned.get(id) == run) {
							run.cancel(reason);
						}
					});
				}
				else if (run.registered.isDone()) {
					lostLease(id, run);
				}
			}
		});
	}

	/**
	 * Another instance took the execution over (this one stopped renewing for longer than
	 * the lease, for example in a long pause): this run stops writing, so the stream has
	 * one writer.
	 */
	private void lostLease(String id, OwnedRun run) {
		if (this.owned.remove(id, run)) {
			LOGGER.log(System.Logger.Level.WARNING, "Instance " + instanceId() + " stops execution " + id
					+ ": its lease is another instance's, or its stream is not what this instance wrote (Redis lost"
					+ " writes); an instance continues it from the stream as it is");
			run.abandon();
			// if the lease is still this run's (a broken stream), give it up now, for a prompt takeover
			this.directory.release(id, run.token);
		}
	}

	private void scanForLostOwners() {
		if (this.stopped) {
			return;
		}
		this.directory.running().whenComplete((running, error) -> {
			if (error != null || running == null) {
				redisFailed();
				return;
			}
			if (!redisSteady()) {
				// a lease that expired while Redis was unreachable is its owner's to take back
				// first (its renewal does within a third of a lease): no claims until Redis has
				// answered for a whole lease
				return;
			}
			for (String id : running) {
				if (this.owned.containsKey(id) || this.takingOver.contains(id)) {
					continue;
				}
				String token = newToken();
				this.directory.leased(id)
					.thenCompose((leased) -> leased ? CompletableFuture.completedFuture(false)
							: this.directory.claim(id, token, this.settings.lease()))
					.whenComplete((claimed, claimError) -> {
						if (claimError == null && Boolean.TRUE.equals(claimed) && this.takingOver.add(id)) {
							this.blocking.schedule(() -> {
								try {
									takeOver(id, token);
								}
								catch (RuntimeException ex) {
									LOGGER.log(System.Logger.Level.ERROR, "Taking over execution " + id + " failed",
											ex);
									this.directory.release(id, token);
								}
								finally {
									this.takingOver.remove(id);
								}
							});
						}
					});
			}
		});
	}

	private void takeOver(String id, String token) {
		ExecutionRecord record = await(this.directory.find(id), "find execution " + id);
		if (record == null) {
			// its hash expired: nothing left to continue
			await(this.directory.finished(id, "failed", Instant.now(), Duration.ofSeconds(1)), "forget " + id);
			return;
		}
		GraphRegistry registry = this.graphs.get();
		if (!registry.graphIds().contains(record.graphId())) {
			LOGGER.log(System.Logger.Level.INFO, "Execution " + id + " of graph '" + record.graphId()
					+ "' lost its owner, but this instance does not have that graph; leaving it to one that does");
			await(this.directory.release(id, token), "release " + id);
			return;
		}
		GraphExecutor executor = registry.executor(record.graphId());
		StreamingExecutionOptions options = registry.options(record.graphId());
		GraphExecutionEvent last = await(this.log.last(id), "read execution " + id);
		long head = (last != null) ? last.sequence() : 0;
		if (last != null && last.isTerminal()) {
			// the owner wrote the end but died before recording it
			finish(id, last, options, token);
			return;
		}
		Instant now = Instant.now();
		Duration elapsed = Duration.between(record.createdAt(), now);
		String reason = record.cancelRequested();
		if (reason != null) {
			endForOwner(new ExecutionCancelledEvent(id, record.graphId(), head + 1, now, elapsed, null, reason),
					options, token);
			return;
		}
		CheckpointStore store = executor.checkpointStore();
		// the newest checkpoint whose events are all in the stream: the owner may have
		// saved a newer one before its writer got the events up to it into Redis
		Checkpoint checkpoint = (store != null && head > 0) ? store.list(id)
			.filter((candidate) -> candidate.sequence() <= head)
			.reduce((older, newer) -> (newer.sequence() >= older.sequence()) ? newer : older)
			.block(this.settings.lookupTimeout()) : null;
		if (checkpoint == null) {
			LOGGER.log(System.Logger.Level.WARNING, "Execution " + id + " lost its owner (instance "
					+ record.instance() + ") and has no checkpoint; it ends as failed");
			endForOwner(new ExecutionFailedEvent(id, record.graphId(), head + 1, now, elapsed, null, OWNER_LOST,
					"owner lost: instance " + record.instance()
							+ " stopped renewing its lease and the execution has no checkpoint to continue from"),
					options, token);
			return;
		}
		GraphExecution run = executor.continueExecution(id, checkpoint, options, head);
		await(this.directory.owner(id, instanceId()), "record the new owner of " + id);
		OwnedRun ownedRun = new OwnedRun(run, options, token);
		ownedRun.registered = CompletableFuture.completedFuture(null);
		this.owned.put(id, ownedRun);
		LOGGER.log(System.Logger.Level.INFO, "Instance " + instanceId() + " took over execution " + id + " from "
				+ record.instance() + " after sequence " + head + ", from checkpoint " + checkpoint.checkpointId());
		ownedRun.startWriting();
		// a replica here, so that this instance's shutdown cancels or drains the run like its own
		find(id);
	}

	/** Writes the terminal event of an execution whose owner was lost, then records the end. */
	private void endForOwner(GraphExecutionEvent terminal, StreamingExecutionOptions options, String token) {
		await(this.log.append(terminal, new LeaseFence(token, this.settings.lease()), options.journalMaxEvents(),
				options.journalRetention()), "end execution " + terminal.executionId());
		finish(terminal.executionId(), terminal, options, token);
	}

	private void finish(String id, GraphExecutionEvent terminal, StreamingExecutionOptions options, String token) {
		retrying(() -> this.directory
			.finished(id, statusOf(terminal), terminal.timestamp(), options.journalRetention())
			.thenCompose((ignored) -> this.directory.release(id, token)), "record the end of " + id);
	}

	private String newToken() {
		return instanceId() + "/" + UUID.randomUUID();
	}

	private void redisFailed() {
		this.redisAnsweringSince = -1;
	}

	/** Whether Redis has answered this instance's scans for at least a lease. */
	private boolean redisSteady() {
		long since = this.redisAnsweringSince;
		long now = System.nanoTime();
		if (since < 0) {
			this.redisAnsweringSince = now;
			return false;
		}
		return now - since >= this.settings.lease().toNanos();
	}

	private static String statusOf(GraphExecutionEvent terminal) {
		if (terminal instanceof ExecutionCompletedEvent) {
			return "completed";
		}
		return (terminal instanceof ExecutionFailedEvent) ? "failed" : "cancelled";
	}

	private CompletableFuture<Void> retrying(Supplier<CompletionStage<?>> action, String what) {
		return Mono.defer(() -> Mono.fromCompletionStage(action.get()))
			.retryWhen(Retry.backoff(Long.MAX_VALUE, this.settings.minRetryDelay())
				.maxBackoff(this.settings.maxRetryDelay())
				.doBeforeRetry((signal) -> {
					if (signal.totalRetries() == 0) {
						LOGGER.log(System.Logger.Level.WARNING,
								"Redis failed to " + what + " (" + signal.failure() + "); retrying");
					}
				}))
			.then()
			.toFuture();
	}

	private <T> T await(CompletionStage<T> stage, String what) {
		try {
			return stage.toCompletableFuture().get(this.settings.lookupTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SharedStoreUnavailableException("Interrupted while waiting for Redis to " + what, ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new SharedStoreUnavailableException("Redis did not " + what + " within " + this.settings.lookupTimeout(),
					(ex.getCause() != null) ? ex.getCause() : ex);
		}
	}

	/**
	 * Stops renewing and scanning. Runs this instance still owns keep their leases until
	 * they expire (a graceful shutdown has cancelled or drained them before).
	 */
	@Override
	public void close() {
		this.stopped = true;
		Disposable current = this.renewal;
		if (current != null) {
			current.dispose();
		}
		current = this.scan;
		if (current != null) {
			current.dispose();
		}
		this.tailer.close();
	}

	/**
	 * A run this instance owns, and the writer that copies its journal to Redis.
	 */
	private final class OwnedRun {

		final GraphExecution run;

		final StreamingExecutionOptions options;

		final String token;

		volatile CompletableFuture<Void> registered = new CompletableFuture<>();

		private volatile boolean abandoned;

		private final AtomicBoolean writing = new AtomicBoolean();

		private volatile @Nullable RedisJournalWriter writer;

		/**
		 * The sequence the writer copies after: the journal's head before the run wrote
		 * anything (0, or the stream's last event for a takeover), so that a run cancelled
		 * before it started still has its ExecutionCancelled copied.
		 */
		private final long writeAfter;

		OwnedRun(GraphExecution run, StreamingExecutionOptions options, String token) {
			this.run = run;
			this.options = options;
			this.token = token;
			this.writeAfter = run.journal().head();
		}

		/** Starts the run (if idle) by attaching the writer; idempotent. */
		void startWriting() {
			if (!this.writing.compareAndSet(false, true)) {
				return;
			}
			this.registered.whenComplete((ignored, error) -> {
				String id = this.run.executionId();
				RedisJournalWriter created = new RedisJournalWriter(id, RedisExecutionSharing.this.log,
						this.options.journalMaxEvents(), this.options.journalRetention(),
						Math.max(1, this.options.maxBufferSize()), RedisExecutionSharing.this.settings.minRetryDelay(),
						RedisExecutionSharing.this.settings.maxRetryDelay(), RedisExecutionSharing.this.timer,
						new LeaseFence(this.token, RedisExecutionSharing.this.settings.lease()), this::written,
						() -> lostLease(id, this));
				this.writer = created;
				RedisExecutionSharing.this.directory.started(id, Instant.now());
				ConsumerSpec spec = new ConsumerSpec(this.writeAfter, EventFilter.all(), OverflowPolicy.BLOCK,
						Math.max(1, this.options.maxBufferSize()), Math.max(1, this.options.maxBufferSize()), 1,
						this.options.producerFlushInterval(), RedisExecutionSharing.this.timer, ConsumerListener.NONE);
				this.run.entries(spec).subscribe(created);
			});
		}

		void cancel(String reason) {
			// cancel first: an execution still waiting for its first consumer ends at once,
			// without starting; the writer then records its ExecutionCancelled
			this.run.cancel(reason);
			startWriting();
		}

		private void written(GraphExecutionEvent terminal) {
			if (this.abandoned) {
				return;
			}
			String id = this.run.executionId();
			RedisExecutionSharing.this.owned.remove(id, this);
			finish(id, terminal, this.options, this.token);
			this.run.journal().close();
		}

		/** Stops writing without a terminal event: another instance owns the run now. */
		void abandon() {
			this.abandoned = true;
			RedisJournalWriter current = this.writer;
			if (current != null) {
				current.dispose();
			}
			this.run.cancel("lease lost to another instance");
			this.run.journal().close();
		}

	}

	/**
	 * A replica's feed: the execution's Redis stream. On the owner, subscribing also starts
	 * the run (through its writer), so an execution still starts with its first consumer.
	 */
	private final class Feed implements ExecutionFeed {

		private final String executionId;

		Feed(String executionId) {
			this.executionId = executionId;
		}

		@Override
		public Flux<GraphExecutionEvent> events(long afterSequence) {
			return Flux.defer(() -> {
				OwnedRun run = RedisExecutionSharing.this.owned.get(this.executionId);
				if (run != null) {
					run.startWriting();
				}
				RedisEventLog events = RedisExecutionSharing.this.log;
				return RedisExecutionSharing.this.tailer
					.tail(events.keys().events(this.executionId), this.executionId, afterSequence)
					.map(events::decode)
					.takeUntil(GraphExecutionEvent::isTerminal);
			});
		}

		@Override
		public boolean cancel(String reason) {
			OwnedRun run = RedisExecutionSharing.this.owned.get(this.executionId);
			RedisExecutionDirectory registry = RedisExecutionSharing.this.directory;
			if (run != null) {
				// recorded too: an instance taking over honours it if this one dies first
				registry.cancelRequested(this.executionId, reason);
				run.cancel(reason);
				return true;
			}
			registry.cancelRequested(this.executionId, reason)
				.thenCompose((ignored) -> registry.publishCancel(this.executionId, reason))
				.whenComplete((ignored, error) -> {
					if (error != null) {
						LOGGER.log(System.Logger.Level.WARNING,
								"Could not send the cancel of execution " + this.executionId + " to its owner: " + error);
					}
				});
			return true;
		}

		@Override
		public boolean runsHere() {
			return RedisExecutionSharing.this.owned.containsKey(this.executionId);
		}

	}

}
