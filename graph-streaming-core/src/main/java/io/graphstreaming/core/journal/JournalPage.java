package io.graphstreaming.core.journal;

import java.util.List;

/**
 * What one read of a journal returned: the matching entries, how far the read went, and
 * whether it reached the terminal event.
 *
 * @param entries the entries that matched the filter, in sequence order
 * @param lastSequence the last sequence the read looked at (filtered out or not); the next
 * read continues after it
 * @param terminalReached whether the read passed the terminal event: nothing follows
 */
public record JournalPage(List<JournalEntry> entries, long lastSequence, boolean terminalReached) {

	public JournalPage {
		entries = List.copyOf(entries);
	}

}
