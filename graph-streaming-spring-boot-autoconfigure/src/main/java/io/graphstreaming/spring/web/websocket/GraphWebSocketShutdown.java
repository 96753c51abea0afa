package io.graphstreaming.spring.web.websocket;

import java.util.Objects;

import org.springframework.context.SmartLifecycle;

import io.graphstreaming.spring.registry.GraphStreamingShutdown;

/**
 * Closes the WebSocket sessions that stream nothing when the application stops (see
 * {@link GraphWebSocketHandler#shutdown()}), so that they neither count as open streams
 * nor hold up the web server's graceful shutdown. It stops just before
 * {@link GraphStreamingShutdown} (a higher phase stops first), which then ends the
 * executions that the other sessions stream.
 */
public class GraphWebSocketShutdown implements SmartLifecycle {

	/** Stops before {@link GraphStreamingShutdown#PHASE}. */
	public static final int PHASE = GraphStreamingShutdown.PHASE + 256;

	private final GraphWebSocketHandler handler;

	private volatile boolean running;

	/**
	 * Creates the lifecycle.
	 * @param handler the handler whose sessions to close
	 */
	public GraphWebSocketShutdown(GraphWebSocketHandler handler) {
		this.handler = Objects.requireNonNull(handler, "handler");
	}

	@Override
	public void start() {
		this.handler.reopen();
		this.running = true;
	}

	@Override
	public void stop() {
		if (this.running) {
			this.running = false;
			this.handler.shutdown();
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
	 * Not stopped when the context pauses: a pause must not close sockets.
	 * @return {@code false}
	 */
	@Override
	public boolean isPauseable() {
		return false;
	}

}
