/**
 * The registry of graphs and their executions, used by transports and application code.
 */
@NullMarked
package io.graphstreaming.spring.registry;

import org.jspecify.annotations.NullMarked;
