package io.graphstreaming.spring.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Gives a description to meters registered without one, by name. Meters made by
 * Micrometer observation handlers (an observation's timer and long-task timer) carry no
 * description, so Prometheus exposes them without {@code # HELP} and
 * {@code promtool check metrics} reports them; this filter fills the gap and leaves
 * meters that have a description untouched.
 */
public class MeterDescriptionFilter implements MeterFilter {

	private final Map<String, String> descriptions;

	/**
	 * Creates the filter.
	 * @param descriptions description by exact meter name (for example
	 * {@code http.server.requests} and {@code http.server.requests.active})
	 */
	public MeterDescriptionFilter(Map<String, String> descriptions) {
		this.descriptions = Map.copyOf(Objects.requireNonNull(descriptions, "descriptions"));
	}

	/**
	 * The descriptions of the meters an observation creates: its timer and its active
	 * long-task timer.
	 * @param observationName the observation's name
	 * @param what what the observation measures, for example "graph executions"
	 * @return descriptions for both meters
	 */
	public static Map<String, String> forObservation(String observationName, String what) {
		Map<String, String> descriptions = new LinkedHashMap<>();
		descriptions.put(observationName, "Duration of " + what + " (observation)");
		descriptions.put(observationName + ".active", what.substring(0, 1).toUpperCase() + what.substring(1)
				+ " in progress (observation)");
		return descriptions;
	}

	@Override
	public Meter.Id map(Meter.Id id) {
		if (id.getDescription() != null) {
			return id;
		}
		String description = this.descriptions.get(id.getName());
		if (description == null) {
			return id;
		}
		return new Meter.Id(id.getName(), io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()),
				id.getBaseUnit(), description, id.getType());
	}

}
