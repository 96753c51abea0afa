package io.graphstreaming.core.journal;

/**
 * Told what happens to one consumer of a journal: its buffering state and its losses
 * under a drop policy. Called on whichever thread observed the change; keep it quick.
 */
public interface ConsumerListener {

	/** A listener that ignores everything. */
	ConsumerListener NONE = new ConsumerListener() {
	};

	/**
	 * The consumer started or stopped lagging by more than its buffer size.
	 * @param buffering {@code true} when it is now behind by more than the buffer size
	 */
	default void onBuffering(boolean buffering) {
	}

	/**
	 * The consumer lost events under a drop policy.
	 * @param count how many events matching its filter were dropped
	 */
	default void onDropped(long count) {
	}

	/**
	 * The consumer's lag reached a new maximum.
	 * @param lag events not yet delivered
	 */
	default void onLagHighWaterMark(long lag) {
	}

}
