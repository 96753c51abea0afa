package io.graphstreaming.core.journal;

import java.nio.file.Path;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import io.graphstreaming.core.options.StreamingExecutionOptions;

/**
 * How a journal spills older events to memory-mapped segment files.
 *
 * @param directory the base directory; each execution gets its own subdirectory in it
 * @param segmentSizeBytes the size of one segment file
 * @param inMemoryEvents the newest events a journal keeps in memory; older ones spill
 * @param maxBytesPerExecution the most segment bytes one execution may hold
 * @param maxTotalBytes the most segment bytes all spilling journals of this JVM may hold
 * @param serializer turns events into bytes and back
 */
public record SpillSettings(Path directory, long segmentSizeBytes, int inMemoryEvents, long maxBytesPerExecution,
		long maxTotalBytes, EventSerializer serializer) {

	public SpillSettings {
		Objects.requireNonNull(directory, "directory");
		Objects.requireNonNull(serializer, "serializer");
		if (segmentSizeBytes < 64 || inMemoryEvents <= 0 || maxBytesPerExecution < segmentSizeBytes
				|| maxTotalBytes < maxBytesPerExecution) {
			throw new IllegalArgumentException("need 64 <= segmentSizeBytes <= maxBytesPerExecution <= maxTotalBytes"
					+ " and inMemoryEvents > 0 but got " + segmentSizeBytes + ", " + maxBytesPerExecution + ", "
					+ maxTotalBytes + " and " + inMemoryEvents);
		}
	}

	/**
	 * The spill settings of execution options.
	 * @param options the options
	 * @return the settings, or {@code null} when memory-mapped buffers are off
	 */
	public static @Nullable SpillSettings of(StreamingExecutionOptions options) {
		if (!options.enableMemoryMappedBuffers()) {
			return null;
		}
		Path directory = options.memoryMappedDirectory();
		if (directory == null) {
			directory = Path.of(System.getProperty("java.io.tmpdir"), "graph-streaming-spill");
		}
		return new SpillSettings(directory, options.memoryMappedFileSizeBytes(), options.memoryMappedInMemoryEvents(),
				options.memoryMappedMaxBytesPerExecution(), options.memoryMappedMaxTotalBytes(),
				Objects.requireNonNull(options.eventSerializer(), "eventSerializer"));
	}

}
