package io.graphstreaming.core.graph;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * The condition of a conditional edge, with a label that events and graph descriptions
 * show.
 *
 * @param label a short human-readable description, for example {@code "score > 0.5"}
 * @param predicate the test on the state after the edge's source node ran
 */
public record EdgeCondition(String label, Predicate<GraphState> predicate) {

	public EdgeCondition {
		Objects.requireNonNull(label, "label");
		Objects.requireNonNull(predicate, "predicate");
		if (label.isBlank()) {
			throw new IllegalArgumentException("An edge condition needs a non-blank label");
		}
	}

	/**
	 * A labelled condition.
	 * @param label the label
	 * @param predicate the test
	 * @return the condition
	 */
	public static EdgeCondition of(String label, Predicate<GraphState> predicate) {
		return new EdgeCondition(label, predicate);
	}

	/**
	 * Evaluates the condition.
	 * @param state the state
	 * @return whether the edge may be taken
	 */
	public boolean test(GraphState state) {
		return this.predicate.test(state);
	}

}
