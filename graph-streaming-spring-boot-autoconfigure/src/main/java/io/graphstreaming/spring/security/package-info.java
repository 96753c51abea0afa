/**
 * Who may do what with a graph: the {@link io.graphstreaming.spring.security.GraphAuthorizer}
 * hook the transports consult per graph and operation, its default rule (an execution is
 * read and cancelled by the principal that started it, or by an admin role), and the 403
 * answer when it refuses. Authentication is not done here: when Spring Security is on the
 * classpath the application's {@code SecurityWebFilterChain} decides who reaches the
 * endpoints at all, and the transports read the principal it established.
 */
@NullMarked
package io.graphstreaming.spring.security;

import org.jspecify.annotations.NullMarked;
