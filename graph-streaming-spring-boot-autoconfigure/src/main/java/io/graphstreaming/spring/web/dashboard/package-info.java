/**
 * The live dashboard page: static HTML, JavaScript and CSS from the jar, served by a
 * router function, that draws the graphs and follows executions over the SSE endpoints.
 */
@NullMarked
package io.graphstreaming.spring.web.dashboard;

import org.jspecify.annotations.NullMarked;
