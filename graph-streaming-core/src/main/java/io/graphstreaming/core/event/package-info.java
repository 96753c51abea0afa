/**
 * The events an execution emits: a sealed hierarchy with one record per event type.
 */
@NullMarked
package io.graphstreaming.core.event;

import org.jspecify.annotations.NullMarked;
