/**
 * The execution registry in Redis: records, owners' leases, takeover from checkpoints and
 * cancel over pub/sub, behind {@link io.graphstreaming.spring.registry.ExecutionSharing}.
 */
@NullMarked
package io.graphstreaming.redis.registry;

import org.jspecify.annotations.NullMarked;
