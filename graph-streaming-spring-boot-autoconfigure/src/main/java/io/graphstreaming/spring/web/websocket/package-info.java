/**
 * The WebSocket transport: one socket streams one execution of one graph, as one event
 * JSON per text frame, driven by {@code execute}, {@code cancel} and {@code resume}
 * messages from the client.
 */
@NullMarked
package io.graphstreaming.spring.web.websocket;

import org.jspecify.annotations.NullMarked;
