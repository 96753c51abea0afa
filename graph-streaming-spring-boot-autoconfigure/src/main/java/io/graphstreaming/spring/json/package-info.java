/**
 * The event JSON written on every transport.
 */
@NullMarked
package io.graphstreaming.spring.json;

import org.jspecify.annotations.NullMarked;
