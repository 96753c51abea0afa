/**
 * Micrometer meters and observations for graph executions and their streams, usable
 * without the auto-configuration.
 */
@NullMarked
package io.graphstreaming.spring.metrics;

import org.jspecify.annotations.NullMarked;
