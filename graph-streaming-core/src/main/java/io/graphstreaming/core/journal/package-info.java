/**
 * The execution journal: the one buffer between an execution and its consumers, read
 * through cursors (replay, resume and live delivery alike) with per-consumer filters,
 * overflow policies and producer batching.
 */
@NullMarked
package io.graphstreaming.core.journal;

import org.jspecify.annotations.NullMarked;
