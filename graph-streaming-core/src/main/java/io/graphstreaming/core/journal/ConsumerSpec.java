package io.graphstreaming.core.journal;

import java.time.Duration;
import java.util.Objects;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.graphstreaming.core.event.EventFilter;
import io.graphstreaming.core.options.OverflowPolicy;
import io.graphstreaming.core.options.StreamingExecutionOptions;

/**
 * What one consumer of a journal wants: where to start, what to receive, how to behave
 * when it falls behind and how events are grouped before they reach it.
 *
 * @param afterSequence deliver events with a sequence greater than this (0 for all)
 * @param filter the events this consumer receives
 * @param overflowPolicy what happens when the consumer is {@code maxBufferSize} behind
 * @param bufferSize lag above which the consumer's status is {@code BUFFERING}
 * @param maxBufferSize lag at which the overflow policy acts
 * @param producerBatchSize events gathered before they are delivered (1: none)
 * @param producerFlushInterval longest wait of a partial batch
 * @param timer the scheduler for flush timers
 * @param listener told of the consumer's status and losses
 */
public record ConsumerSpec(long afterSequence, EventFilter filter, OverflowPolicy overflowPolicy, int bufferSize,
		int maxBufferSize, int producerBatchSize, Duration producerFlushInterval, Scheduler timer,
		ConsumerListener listener) {

	public ConsumerSpec {
		if (afterSequence < 0) {
			throw new IllegalArgumentException("afterSequence must be >= 0 but was " + afterSequence);
		}
		Objects.requireNonNull(filter, "filter");
		Objects.requireNonNull(overflowPolicy, "overflowPolicy");
		Objects.requireNonNull(producerFlushInterval, "producerFlushInterval");
		Objects.requireNonNull(timer, "timer");
		Objects.requireNonNull(listener, "listener");
		if (bufferSize <= 0 || maxBufferSize < bufferSize) {
			throw new IllegalArgumentException(
					"need 0 < bufferSize <= maxBufferSize but got " + bufferSize + " and " + maxBufferSize);
		}
		if (producerBatchSize <= 0) {
			throw new IllegalArgumentException("producerBatchSize must be strictly positive");
		}
	}

	/**
	 * A consumer spec taking its buffers, policy and batching from execution options.
	 * @param options the options
	 * @param afterSequence where to start
	 * @param filter what to receive
	 * @return the spec, with no listener and the parallel scheduler as timer
	 */
	public static ConsumerSpec of(StreamingExecutionOptions options, long afterSequence, EventFilter filter) {
		return new ConsumerSpec(afterSequence, filter, options.overflowPolicy(), options.bufferSize(),
				options.maxBufferSize(), options.producerBatchSize(), options.producerFlushInterval(),
				Schedulers.parallel(), ConsumerListener.NONE);
	}

	/**
	 * A copy with another listener.
	 * @param newListener the listener
	 * @return the new spec
	 */
	public ConsumerSpec withListener(ConsumerListener newListener) {
		return new ConsumerSpec(this.afterSequence, this.filter, this.overflowPolicy, this.bufferSize,
				this.maxBufferSize, this.producerBatchSize, this.producerFlushInterval, this.timer, newListener);
	}

	/**
	 * A copy with another timer scheduler.
	 * @param newTimer the scheduler
	 * @return the new spec
	 */
	public ConsumerSpec withTimer(Scheduler newTimer) {
		return new ConsumerSpec(this.afterSequence, this.filter, this.overflowPolicy, this.bufferSize,
				this.maxBufferSize, this.producerBatchSize, this.producerFlushInterval, newTimer, this.listener);
	}

}
