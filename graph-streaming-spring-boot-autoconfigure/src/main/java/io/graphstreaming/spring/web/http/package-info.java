/**
 * Plain HTTP endpoints: graph descriptions, non-streaming execution, execution status and
 * cancellation.
 */
@NullMarked
package io.graphstreaming.spring.web.http;

import org.jspecify.annotations.NullMarked;
