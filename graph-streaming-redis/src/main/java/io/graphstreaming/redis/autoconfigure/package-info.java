/**
 * Auto-configuration for {@code graph.streaming.journal.type=redis}.
 */
@NullMarked
package io.graphstreaming.redis.autoconfigure;

import org.jspecify.annotations.NullMarked;
