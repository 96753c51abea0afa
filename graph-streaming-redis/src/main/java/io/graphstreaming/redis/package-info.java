/**
 * Scale-out on Redis: several instances share executions. Key names ({@link io.graphstreaming.redis.RedisKeys})
 * and the Lettuce connections ({@link io.graphstreaming.redis.RedisConnections}).
 */
@NullMarked
package io.graphstreaming.redis;

import org.jspecify.annotations.NullMarked;
