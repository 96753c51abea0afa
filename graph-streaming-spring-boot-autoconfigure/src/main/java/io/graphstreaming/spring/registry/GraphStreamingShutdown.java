package io.graphstreaming.spring.registry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.springframework.context.SmartLifecycle;

import io.graphstreaming.core.execution.ExecutionRegistry;

/**
 * Ends the application's executions when it stops, so that every open stream gets its
 * terminal event before the web server closes its connections.
 *
 * <p>On stop, the registry first refuses new executions (transports answer 503). Then,
 * in {@link ShutdownMode#CANCEL} mode, every running execution is cancelled with the
 * reason {@value ExecutionRegistry#SHUTDOWN_REASON}; in {@link ShutdownMode#DRAIN} mode,
 * running executions may finish within the grace period, and those still running after
 * it are cancelled. Last, the stop waits (at most {@link #STREAMS_TIMEOUT}) until the
 * open streams counted by the transports have written their terminal events and ended.
 * The execution registry's own {@code close()}, when the context destroys it, then
 * releases the journals' spill files.
 *
 * <p>It stops in phase {@link #PHASE}, before Spring Boot's graceful shutdown of the web
 * server ({@code WebServerGracefulShutdownLifecycle}, phase
 * {@code SmartLifecycle.DEFAULT_PHASE - 1024}) and the server's stop (a further 1024
 * lower), while connections are still open. The stop is synchronous: it holds the
 * closing thread for at most the grace period plus {@link #STREAMS_TIMEOUT}, regardless of
 * {@code spring.lifecycle.timeout-per-shutdown-phase}. A context pause (Spring Framework
 * 7's {@code ConfigurableApplicationContext.pause()}) leaves it running.
 */
public class GraphStreamingShutdown implements SmartLifecycle {

	/** Stops before the web server's graceful shutdown (phase {@code DEFAULT_PHASE - 1024}). */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	/** The longest wait for open streams to end after their executions ended. */
	public static final Duration STREAMS_TIMEOUT = Duration.ofSeconds(10);

	private static final System.Logger logger = System.getLogger(GraphStreamingShutdown.class.getName());

	private static final long POLL_MILLIS = 10;

	private final ExecutionRegistry executions;

	private final ShutdownMode mode;

	private final Duration gracePeriod;

	private final IntSupplier openStreams;

	private volatile boolean running;

	/**
	 * Creates the shutdown.
	 * @param executions the registry whose executions end at shutdown
	 * @param mode cancel at once, or drain first
	 * @param gracePeriod how long {@link ShutdownMode#DRAIN} lets executions run; not
	 * negative
	 * @param openStreams streams open now (for example the transports' stream limiter's
	 * count); the stop waits for it to reach 0 after the executions ended
	 */
	public GraphStreamingShutdown(ExecutionRegistry executions, ShutdownMode mode, Duration gracePeriod,
			IntSupplier openStreams) {
		this.executions = Objects.requireNonNull(executions, "executions");
		this.mode = Objects.requireNonNull(mode, "mode");
		Objects.requireNonNull(gracePeriod, "gracePeriod");
		if (gracePeriod.isNegative()) {
			throw new IllegalArgumentException("gracePeriod must not be negative but was " + gracePeriod);
		}
		this.gracePeriod = gracePeriod;
		this.openStreams = Objects.requireNonNull(openStreams, "openStreams");
	}

	/**
	 * Marks the lifecycle running; after a {@link #stop()} (an application context
	 * stopped and started again) the registry accepts new executions again.
	 */
	@Override
	public void start() {
		this.executions.acceptNewExecutions();
		this.running = true;
	}

	/**
	 * Refuses new executions, drains or cancels the running ones, and waits for the open
	 * streams to end; see the class description.
	 */
	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.executions.refuseNewExecutions();
		if (this.mode == ShutdownMode.DRAIN && !this.executions.awaitTermination(this.gracePeriod)) {
			logger.log(System.Logger.Level.INFO, "Executions still running after the shutdown grace period of "
					+ this.gracePeriod + " are cancelled");
		}
		int cancelled = this.executions.cancelAll(ExecutionRegistry.SHUTDOWN_REASON);
		if (cancelled > 0) {
			logger.log(System.Logger.Level.INFO, "Cancelled " + cancelled + " running executions at shutdown");
		}
		awaitStreamsEnded();
	}

	private void awaitStreamsEnded() {
		long deadline = System.nanoTime() + STREAMS_TIMEOUT.toNanos();
		while (this.openStreams.getAsInt() > 0) {
			if (System.nanoTime() - deadline > 0) {
				logger.log(System.Logger.Level.WARNING, this.openStreams.getAsInt()
						+ " streams were still open " + STREAMS_TIMEOUT + " after their executions ended");
				return;
			}
			try {
				TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * Not stopped when the context pauses (as Spring's test context cache pauses the
	 * contexts it keeps): a pause must not cancel executions.
	 * @return {@code false}
	 */
	@Override
	public boolean isPauseable() {
		return false;
	}

	/**
	 * The mode.
	 * @return cancel or drain
	 */
	public ShutdownMode mode() {
		return this.mode;
	}

	/**
	 * The grace period of {@link ShutdownMode#DRAIN}.
	 * @return the grace period
	 */
	public Duration gracePeriod() {
		return this.gracePeriod;
	}

}
