package io.graphstreaming.redis.journal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.scheduler.Scheduler;

import io.graphstreaming.core.event.GraphExecutionEvent;
import io.graphstreaming.core.journal.JournalEntry;

/**
 * Copies one running execution's journal into its Redis stream. It is a lossless
 * consumer of the local journal (the {@code block} policy): it asks for more events only
 * once Redis has acknowledged the previous ones, so when Redis is slow or down the
 * local journal fills up to {@code maxBufferSize} and the execution pauses at its next
 * event, and nothing is dropped. Writes are batched naturally: everything that arrived
 * while a batch was in flight goes out, pipelined, in the next one.
 *
 * <p>Every batch is fenced by the execution's lease ({@link LeaseFence}): when another
 * instance holds it, the writer stops at once and says so, rather than retrying.
 *
 * <p>A failed batch is retried (the same entries, so Redis's id check makes the retry
 * idempotent) with a delay that doubles from {@code minRetryDelay} to
 * {@code maxRetryDelay}, for as long as it takes.
 */
public final class RedisJournalWriter extends BaseSubscriber<JournalEntry> {

	private static final System.Logger LOGGER = System.getLogger(RedisJournalWriter.class.getName());

	private final String executionId;

	private final RedisEventLog log;

	private final int maxLength;

	private final Duration retention;

	private final int window;

	private final RetryBackoff backoff;

	private final Scheduler timer;

	private final Consumer<GraphExecutionEvent> terminalWritten;

	private final LeaseFence fence;

	private final Runnable leaseLost;

	private final ArrayDeque<JournalEntry> pending = new ArrayDeque<>();

	private boolean inFlight;

	private int failures;

	private volatile long written;

	/**
	 * Set by {@link #dispose()} (and a cancel): not {@link #isDisposed()}, which a
	 * {@link BaseSubscriber} also reports once its upstream has completed, that is as soon
	 * as the run has produced its terminal event, while entries may still wait here.
	 */
	private volatile boolean stopped;

	/**
	 * Creates a writer; subscribe it to the execution's entries.
	 * @param executionId the execution
	 * @param log the Redis log
	 * @param maxLength about how many entries its stream keeps
	 * @param retention how long its stream lives after the last write
	 * @param window entries requested ahead of Redis's acknowledgements
	 * @param minRetryDelay first delay after a failed write
	 * @param maxRetryDelay longest delay between retries
	 * @param timer schedules retries
	 * @param fence the lease this writer writes under
	 * @param terminalWritten told once the terminal event is in Redis
	 * @param leaseLost told (once, instead of retrying) when another instance holds the
	 * lease: the writer stops
	 */
	public RedisJournalWriter(String executionId, RedisEventLog log, int maxLength, Duration retention, int window,
			Duration minRetryDelay, Duration maxRetryDelay, Scheduler timer, LeaseFence fence,
			Consumer<GraphExecutionEvent> terminalWritten, Runnable leaseLost) {
		this.fence = Objects.requireNonNull(fence, "fence");
		this.leaseLost = Objects.requireNonNull(leaseLost, "leaseLost");
		this.executionId = Objects.requireNonNull(executionId, "executionId");
		this.log = Objects.requireNonNull(log, "log");
		this.maxLength = maxLength;
		this.retention = retention;
		this.window = window;
		this.backoff = new RetryBackoff(minRetryDelay, maxRetryDelay);
		this.timer = timer;
		this.terminalWritten = terminalWritten;
	}

	/**
	 * The sequence of the newest event Redis has acknowledged.
	 * @return the sequence, 0 before the first
	 */
	public long written() {
		return this.written;
	}

	@Override
	protected void hookOnSubscribe(Subscription subscription) {
		subscription.request(this.window);
	}

	@Override
	protected void hookOnNext(JournalEntry entry) {
		synchronized (this.pending) {
			this.pending.add(entry);
		}
		flush();
	}

	private void flush() {
		List<JournalEntry> batch;
		synchronized (this.pending) {
			if (this.inFlight || this.pending.isEmpty() || this.stopped) {
				return;
			}
			this.inFlight = true;
			batch = new ArrayList<>(this.pending);
		}
		this.log.append(this.executionId, batch, this.fence, this.maxLength, this.retention)
			.whenComplete((ignored, error) -> {
			if (error != null) {
				Throwable cause = (error instanceof CompletionException) ? error.getCause() : error;
				if (cause instanceof LeaseLostException) {
					dispose();
					this.leaseLost.run();
				}
				else {
					retryLater(error);
				}
				return;
			}
			if (this.failures > 0) {
				LOGGER.log(System.Logger.Level.INFO, "Redis accepts the events of execution " + this.executionId
						+ " again after " + this.failures + " failed attempts");
			}
			this.failures = 0;
			JournalEntry newest = batch.get(batch.size() - 1);
			this.written = newest.sequence();
			synchronized (this.pending) {
				for (int i = 0; i < batch.size(); i++) {
					this.pending.poll();
				}
				this.inFlight = false;
			}
			if (newest.event().isTerminal()) {
				this.terminalWritten.accept(newest.event());
				return;
			}
			request(batch.size());
			flush();
		});
	}

	private void retryLater(Throwable error) {
		if (this.stopped) {
			return;
		}
		int failure = ++this.failures;
		if (failure == 1) {
			LOGGER.log(System.Logger.Level.WARNING, "Writing the events of execution " + this.executionId
					+ " to Redis failed (" + error + "); the execution pauses while retrying");
		}
		long delay = this.backoff.millisAfter(failure);
		this.timer.schedule(() -> {
			synchronized (this.pending) {
				this.inFlight = false;
			}
			flush();
		}, delay, TimeUnit.MILLISECONDS);
	}

	/**
	 * Stops the writer: nothing more is written or retried, even after the run's entries
	 * have all arrived.
	 */
	@Override
	public void dispose() {
		this.stopped = true;
		super.dispose();
	}

	@Override
	protected void hookOnCancel() {
		this.stopped = true;
	}

	@Override
	protected void hookOnError(Throwable error) {
		LOGGER.log(System.Logger.Level.ERROR, "The journal of execution " + this.executionId
				+ " failed; its Redis stream stops at sequence " + this.written, error);
	}

}
