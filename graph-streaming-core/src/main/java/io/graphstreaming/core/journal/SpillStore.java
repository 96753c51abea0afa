package io.graphstreaming.core.journal;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.jspecify.annotations.Nullable;

/**
 * The memory-mapped part of one journal: append-only segment files of length-prefixed
 * records (a 4-byte big-endian length, then the serialized event), in sequence order.
 * Each segment keeps a sparse index (the offset of every {@value #INDEX_STRIDE}th
 * record); a read finds the segment by sequence, starts at the nearest indexed record
 * and skips at most {@value #INDEX_STRIDE} - 1 lengths.
 *
 * <p>Segments are reserved whole against a per-execution and a JVM-wide byte budget; a
 * segment is never reused: once every sequence in it is trimmed (or the journal is
 * closed) it is unmapped, its file deleted and its bytes returned to the budgets. Reads
 * hold a read lock that releasing waits for, so no read touches an unmapped buffer; a
 * read of a released segment finds nothing, as a read of a trimmed event does.
 *
 * <p>Threading: {@link #append} is called by the journal's writer only; {@link #read}
 * from any thread; {@link #releaseBefore} by the writer; {@link #close} from any thread.
 */
final class SpillStore {

	static final int INDEX_STRIDE = 16;

	private static final AtomicLong TOTAL_RESERVED = new AtomicLong();

	private static final Set<SpillStore> LIVE = ConcurrentHashMap.newKeySet();

	private static final AtomicBoolean SHUTDOWN_HOOK = new AtomicBoolean();

	private static final Segment[] NO_SEGMENTS = new Segment[0];

	private final String executionId;

	private final SpillSettings settings;

	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

	private final AtomicLong reserved = new AtomicLong();

	private volatile Segment[] segments = NO_SEGMENTS;

	private volatile @Nullable Path directory;

	private volatile boolean closed;

	private int segmentCount;

	SpillStore(String executionId, SpillSettings settings) {
		this.executionId = executionId;
		this.settings = settings;
	}

	/**
	 * Bytes reserved by all spilling journals of this JVM.
	 */
	static long totalReservedBytes() {
		return TOTAL_RESERVED.get();
	}

	/**
	 * Stores of this JVM that created their directory and are not closed yet.
	 */
	static int liveCount() {
		return LIVE.size();
	}

	/**
	 * Bytes reserved by this journal's segments.
	 */
	long reservedBytes() {
		return this.reserved.get();
	}

	int segmentCount() {
		return this.segments.length;
	}

	@Nullable Path directory() {
		return this.directory;
	}

	/**
	 * Writes an entry after the last one; returns {@code false} (writing nothing) when
	 * the budget has no room for a new segment, the file cannot be created, or the store
	 * is closed.
	 */
	boolean append(JournalEntry entry) {
		if (this.closed) {
			return false;
		}
		byte[] bytes = this.settings.serializer().serialize(entry);
		int needed = bytes.length + 4;
		Segment[] current = this.segments;
		Segment segment = (current.length > 0) ? current[current.length - 1] : null;
		if (segment == null || segment.capacity - segment.writeOffset < needed) {
			segment = newSegment(Math.max(this.settings.segmentSizeBytes(), needed), entry.sequence());
			if (segment == null) {
				return false;
			}
		}
		segment.write(entry.sequence(), bytes);
		return true;
	}

	private @Nullable Segment newSegment(long size, long firstSequence) {
		if (size > Integer.MAX_VALUE || !reserve(size)) {
			return null;
		}
		Segment segment = null;
		Path file = null;
		try {
			Path dir = this.directory;
			if (dir == null) {
				dir = this.settings.directory().resolve(this.executionId);
				Files.createDirectories(dir);
				this.directory = dir;
				LIVE.add(this);
				installShutdownHook();
			}
			file = dir.resolve(String.format("segment-%06d.seg", ++this.segmentCount));
			MappedByteBuffer buffer;
			try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
					StandardOpenOption.WRITE)) {
				buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
			}
			segment = new Segment(file, buffer, (int) size, firstSequence);
		}
		catch (IOException | RuntimeException ex) {
			unreserve(size);
			if (file != null) {
				deleteQuietly(file);
			}
			if (this.closed) {
				deleteDirectory();
				LIVE.remove(this);
			}
			return null;
		}
		synchronized (this) {
			if (this.closed) {
				// closed while this segment (and maybe the directory) was being created
				segment.release();
				unreserve(size);
				deleteDirectory();
				LIVE.remove(this);
				return null;
			}
			Segment[] current = this.segments;
			Segment[] next = Arrays.copyOf(current, current.length + 1);
			next[current.length] = segment;
			this.segments = next;
		}
		return segment;
	}

	private boolean reserve(long size) {
		if (this.reserved.get() + size > this.settings.maxBytesPerExecution()) {
			return false;
		}
		long total;
		do {
			total = TOTAL_RESERVED.get();
			if (total + size > this.settings.maxTotalBytes()) {
				return false;
			}
		}
		while (!TOTAL_RESERVED.compareAndSet(total, total + size));
		this.reserved.addAndGet(size);
		return true;
	}

	private void unreserve(long size) {
		this.reserved.addAndGet(-size);
		TOTAL_RESERVED.addAndGet(-size);
	}

	/**
	 * Reads a spilled entry back.
	 * @return the entry, or {@code null} if the sequence is not (or no longer) spilled
	 */
	@Nullable JournalEntry read(long sequence) {
		Segment segment = find(sequence);
		if (segment == null) {
			return null;
		}
		byte[] bytes;
		ReentrantReadWriteLock.ReadLock readLock = this.lock.readLock();
		readLock.lock();
		try {
			if (segment.released) {
				return null;
			}
			bytes = segment.read(sequence);
		}
		finally {
			readLock.unlock();
		}
		return new JournalEntry(this.settings.serializer().deserialize(bytes));
	}

	private @Nullable Segment find(long sequence) {
		Segment[] current = this.segments;
		int low = 0;
		int high = current.length - 1;
		while (low <= high) {
			int middle = (low + high) >>> 1;
			Segment segment = current[middle];
			if (sequence < segment.firstSequence) {
				high = middle - 1;
			}
			else if (sequence > segment.lastSequence) {
				low = middle + 1;
			}
			else {
				return segment;
			}
		}
		return null;
	}

	/**
	 * Releases the segments, except the one being written, whose every sequence is below
	 * {@code firstRetained}.
	 */
	void releaseBefore(long firstRetained) {
		Segment[] current = this.segments;
		int count = 0;
		while (count < current.length - 1 && current[count].lastSequence < firstRetained) {
			count++;
		}
		if (count == 0) {
			return;
		}
		Segment[] released;
		synchronized (this) {
			current = this.segments;
			released = Arrays.copyOf(current, count);
			this.segments = Arrays.copyOfRange(current, count, current.length);
		}
		release(released);
	}

	/**
	 * Releases every segment and deletes the directory; idempotent.
	 */
	void close() {
		Segment[] released;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			released = this.segments;
			this.segments = NO_SEGMENTS;
		}
		release(released);
		deleteDirectory();
		LIVE.remove(this);
	}

	private void deleteDirectory() {
		Path dir = this.directory;
		if (dir != null) {
			deleteQuietly(dir);
		}
	}

	private static void deleteQuietly(Path path) {
		try {
			Files.deleteIfExists(path);
		}
		catch (IOException ex) {
			// left for the operator: a stray empty directory, or a file we could not delete
		}
	}

	private void release(Segment[] released) {
		if (released.length == 0) {
			return;
		}
		ReentrantReadWriteLock.WriteLock writeLock = this.lock.writeLock();
		writeLock.lock();
		try {
			for (Segment segment : released) {
				segment.released = true;
			}
		}
		finally {
			writeLock.unlock();
		}
		for (Segment segment : released) {
			segment.release();
			unreserve(segment.capacity);
		}
	}

	private static void installShutdownHook() {
		if (SHUTDOWN_HOOK.compareAndSet(false, true)) {
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				for (SpillStore store : LIVE) {
					store.close();
				}
			}, "graph-streaming-spill-cleanup"));
		}
	}

	/**
	 * One segment file, mapped once.
	 */
	private static final class Segment {

		private final Path file;

		private final MappedByteBuffer buffer;

		private final int capacity;

		private final long firstSequence;

		private volatile long lastSequence;

		private volatile int[] index = new int[8];

		private int writeOffset;

		private volatile boolean released;

		Segment(Path file, MappedByteBuffer buffer, int capacity, long firstSequence) {
			this.file = file;
			this.buffer = buffer;
			this.capacity = capacity;
			this.firstSequence = firstSequence;
			this.lastSequence = firstSequence - 1;
		}

		void write(long sequence, byte[] bytes) {
			int offset = this.writeOffset;
			this.buffer.putInt(offset, bytes.length);
			this.buffer.put(offset + 4, bytes);
			int ordinal = (int) (sequence - this.firstSequence);
			if (ordinal % INDEX_STRIDE == 0) {
				int slot = ordinal / INDEX_STRIDE;
				int[] current = this.index;
				if (slot >= current.length) {
					current = Arrays.copyOf(current, current.length * 2);
				}
				current[slot] = offset;
				this.index = current;
			}
			this.writeOffset = offset + 4 + bytes.length;
			// publishes the record and the index to readers
			this.lastSequence = sequence;
		}

		byte[] read(long sequence) {
			int ordinal = (int) (sequence - this.firstSequence);
			int offset = this.index[ordinal / INDEX_STRIDE];
			for (int skip = ordinal % INDEX_STRIDE; skip > 0; skip--) {
				offset += 4 + this.buffer.getInt(offset);
			}
			byte[] bytes = new byte[this.buffer.getInt(offset)];
			this.buffer.get(offset + 4, bytes);
			return bytes;
		}

		void release() {
			Unmapper.unmap(this.buffer);
			try {
				Files.deleteIfExists(this.file);
			}
			catch (IOException ex) {
				// the shutdown hook or the operator removes it
			}
		}

	}

	/**
	 * Unmaps a buffer at once where the JDK allows it ({@code sun.misc.Unsafe.invokeCleaner}
	 * of {@code jdk.unsupported}); otherwise the mapping goes when the buffer is collected.
	 * Only called once no reader can touch the buffer.
	 */
	private static final class Unmapper {

		private static final @Nullable Object UNSAFE;

		private static final @Nullable Method INVOKE_CLEANER;

		static {
			Object unsafe = null;
			Method invokeCleaner = null;
			try {
				Class<?> type = Class.forName("sun.misc.Unsafe");
				Field field = type.getDeclaredField("theUnsafe");
				field.setAccessible(true);
				unsafe = field.get(null);
				invokeCleaner = type.getMethod("invokeCleaner", ByteBuffer.class);
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				unsafe = null;
				invokeCleaner = null;
			}
			UNSAFE = unsafe;
			INVOKE_CLEANER = invokeCleaner;
		}

		static void unmap(MappedByteBuffer buffer) {
			if (UNSAFE != null && INVOKE_CLEANER != null) {
				try {
					INVOKE_CLEANER.invoke(UNSAFE, buffer);
				}
				catch (ReflectiveOperationException | RuntimeException ex) {
					// left to the garbage collector
				}
			}
		}

	}

}
