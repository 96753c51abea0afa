/**
 * The consumer side: {@link io.graphstreaming.core.stream.GraphExecutionEventStream}
 * with its filters, batching, adaptive buffering, heartbeats and status.
 */
@NullMarked
package io.graphstreaming.core.stream;

import org.jspecify.annotations.NullMarked;
