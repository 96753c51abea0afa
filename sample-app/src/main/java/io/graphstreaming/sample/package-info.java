/**
 * The runnable sample: a Spring Boot application that registers the contract's
 * {@code demo} and {@code synthetic} graphs, which the graph-streaming starter serves over
 * HTTP (SSE, JSON, polling) and WebSocket.
 */
@NullMarked
package io.graphstreaming.sample;

import org.jspecify.annotations.NullMarked;
