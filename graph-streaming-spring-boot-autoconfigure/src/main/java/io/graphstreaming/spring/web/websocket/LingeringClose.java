package io.graphstreaming.spring.web.websocket;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Makes the close of a WebSocket connection on Reactor Netty a lingering close.
 *
 * <p>Reactor Netty (as Netty's own WebSocket handlers) closes the TCP connection as soon
 * as the server's close frame is flushed, without waiting for the client's. That close is
 * abortive whenever the client still sends: a pong answering a ping it reads only now,
 * its own close frame, any message. Data arriving on a socket the server has closed (or
 * lying unread in it when it closes) makes the kernel answer with a reset, and a reset
 * discards what the server has sent but the client has not read yet. A slow client, with
 * megabytes of events still in flight, then loses the tail of its stream (the terminal
 * event and the close frame among them) and sees "connection reset by peer" instead of
 * a 1000 close.
 *
 * <p>With this handler first in the pipeline, the first {@code close()} of an open
 * connection half-closes it instead, once everything written before is flushed: the
 * client reads every frame, then the end of the stream, while the server goes on reading
 * (and dropping) what the client still sends. The connection closes when the client
 * closes its side, as it does after the close handshake, or after the timeout, whichever
 * comes first. A further {@code close()} (the server stops, say) closes at once.
 */
final class LingeringClose extends ChannelOutboundHandlerAdapter {

	static final String HANDLER_NAME = "graphStreaming.lingeringClose";

	private final long timeoutNanos;

	private boolean lingering;

	private LingeringClose(Duration timeout) {
		this.timeoutNanos = timeout.toNanos();
	}

	/**
	 * Makes the next close of a connection a lingering one.
	 * @param channel the connection; nothing is done for one that cannot half-close or is
	 * closed already
	 * @param timeout the longest wait for the client to close its side
	 */
	static void install(Channel channel, Duration timeout) {
		if (!(channel instanceof DuplexChannel) || !channel.isActive()) {
			return;
		}
		ChannelPipeline pipeline = channel.pipeline();
		if (pipeline.get(HANDLER_NAME) == null) {
			// First after the head: every close() of the channel passes through it.
			pipeline.addFirst(HANDLER_NAME, new LingeringClose(timeout));
		}
	}

	@Override
	public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
		Channel channel = ctx.channel();
		if (this.lingering || !channel.isActive() || !(channel instanceof DuplexChannel duplex)
				|| duplex.isOutputShutdown()) {
			ctx.close(promise);
			return;
		}
		this.lingering = true;
		ScheduledFuture<?> deadline = ctx.executor()
			.schedule(() -> closeNow(ctx), this.timeoutNanos, TimeUnit.NANOSECONDS);
		channel.closeFuture().addListener((closed) -> {
			deadline.cancel(false);
			if (!promise.isVoid()) {
				promise.trySuccess();
			}
		});
		// An empty write completes after every write queued before it; only then is the
		// output shut down, so that the shutdown fails nothing still queued.
		ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) (written) -> {
			if (!written.isSuccess() || !channel.isActive()) {
				closeNow(ctx);
				return;
			}
			duplex.shutdownOutput().addListener((ChannelFutureListener) (shutdown) -> {
				if (!shutdown.isSuccess()) {
					closeNow(ctx);
				}
			});
		});
		// Read on until the client closes its side: Netty closes a channel whose input
		// ends (half-closure is off).
		channel.config().setAutoRead(true);
		ctx.read();
	}

	private static void closeNow(ChannelHandlerContext ctx) {
		if (ctx.channel().isOpen()) {
			ctx.close();
		}
	}

}
