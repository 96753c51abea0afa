/**
 * Actuator support: the {@code graphstreaming} endpoint (whose HTTP side asks the
 * {@code GraphAuthorizer} what each caller may see and cancel) and the health indicator.
 */
@NullMarked
package io.graphstreaming.spring.actuate;

import org.jspecify.annotations.NullMarked;
