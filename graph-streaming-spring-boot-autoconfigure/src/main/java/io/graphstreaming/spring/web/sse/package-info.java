/**
 * Server-Sent Events (and newline-delimited JSON) streaming of executions.
 */
@NullMarked
package io.graphstreaming.spring.web.sse;

import org.jspecify.annotations.NullMarked;
