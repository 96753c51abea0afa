/**
 * Immutable streaming options, their validating builder, presets and policy enums.
 */
@NullMarked
package io.graphstreaming.core.options;

import org.jspecify.annotations.NullMarked;
