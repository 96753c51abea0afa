package io.graphstreaming.spring.client;

/**
 * How the reconnect back-off of a {@link GraphStreamClient} is randomised, so that many
 * clients cut off at once do not come back at once. Every delay lies between the
 * options' {@code initialReconnectDelay} and {@code maxReconnectDelay}.
 */
public enum ReconnectJitter {

	/**
	 * Reconnect {@code n} waits a random time between the initial delay and
	 * {@code min(max, initial * 2^n)}.
	 */
	FULL,

	/**
	 * Each wait is a random time between the initial delay and three times the previous
	 * wait, capped at the maximum ("decorrelated jitter"); the first previous wait is the
	 * initial delay.
	 */
	DECORRELATED

}
