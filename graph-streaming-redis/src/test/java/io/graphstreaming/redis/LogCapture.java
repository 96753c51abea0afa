package io.graphstreaming.redis;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records what a class logs through {@link System.Logger} (which, without a logging
 * bridge on the test class path, is {@code java.util.logging}), until closed.
 */
public final class LogCapture extends Handler implements AutoCloseable {

	/** Held so that java.util.logging, which keeps loggers weakly, keeps this one and its handler. */
	private final Logger logger;

	private final List<LogRecord> records = new CopyOnWriteArrayList<>();

	private LogCapture(Logger logger) {
		this.logger = logger;
		setLevel(Level.ALL);
		logger.addHandler(this);
	}

	/**
	 * Starts recording what a class logs.
	 * @param type the class whose logger (named after it) is recorded
	 * @return the capture
	 */
	public static LogCapture of(Class<?> type) {
		return new LogCapture(Logger.getLogger(type.getName()));
	}

	@Override
	public void publish(LogRecord record) {
		this.records.add(record);
	}

	/**
	 * The records at a level or above.
	 * @param level the level
	 * @return their messages
	 */
	public List<String> messages(Level level) {
		return this.records.stream()
			.filter((record) -> record.getLevel().intValue() >= level.intValue())
			.map(LogRecord::getMessage)
			.toList();
	}

	/**
	 * Every record's message.
	 * @return the messages, oldest first
	 */
	public List<String> messages() {
		return messages(Level.ALL);
	}

	@Override
	public void flush() {
	}

	@Override
	public void close() {
		this.logger.removeHandler(this);
	}

}
