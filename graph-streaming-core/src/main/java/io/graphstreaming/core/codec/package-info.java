/**
 * Event compression: {@link io.graphstreaming.core.codec.CompressionCodec codecs} for
 * {@code none}, {@code gzip} (JDK) and {@code brotli} (brotli4j, optional), streaming
 * compressors that flush one decodable chunk per event for HTTP responses, and the
 * {@link io.graphstreaming.core.codec.CompressionPolicy threshold policy}, fixed or
 * adaptive, that decides which events are worth compressing.
 */
@NullMarked
package io.graphstreaming.core.codec;

import org.jspecify.annotations.NullMarked;
