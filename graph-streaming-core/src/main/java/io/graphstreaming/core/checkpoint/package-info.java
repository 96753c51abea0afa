/**
 * Checkpoints: the state of a run saved after a node, in a pluggable store, from which a
 * new execution can resume.
 */
@NullMarked
package io.graphstreaming.core.checkpoint;

import org.jspecify.annotations.NullMarked;
