/**
 * The metrics SPI: what the engine reports, independent of any metrics library, and
 * the core's default backend, {@link io.graphstreaming.core.metrics.InMemoryStreamingMetrics}.
 */
@NullMarked
package io.graphstreaming.core.metrics;

import org.jspecify.annotations.NullMarked;
