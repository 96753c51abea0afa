package io.graphstreaming.sample;

import io.graphstreaming.core.graph.GraphState;

/**
 * The settings of one {@code synthetic} run, read from its input. Every key is optional;
 * values must be whole JSON numbers (a number such as {@code 5.0} counts as 5) within the
 * documented range, otherwise reading fails with an {@link IllegalArgumentException}
 * naming the key, the allowed range and the value received.
 *
 * @param nodes how many node executions the chain performs, 1 to {@value #MAX_NODES}
 * (default 5)
 * @param delayMs how long each node takes, 0 to {@value #MAX_DELAY_MS} (default 0)
 * @param payloadBytes the size of the {@code payload} string each node writes, 0 to
 * {@value #MAX_PAYLOAD_BYTES} (default 0: no payload)
 * @param failAt the 0-based index of the chain's node execution that fails, 0 to
 * {@value #MAX_NODES}, or -1 when none does (absent or null)
 * @param chunks how many {@code NodeOutputChunk} events each node emits, 0 to
 * {@value #MAX_CHUNKS} (default 0)
 * @param parallel how many branches run at once after the chain, 0 to
 * {@value #MAX_PARALLEL} (default 0: none)
 * @param retries how many times each step, branch and loop node fails before it
 * succeeds, 0 to {@value #MAX_RETRIES} (default 0)
 * @param loop how many iterations the cycle after the chain (and branches) runs, 0 to
 * {@value #MAX_LOOP} (default 0: none)
 */
record SyntheticInput(int nodes, long delayMs, int payloadBytes, int failAt, int chunks, int parallel, int retries,
		int loop) {

	/** The most node executions a chain may ask for. */
	static final int MAX_NODES = 1_000_000;

	/** The longest per-node delay, one hour. */
	static final long MAX_DELAY_MS = 3_600_000;

	/** The largest per-node payload, 10 MiB. */
	static final int MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

	/** The most chunks per node. */
	static final int MAX_CHUNKS = 1_000_000;

	/** The widest fan-out: the graph has this many branch nodes. */
	static final int MAX_PARALLEL = 32;

	/** The most failures per node before it succeeds. */
	static final int MAX_RETRIES = 5;

	/** The most iterations of the cycle. */
	static final int MAX_LOOP = 1000;

	/** The {@code failAt} value meaning "no node fails". */
	static final int NO_FAILURE = -1;

	/**
	 * Reads the settings from the state (the run's input).
	 * @param state the state
	 * @return the settings
	 * @throws IllegalArgumentException for a value of the wrong type or out of range
	 */
	static SyntheticInput from(GraphState state) {
		int nodes = (int) InputValues.wholeNumber(state, "nodes", 5, 1, MAX_NODES);
		long delayMs = InputValues.wholeNumber(state, "delayMs", 0, 0, MAX_DELAY_MS);
		int payloadBytes = (int) InputValues.wholeNumber(state, "payloadBytes", 0, 0, MAX_PAYLOAD_BYTES);
		int failAt = (int) InputValues.wholeNumber(state, "failAt", NO_FAILURE, 0, MAX_NODES);
		int chunks = (int) InputValues.wholeNumber(state, "chunks", 0, 0, MAX_CHUNKS);
		int parallel = (int) InputValues.wholeNumber(state, "parallel", 0, 0, MAX_PARALLEL);
		int retries = (int) InputValues.wholeNumber(state, "retries", 0, 0, MAX_RETRIES);
		int loop = (int) InputValues.wholeNumber(state, "loop", 0, 0, MAX_LOOP);
		return new SyntheticInput(nodes, delayMs, payloadBytes, failAt, chunks, parallel, retries, loop);
	}

	/**
	 * Whether the chain's node execution at an index fails.
	 * @param index the 0-based index of the node execution
	 * @return {@code true} if {@code failAt} names it
	 */
	boolean failsAt(int index) {
		return this.failAt == index;
	}

}
