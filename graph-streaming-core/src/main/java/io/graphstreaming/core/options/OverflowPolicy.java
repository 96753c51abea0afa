package io.graphstreaming.core.options;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What happens when a consumer falls {@code maxBufferSize} events behind its execution.
 */
public enum OverflowPolicy {

	/** The execution waits (without holding a thread) until the consumer catches up; lossless. */
	BLOCK,

	/** The consumer skips its oldest unread events so that it holds at most the newest ones; counted. */
	DROP_OLDEST,

	/** New events are not queued for the consumer while it is full; counted. */
	DROP_NEWEST,

	/** The consumer's stream ends with a {@code BufferOverflowException}; the execution goes on. */
	FAIL;

	/**
	 * Parses the kebab-case configuration value ({@code block}, {@code drop-oldest},
	 * {@code drop-newest}, {@code fail}); enum names are accepted too.
	 * @param value the configured value
	 * @return the policy
	 * @throws IllegalArgumentException naming the value and the accepted ones
	 */
	public static OverflowPolicy fromValue(String value) {
		String normalized = (value != null) ? value.strip().replace('-', '_').toUpperCase(Locale.ROOT) : "";
		for (OverflowPolicy policy : values()) {
			if (policy.name().equals(normalized)) {
				return policy;
			}
		}
		throw new IllegalArgumentException("Unknown overflow policy '" + value + "'; expected one of "
				+ Arrays.stream(values()).map(OverflowPolicy::value).collect(Collectors.joining(", ")));
	}

	/**
	 * The kebab-case configuration value.
	 * @return for example {@code drop-oldest}
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
