package io.graphstreaming.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static io.graphstreaming.core.event.GraphExecutionEventType.NODE_COMPLETED;
import static io.graphstreaming.core.event.GraphExecutionEventType.NODE_STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The per-consumer filter: types, nodes and predicates combine by "and"; node filters
 * exclude execution-level events.
 */
class EventFilterTests {

	private static final GraphExecutionEvent STARTED_A = new NodeStartedEvent("e", "g", 2, Instant.EPOCH, "a");

	private static final GraphExecutionEvent STARTED_B = new NodeStartedEvent("e", "g", 3, Instant.EPOCH, "b");

	private static final GraphExecutionEvent COMPLETED_A = new NodeCompletedEvent("e", "g", 4, Instant.EPOCH, "a",
			Duration.ZERO, java.util.Map.of());

	private static final GraphExecutionEvent EXECUTION_DONE = new ExecutionCompletedEvent("e", "g", 5, Instant.EPOCH,
			Duration.ZERO, null);

	@Test
	void allAcceptsEverything() {
		assertThat(EventFilter.all().acceptsAll()).isTrue();
		assertThat(List.of(STARTED_A, STARTED_B, COMPLETED_A, EXECUTION_DONE)).allMatch(EventFilter.all());
	}

	@Test
	void typeFilterKeepsOnlyThoseTypesAndSuccessiveTypeFiltersIntersect() {
		EventFilter started = EventFilter.all().withTypes(List.of(NODE_STARTED));
		EventFilter none = started.withTypes(List.of(NODE_COMPLETED));

		assertThat(started.acceptsAll()).isFalse();
		assertThat(List.of(STARTED_A, STARTED_B, COMPLETED_A, EXECUTION_DONE)).filteredOn(started)
			.containsExactly(STARTED_A, STARTED_B);
		assertThat(List.of(STARTED_A, STARTED_B, COMPLETED_A, EXECUTION_DONE)).noneMatch(none);
	}

	@Test
	void nodeFilterExcludesExecutionLevelEventsAndSuccessiveNodeFiltersIntersect() {
		EventFilter ab = EventFilter.all().withNodes(List.of("a", "b"));
		EventFilter b = ab.withNodes(List.of("b", "c"));

		assertThat(List.of(STARTED_A, STARTED_B, COMPLETED_A, EXECUTION_DONE)).filteredOn(ab)
			.containsExactly(STARTED_A, STARTED_B, COMPLETED_A);
		assertThat(List.of(STARTED_A, STARTED_B, COMPLETED_A, EXECUTION_DONE)).filteredOn(b).containsExactly(STARTED_B);
	}

	@Test
	void predicatesAndTypesAndNodesAllMustAccept() {
		EventFilter combined = EventFilter.all()
			.withTypes(List.of(NODE_STARTED, NODE_COMPLETED))
			.withNodes(List.of("a"))
			.withPredicate((event) -> event.sequence() > 2);

		assertThat(List.of(STARTED_A, STARTED_B, COMPLETED_A, EXECUTION_DONE)).filteredOn(combined)
			.containsExactly(COMPLETED_A);
		assertThat(EventFilter.all().withPredicate((e) -> true).withPredicate((e) -> false).test(STARTED_A)).isFalse();
	}

	@Test
	void andCombinesEveryPartOfTheOtherFilter() {
		EventFilter types = EventFilter.all().withTypes(List.of(NODE_STARTED));
		EventFilter nodes = EventFilter.all().withNodes(List.of("b")).withPredicate((event) -> event.sequence() == 3);

		assertThat(List.of(STARTED_A, STARTED_B, COMPLETED_A, EXECUTION_DONE)).filteredOn(types.and(nodes))
			.containsExactly(STARTED_B);
	}

	@Test
	void emptyTypeOrNodeListsAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> EventFilter.all().withTypes(List.of()))
			.withMessage("A type filter needs at least one event type");
		assertThatIllegalArgumentException().isThrownBy(() -> EventFilter.all().withNodes(List.of()))
			.withMessage("A node filter needs at least one node id");
	}

	@Test
	void accessorsExposeTypesNodesAndWhetherThereIsAPredicate() {
		EventFilter filter = EventFilter.all()
			.withTypes(List.of(NODE_STARTED, NODE_COMPLETED))
			.withNodes(List.of("a"))
			.withPredicate((event) -> true);

		assertThat(EventFilter.all().eventTypes()).isNull();
		assertThat(EventFilter.all().nodeIds()).isNull();
		assertThat(EventFilter.all().hasPredicate()).isFalse();
		assertThat(filter.eventTypes()).containsExactlyInAnyOrder(NODE_STARTED, NODE_COMPLETED);
		assertThat(filter.nodeIds()).containsExactly("a");
		assertThat(filter.hasPredicate()).isTrue();
		assertThat(filter.withTypes(List.of(GraphExecutionEventType.EXECUTION_COMPLETED)).eventTypes()).isEmpty();
	}

}
