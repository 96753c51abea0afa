package io.graphstreaming.spring.registry;

/**
 * What happens to an execution when its last streaming consumer disconnects.
 */
public enum DisconnectPolicy {

	/** The execution runs on; a consumer may resume it while its journal is retained. */
	CONTINUE,

	/** The execution is cancelled and ends with {@code ExecutionCancelled}. */
	CANCEL

}
