/**
 * A checkpoint store in Redis, so that any instance can continue a lost owner's execution.
 */
@NullMarked
package io.graphstreaming.redis.checkpoint;

import org.jspecify.annotations.NullMarked;
