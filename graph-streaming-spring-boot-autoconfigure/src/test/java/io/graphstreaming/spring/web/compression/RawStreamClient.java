package io.graphstreaming.spring.web.compression;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.fail;

/**
 * An HTTP client that does not decode anything: the body's bytes arrive as the server
 * wrote them (Reactor Netty without {@code compress(true)}), and the tests decode them
 * with independent decoders: the JDK's {@link GZIPInputStream} for gzip, the Debian
 * {@code brotli} command for Brotli.
 */
final class RawStreamClient {

	static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final HttpClient http;

	RawStreamClient(int port) {
		this.http = HttpClient.create(ConnectionProvider.newConnection()).baseUrl("http://localhost:" + port);
	}

	/**
	 * Opens {@code GET uri} and hands the raw body chunks to a queue as they arrive.
	 */
	RawResponse get(String uri, Map<String, String> headers) {
		RawResponse response = new RawResponse();
		response.connection = this.http.headers((h) -> headers.forEach(h::set))
			.get()
			.uri(uri)
			.response((head, body) -> {
				response.headers.complete(head.responseHeaders());
				return body.asByteArray();
			})
			.subscribe(response.chunks::add, (error) -> {
				response.headers.completeExceptionally(error);
				response.chunks.add(RawResponse.END);
			}, () -> response.chunks.add(RawResponse.END));
		return response;
	}

	static String streamUri(String graphId, String inputJson) {
		return "/graphs/" + graphId + "/execute/stream?input=" + URLEncoder.encode(inputJson, StandardCharsets.UTF_8);
	}

	/**
	 * A response being received.
	 */
	static final class RawResponse implements AutoCloseable {

		static final byte[] END = new byte[0];

		final CompletableFuture<HttpHeaders> headers = new CompletableFuture<>();

		final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();

		Disposable connection;

		HttpHeaders headers() {
			return this.headers.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
		}

		/**
		 * The next raw chunk, or {@link #END} after the last.
		 */
		byte[] next() {
			try {
				byte[] chunk = this.chunks.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				if (chunk == null) {
					fail("Nothing received within " + TIMEOUT);
				}
				if (chunk == END) {
					this.chunks.add(END);
				}
				return chunk;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		/**
		 * Every raw byte until the response ends.
		 */
		byte[] readAll() {
			ByteArrayOutputStream all = new ByteArrayOutputStream();
			byte[] chunk;
			while ((chunk = next()) != END) {
				all.writeBytes(chunk);
			}
			return all.toByteArray();
		}

		/**
		 * The body as an input stream that blocks until bytes arrive.
		 */
		InputStream asInputStream() {
			return new InputStream() {

				private byte[] current = new byte[0];

				private int position;

				@Override
				public int read() throws IOException {
					byte[] one = new byte[1];
					return (read(one, 0, 1) < 0) ? -1 : (one[0] & 0xff);
				}

				@Override
				public int read(byte[] buffer, int offset, int length) {
					while (this.position == this.current.length) {
						byte[] chunk = next();
						if (chunk == END) {
							return -1;
						}
						this.current = chunk;
						this.position = 0;
					}
					int count = Math.min(length, this.current.length - this.position);
					System.arraycopy(this.current, this.position, buffer, offset, count);
					this.position += count;
					return count;
				}

			};
		}

		@Override
		public void close() {
			if (this.connection != null) {
				this.connection.dispose();
			}
		}

	}

	/**
	 * Decodes a Brotli stream (or a prefix cut at a flush point, completed with the empty
	 * last meta-block {@code 0x03}) with the {@code brotli} command.
	 * @return the decoded bytes, or {@code null} if the command refused the input
	 */
	static byte[] brotliCli(byte[] stream, boolean completePrefix) {
		try {
			Process process = new ProcessBuilder("brotli", "--decompress", "--stdout").start();
			CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
				try {
					return process.getInputStream().readAllBytes();
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
			try (var in = process.getOutputStream()) {
				in.write(stream);
				if (completePrefix) {
					in.write(0x03);
				}
			}
			byte[] decoded = output.get(10, TimeUnit.SECONDS);
			process.getErrorStream().readAllBytes();
			return (process.waitFor() == 0) ? decoded : null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The complete SSE blocks of a text (events and comments), in order.
	 */
	static List<String> blocks(String text) {
		List<String> blocks = new ArrayList<>();
		int start = 0;
		int end;
		while ((end = text.indexOf("\n\n", start)) >= 0) {
			blocks.add(text.substring(start, end));
			start = end + 2;
		}
		return blocks;
	}

	static long count(List<String> blocks, String eventType) {
		return blocks.stream().filter((block) -> block.contains("\nevent: " + eventType + "\n")).count();
	}

}
