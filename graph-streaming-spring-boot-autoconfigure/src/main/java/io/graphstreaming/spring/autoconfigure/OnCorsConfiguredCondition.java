package io.graphstreaming.spring.autoconfigure;

import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code graph.streaming.web.cors.allowed-origins} or
 * {@code graph.streaming.web.cors.allowed-origin-patterns} has an entry, in any of the
 * forms Spring Boot binds a list from (comma-separated, indexed, YAML list).
 */
class OnCorsConfiguredCondition extends SpringBootCondition {

	private static final String PREFIX = "graph.streaming.web.cors.";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Binder binder = Binder.get(context.getEnvironment());
		for (String key : List.of("allowed-origins", "allowed-origin-patterns")) {
			List<String> values = binder.bind(PREFIX + key, Bindable.listOf(String.class)).orElse(List.of());
			if (!values.isEmpty()) {
				return ConditionOutcome.match(PREFIX + key + " is set");
			}
		}
		return ConditionOutcome
			.noMatch("neither " + PREFIX + "allowed-origins nor " + PREFIX + "allowed-origin-patterns is set");
	}

}
