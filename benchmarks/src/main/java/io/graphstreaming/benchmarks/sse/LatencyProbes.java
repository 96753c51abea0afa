package io.graphstreaming.benchmarks.sse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Emission times of the events of in-process load runs, so that a client in the same JVM
 * measures each event's latency from the moment the producer emitted it to the moment
 * its last byte arrived (both on {@link System#nanoTime()}). A producer records into the
 * probe named by its request; requests without a probe record nothing.
 */
public final class LatencyProbes {

	private static final Map<String, long[]> PROBES = new ConcurrentHashMap<>();

	private LatencyProbes() {
	}

	/**
	 * Creates a probe for {@code events} events.
	 * @param id the probe's id, passed to the server with the request
	 * @param events the number of events
	 * @return the emission times, indexed by event
	 */
	public static long[] register(String id, int events) {
		long[] times = new long[events];
		PROBES.put(id, times);
		return times;
	}

	/**
	 * Removes a probe.
	 * @param id the probe's id
	 */
	public static void remove(String id) {
		PROBES.remove(id);
	}

	/**
	 * The probe of a request.
	 * @param id the id, or {@code null}
	 * @return the emission times, or {@code null} when there is no such probe
	 */
	public static long @Nullable [] find(@Nullable String id) {
		return (id != null) ? PROBES.get(id) : null;
	}

}
