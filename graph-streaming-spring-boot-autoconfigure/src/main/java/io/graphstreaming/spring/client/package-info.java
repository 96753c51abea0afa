/**
 * The remote client: {@link io.graphstreaming.spring.client.GraphStreamClient} consumes
 * the graph-streaming HTTP and WebSocket API of another application as the same
 * {@link io.graphstreaming.core.stream.GraphExecutionEventStream} an in-process executor
 * returns, reconnecting and resuming after network failures.
 */
@NullMarked
package io.graphstreaming.spring.client;

import org.jspecify.annotations.NullMarked;
