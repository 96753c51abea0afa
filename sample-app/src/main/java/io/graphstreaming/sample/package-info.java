/**
 * The runnable sample: a Spring Boot application that registers the contract's
 * {@code demo}, {@code synthetic} and {@code agent} graphs, which the graph-streaming
 * starter serves over HTTP (SSE, JSON, polling) and WebSocket.
 */
@NullMarked
package io.graphstreaming.sample;

import org.jspecify.annotations.NullMarked;
