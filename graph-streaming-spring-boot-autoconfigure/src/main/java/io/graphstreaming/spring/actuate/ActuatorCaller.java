package io.graphstreaming.spring.actuate;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.util.ClassUtils;
import reactor.core.publisher.Mono;

import io.graphstreaming.spring.security.GraphCaller;

/**
 * The caller of an Actuator web operation, found where Actuator itself finds it on
 * WebFlux: Spring Security's reactive security context, when Spring Security is on the
 * classpath; anonymous otherwise.
 *
 * <p>The operations read it from the Reactor context rather than taking Actuator's
 * {@code SecurityContext} as a parameter: any parameter but a selector makes Actuator
 * map a {@code POST} as one that consumes a JSON body, so a body-less
 * {@code POST /actuator/graphstreaming/{id}} would no longer reach the extension's cancel
 * but the endpoint's own, which asks no one.
 */
final class ActuatorCaller {

	private static final boolean SPRING_SECURITY_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.core.context.ReactiveSecurityContextHolder",
			ActuatorCaller.class.getClassLoader());

	private ActuatorCaller() {
	}

	/**
	 * The caller of the operation being served.
	 * @return the caller, {@link GraphCaller#ANONYMOUS} without an authentication; never
	 * empty
	 */
	static Mono<GraphCaller> current() {
		return SPRING_SECURITY_PRESENT ? SpringSecurity.current() : Mono.just(GraphCaller.ANONYMOUS);
	}

	/**
	 * Kept apart so that Spring Security's classes load only when it is present.
	 */
	private static final class SpringSecurity {

		static Mono<GraphCaller> current() {
			return ReactiveSecurityContextHolder.getContext()
				.mapNotNull(SecurityContext::getAuthentication)
				.map((Authentication authentication) -> new GraphCaller(authentication))
				.defaultIfEmpty(GraphCaller.ANONYMOUS);
		}

	}

}
