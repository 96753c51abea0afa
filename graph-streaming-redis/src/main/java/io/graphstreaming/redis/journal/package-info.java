/**
 * The journal on Redis Streams: one stream per execution whose entry ids are the sequences,
 * written by the owner's lossless writer and read by multiplexed live tails.
 */
@NullMarked
package io.graphstreaming.redis.journal;

import org.jspecify.annotations.NullMarked;
