/**
 * The metrics SPI: what the engine reports, independent of any metrics library.
 */
@NullMarked
package io.graphstreaming.core.metrics;

import org.jspecify.annotations.NullMarked;
