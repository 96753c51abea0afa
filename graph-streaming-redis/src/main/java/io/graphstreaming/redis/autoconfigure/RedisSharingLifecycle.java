package io.graphstreaming.redis.autoconfigure;

import org.springframework.context.SmartLifecycle;

import io.graphstreaming.redis.registry.RedisExecutionSharing;
import io.graphstreaming.spring.registry.GraphStreamingShutdown;

/**
 * Starts lease renewal, takeover scans and the control subscription once the context is
 * ready, and stops them last: after {@link GraphStreamingShutdown} has cancelled or
 * drained this instance's runs and the web server has stopped. Renewal must outlive the
 * drain, or other instances would take over runs that are still finishing here.
 */
class RedisSharingLifecycle implements SmartLifecycle {

	static final int PHASE = GraphStreamingShutdown.PHASE - 4096;

	private final RedisExecutionSharing sharing;

	private volatile boolean running;

	RedisSharingLifecycle(RedisExecutionSharing sharing) {
		this.sharing = sharing;
	}

	@Override
	public void start() {
		this.sharing.start();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.sharing.close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public boolean isPauseable() {
		return false;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
