/**
 * Actuator support: the {@code graphstreaming} endpoint and the health indicator.
 */
@NullMarked
package io.graphstreaming.spring.actuate;

import org.jspecify.annotations.NullMarked;
