package io.graphstreaming.core.journal;

/**
 * A consumer asked for events that the journal no longer keeps (its count or time
 * retention removed them). Transports answer it with 410 Gone.
 */
public class EventsExpiredException extends RuntimeException {

	private final long requestedAfter;

	private final long firstRetained;

	/**
	 * Creates the exception.
	 * @param executionId the execution
	 * @param requestedAfter the sequence the consumer wanted to continue after
	 * @param firstRetained the oldest sequence still kept
	 */
	public EventsExpiredException(String executionId, long requestedAfter, long firstRetained) {
		super("Events after sequence " + requestedAfter + " of execution " + executionId
				+ " are no longer kept; the oldest kept is " + firstRetained);
		this.requestedAfter = requestedAfter;
		this.firstRetained = firstRetained;
	}

	/**
	 * The sequence the consumer wanted to continue after.
	 * @return the requested sequence
	 */
	public long requestedAfter() {
		return this.requestedAfter;
	}

	/**
	 * The oldest sequence the journal still keeps.
	 * @return the first retained sequence
	 */
	public long firstRetained() {
		return this.firstRetained;
	}

}
