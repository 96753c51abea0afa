/**
 * Polling and long polling of executions' events.
 */
@NullMarked
package io.graphstreaming.spring.web.polling;

import org.jspecify.annotations.NullMarked;
