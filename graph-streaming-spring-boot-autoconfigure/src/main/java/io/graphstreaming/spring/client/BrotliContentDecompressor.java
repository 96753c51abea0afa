package io.graphstreaming.spring.client;

import java.nio.ByteBuffer;
import java.util.List;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.HttpContentDecompressor;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;

/**
 * Decodes {@code Content-Encoding: br} with brotli4j's own streaming decoder, and every
 * other coding as Netty does. Netty 4.2's {@code BrotliDecoder} calls a brotli4j method
 * ({@code DecoderJNI.Wrapper.pull(int)}) that brotli4j 1.20 does not have, so with
 * brotli4j on the class path Reactor Netty asks for {@code br} and then fails to decode
 * it; this decompressor takes the place of Reactor Netty's in the pipeline. Output is
 * handed on as soon as the decoder has it, so a compressed event stream is still read
 * event by event.
 */
final class BrotliContentDecompressor extends HttpContentDecompressor {

	private static final int INPUT_BUFFER_SIZE = 16 * 1024;

	private BrotliContentDecompressor() {
		super(false, 0);
	}

	/**
	 * Puts this decompressor in place of Reactor Netty's on each new connection, when
	 * brotli4j and its native library load.
	 * @param client a client with {@code compress(true)}
	 * @return the client
	 */
	static HttpClient install(HttpClient client) {
		if (!isAvailable()) {
			return client;
		}
		return client.doOnChannelInit((observer, channel, remoteAddress) -> {
			if (channel.pipeline().get(NettyPipeline.HttpDecompressor) != null) {
				channel.pipeline().replace(NettyPipeline.HttpDecompressor, NettyPipeline.HttpDecompressor,
						new BrotliContentDecompressor());
			}
		});
	}

	private static boolean isAvailable() {
		try {
			return Brotli4jLoader.isAvailable();
		}
		catch (LinkageError ex) {
			return false;
		}
	}

	@Override
	protected @Nullable EmbeddedChannel newContentDecoder(String contentEncoding) throws Exception {
		if ("br".equalsIgnoreCase(contentEncoding.strip())) {
			return EmbeddedChannel.builder()
				.channelId(this.ctx.channel().id())
				.hasDisconnect(this.ctx.channel().metadata().hasDisconnect())
				.config(this.ctx.channel().config())
				.handlers(new StreamDecoder())
				.build();
		}
		return super.newContentDecoder(contentEncoding);
	}

	/**
	 * One Brotli stream, fed as bytes arrive.
	 */
	private static final class StreamDecoder extends ByteToMessageDecoder {

		private DecoderJNI.@Nullable Wrapper decoder;

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
			this.decoder = new DecoderJNI.Wrapper(INPUT_BUFFER_SIZE);
		}

		@Override
		protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
			DecoderJNI.Wrapper wrapper = this.decoder;
			if (wrapper == null) {
				in.skipBytes(in.readableBytes());
				return;
			}
			while (true) {
				switch (wrapper.getStatus()) {
					case DONE -> {
						in.skipBytes(in.readableBytes());
						destroy();
						return;
					}
					case OK -> wrapper.push(0);
					case NEEDS_MORE_OUTPUT -> out.add(copy(ctx, wrapper.pull()));
					case NEEDS_MORE_INPUT -> {
						if (wrapper.hasOutput()) {
							out.add(copy(ctx, wrapper.pull()));
						}
						if (!in.isReadable()) {
							return;
						}
						ByteBuffer input = wrapper.getInputBuffer();
						input.clear();
						int length = Math.min(in.readableBytes(), input.remaining());
						input.limit(length);
						in.readBytes(input);
						wrapper.push(length);
					}
					default -> {
						destroy();
						throw new DecompressionException("Brotli stream corrupted");
					}
				}
			}
		}

		private static ByteBuf copy(ChannelHandlerContext ctx, ByteBuffer output) {
			ByteBuf copy = ctx.alloc().buffer(output.remaining());
			copy.writeBytes(output);
			return copy;
		}

		@Override
		protected void handlerRemoved0(ChannelHandlerContext ctx) {
			destroy();
		}

		private void destroy() {
			DecoderJNI.Wrapper wrapper = this.decoder;
			if (wrapper != null) {
				this.decoder = null;
				wrapper.destroy();
			}
		}

	}

}
