/**
 * Auto-configuration and `graph.streaming` properties.
 */
@NullMarked
package io.graphstreaming.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
