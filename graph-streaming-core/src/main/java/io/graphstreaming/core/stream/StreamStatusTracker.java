package io.graphstreaming.core.stream;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import reactor.core.Disposable;

/**
 * Holds a stream's status and tells listeners of each change. Terminal statuses are
 * final until the stream is subscribed again.
 */
final class StreamStatusTracker {

	private static final System.Logger logger = System.getLogger(StreamStatusTracker.class.getName());

	private final AtomicReference<StreamStatus> status = new AtomicReference<>(StreamStatus.NOT_STARTED);

	private final List<Consumer<StreamStatusChange>> listeners = new CopyOnWriteArrayList<>();

	StreamStatus current() {
		return this.status.get();
	}

	Disposable addListener(Consumer<StreamStatusChange> listener) {
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

	void restart(StreamStatus initial) {
		transition(initial, "subscribed", true);
	}

	void transition(StreamStatus next, String reason) {
		transition(next, reason, false);
	}

	private void transition(StreamStatus next, String reason, boolean fromTerminal) {
		StreamStatus previous;
		do {
			previous = this.status.get();
			if (previous == next || (previous.isTerminal() && !fromTerminal)) {
				return;
			}
		}
		while (!this.status.compareAndSet(previous, next));
		StreamStatusChange change = new StreamStatusChange(previous, next, reason);
		for (Consumer<StreamStatusChange> listener : this.listeners) {
			try {
				listener.accept(change);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Stream status listener failed", ex);
			}
		}
	}

}
