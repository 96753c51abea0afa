/**
 * The graph model: nodes (functions of the state), edges (optionally conditional), the
 * state nodes read and update, and the descriptions transports publish.
 */
@NullMarked
package io.graphstreaming.core.graph;

import org.jspecify.annotations.NullMarked;
