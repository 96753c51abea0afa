package io.graphstreaming.core.execution;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Runs node calls through a resilience4j circuit breaker and reports its transitions to
 * the execution whose call caused them. A breaker belongs to a node definition and is
 * shared by every execution, but resilience4j changes state synchronously inside the
 * call that acquires a permission or records an outcome; the guard marks the current
 * thread with the execution's reporter during exactly those calls, so each transition
 * is reported once, by the right execution, without comparing states racily.
 */
final class BreakerGuard {

	private static final ThreadLocal<@Nullable Consumer<CircuitBreaker.StateTransition>> REPORTER = new ThreadLocal<>();

	private static final Map<CircuitBreaker, Boolean> LISTENING = Collections.synchronizedMap(new WeakHashMap<>());

	private BreakerGuard() {
	}

	static <T> Mono<T> guard(CircuitBreaker breaker, String nodeId, Mono<T> call,
			Consumer<CircuitBreaker.StateTransition> reporter) {
		listen(breaker);
		return Mono.defer(() -> {
			if (!reported(reporter, breaker::tryAcquirePermission)) {
				return Mono.error(new CircuitBreakerOpenException(nodeId, breaker.getName(), breaker.getState().name(),
						CallNotPermittedException.createCallNotPermittedException(breaker)));
			}
			long start = breaker.getCurrentTimestamp();
			return call.doOnSuccess((value) -> reported(reporter, () -> {
				breaker.onSuccess(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit());
				return true;
			})).doOnError((error) -> reported(reporter, () -> {
				breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), error);
				return true;
			})).doOnCancel(breaker::releasePermission);
		});
	}

	private static boolean reported(Consumer<CircuitBreaker.StateTransition> reporter, BooleanSupplier action) {
		Consumer<CircuitBreaker.StateTransition> previous = REPORTER.get();
		REPORTER.set(reporter);
		try {
			return action.getAsBoolean();
		}
		finally {
			REPORTER.set(previous);
		}
	}

	private static void listen(CircuitBreaker breaker) {
		if (LISTENING.putIfAbsent(breaker, Boolean.TRUE) == null) {
			breaker.getEventPublisher().onStateTransition((event) -> {
				Consumer<CircuitBreaker.StateTransition> reporter = REPORTER.get();
				if (reporter != null) {
					reporter.accept(event.getStateTransition());
				}
			});
		}
	}

}
