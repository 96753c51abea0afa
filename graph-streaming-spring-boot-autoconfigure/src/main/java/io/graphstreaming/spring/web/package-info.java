/**
 * WebFlux transports shared parts: limits, errors, request parsing.
 */
@NullMarked
package io.graphstreaming.spring.web;

import org.jspecify.annotations.NullMarked;
