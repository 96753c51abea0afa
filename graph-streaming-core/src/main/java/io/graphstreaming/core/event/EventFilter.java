package io.graphstreaming.core.event;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Which events one consumer receives: by type, by node and by any predicate, all of which
 * must accept an event. Filters read the event's type and node id, never its JSON, and
 * change only what that one consumer gets, not the execution.
 */
public final class EventFilter implements Predicate<GraphExecutionEvent> {

	private static final EventFilter ALL = new EventFilter(null, null, null);

	private final @Nullable Set<GraphExecutionEventType> types;

	private final @Nullable Set<String> nodes;

	private final @Nullable Predicate<? super GraphExecutionEvent> predicate;

	private EventFilter(@Nullable Set<GraphExecutionEventType> types, @Nullable Set<String> nodes,
			@Nullable Predicate<? super GraphExecutionEvent> predicate) {
		this.types = types;
		this.nodes = nodes;
		this.predicate = predicate;
	}

	/**
	 * The filter that accepts every event.
	 * @return the accept-all filter
	 */
	public static EventFilter all() {
		return ALL;
	}

	/**
	 * Whether this filter accepts every event.
	 * @return {@code true} for the accept-all filter
	 */
	public boolean acceptsAll() {
		return this.types == null && this.nodes == null && this.predicate == null;
	}

	/**
	 * The event types this filter accepts, for a consumer that passes the filter on to a
	 * server (the query parameter {@code eventTypes}).
	 * @return the types (possibly empty when two type filters do not overlap), or
	 * {@code null} when the filter does not restrict types
	 */
	public @Nullable Set<GraphExecutionEventType> eventTypes() {
		return (this.types != null) ? Collections.unmodifiableSet(this.types) : null;
	}

	/**
	 * The node ids this filter accepts, for a consumer that passes the filter on to a
	 * server (the query parameter {@code nodes}).
	 * @return the node ids (possibly empty when two node filters do not overlap), or
	 * {@code null} when the filter does not restrict nodes
	 */
	public @Nullable Set<String> nodeIds() {
		return this.nodes;
	}

	/**
	 * Whether this filter has a predicate, which only the consumer itself can apply.
	 * @return {@code true} when a predicate was added
	 */
	public boolean hasPredicate() {
		return this.predicate != null;
	}

	/**
	 * Narrows to events of these types (intersected with any earlier type filter).
	 * @param eventTypes the accepted types, at least one
	 * @return a new filter
	 * @throws IllegalArgumentException if no type is given
	 */
	public EventFilter withTypes(Collection<GraphExecutionEventType> eventTypes) {
		Objects.requireNonNull(eventTypes, "eventTypes");
		if (eventTypes.isEmpty()) {
			throw new IllegalArgumentException("A type filter needs at least one event type");
		}
		EnumSet<GraphExecutionEventType> narrowed = EnumSet.copyOf(eventTypes);
		if (this.types != null) {
			narrowed.retainAll(this.types);
		}
		return new EventFilter(narrowed, this.nodes, this.predicate);
	}

	/**
	 * Narrows to node-scoped events of these nodes (intersected with any earlier node
	 * filter). Events without a node id, such as {@code ExecutionStarted}, are excluded.
	 * @param nodeIds the accepted node ids, at least one
	 * @return a new filter
	 * @throws IllegalArgumentException if no node id is given
	 */
	public EventFilter withNodes(Collection<String> nodeIds) {
		Objects.requireNonNull(nodeIds, "nodeIds");
		if (nodeIds.isEmpty()) {
			throw new IllegalArgumentException("A node filter needs at least one node id");
		}
		nodeIds.forEach((id) -> Objects.requireNonNull(id, "node ids must not be null"));
		Set<String> narrowed = new java.util.HashSet<>(nodeIds);
		if (this.nodes != null) {
			narrowed.retainAll(this.nodes);
		}
		return new EventFilter(this.types, Set.copyOf(narrowed), this.predicate);
	}

	/**
	 * Narrows with a predicate (combined with any earlier predicate by "and").
	 * @param condition the condition
	 * @return a new filter
	 */
	public EventFilter withPredicate(Predicate<? super GraphExecutionEvent> condition) {
		Objects.requireNonNull(condition, "condition");
		Predicate<? super GraphExecutionEvent> previous = this.predicate;
		Predicate<? super GraphExecutionEvent> combined = (previous == null) ? condition
				: (event) -> previous.test(event) && condition.test(event);
		return new EventFilter(this.types, this.nodes, combined);
	}

	/**
	 * Narrows by another filter too.
	 * @param other the other filter
	 * @return a filter accepting what both accept
	 */
	public EventFilter and(EventFilter other) {
		EventFilter result = this;
		if (other.types != null) {
			result = result.withTypes(other.types);
		}
		if (other.nodes != null) {
			result = result.withNodes(other.nodes);
		}
		if (other.predicate != null) {
			result = result.withPredicate(other.predicate);
		}
		return result;
	}

	@Override
	public boolean test(GraphExecutionEvent event) {
		if (this.types != null && !this.types.contains(event.eventType())) {
			return false;
		}
		if (this.nodes != null) {
			String nodeId = event.nodeId();
			if (nodeId == null || !this.nodes.contains(nodeId)) {
				return false;
			}
		}
		return this.predicate == null || this.predicate.test(event);
	}

	@Override
	public String toString() {
		return "EventFilter[types=" + this.types + ", nodes=" + this.nodes + ", predicate="
				+ (this.predicate != null) + "]";
	}

}
