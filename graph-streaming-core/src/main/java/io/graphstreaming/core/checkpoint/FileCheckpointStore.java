package io.graphstreaming.core.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Checkpoints in files, one per checkpoint, so that an execution can resume after the
 * JVM restarts: {@code <directory>/<executionId>/<checkpointId>.ckpt}, in the bytes of a
 * {@link CheckpointCodec}. Keeps at most {@code maxPerExecution} checkpoints per
 * execution (the newest), deleting older files after each save.
 *
 * <p>A checkpoint is written to a temporary file in the same directory, forced to disk
 * and moved over its name atomically where the file system can, so that a reader or a
 * crash never finds half a checkpoint. Temporary names start with a dot, which ids may
 * not, so no id ever names one and listings skip them.
 *
 * <p>Checkpoint ids must be {@code <executionId>-<number>} (as runs create them): a
 * load finds the execution's directory from the id, and a listing orders checkpoints by
 * the number, so {@code -10} comes after {@code -2}. Ids become file names, so they may
 * only hold {@code [A-Za-z0-9._-]}, must not start with a dot, and are at most
 * {@value #MAX_ID_LENGTH} characters long: nothing in an id can reach outside the
 * directory.
 *
 * <p>All file work runs on {@link Schedulers#boundedElastic()}. Saves of different
 * executions touch different directories and may run concurrently.
 */
public final class FileCheckpointStore implements CheckpointStore {

	static final String SUFFIX = ".ckpt";

	/** Leaves room in a 255-byte file name for the suffix and a temporary file's additions. */
	static final int MAX_ID_LENGTH = 200;

	private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9._-]+");

	private static final Pattern NUMBERED = Pattern.compile("(.+)-([0-9]{1,18})");

	private final Path directory;

	private final CheckpointCodec codec;

	private final int maxPerExecution;

	/**
	 * A store keeping the newest 100 checkpoints of each execution.
	 * @param directory where to keep them; created on the first save
	 * @param codec how checkpoints become bytes
	 */
	public FileCheckpointStore(Path directory, CheckpointCodec codec) {
		this(directory, codec, 100);
	}

	/**
	 * A store keeping the newest checkpoints of each execution.
	 * @param directory where to keep them; created on the first save
	 * @param codec how checkpoints become bytes
	 * @param maxPerExecution strictly positive
	 */
	public FileCheckpointStore(Path directory, CheckpointCodec codec, int maxPerExecution) {
		this.directory = Objects.requireNonNull(directory, "directory");
		this.codec = Objects.requireNonNull(codec, "codec");
		if (maxPerExecution <= 0) {
			throw new IllegalArgumentException("maxPerExecution must be strictly positive but was " + maxPerExecution);
		}
		this.maxPerExecution = maxPerExecution;
	}

	/**
	 * {@inheritDoc}
	 * <p>Signals {@link IllegalArgumentException} if the ids cannot be file names, the
	 * checkpoint id is not {@code <executionId>-<number>}, or the codec cannot encode the
	 * state.
	 */
	@Override
	public Mono<Void> save(Checkpoint checkpoint) {
		Objects.requireNonNull(checkpoint, "checkpoint");
		return Mono.<Void>fromRunnable(() -> {
			String executionId = requireFileName(checkpoint.executionId(), "executionId");
			String checkpointId = requireFileName(checkpoint.checkpointId(), "checkpointId");
			if (!executionId.equals(executionOf(checkpointId))) {
				throw new IllegalArgumentException("checkpointId must be <executionId>-<number> ('" + executionId
						+ "-1') but was '" + checkpointId + "'");
			}
			byte[] bytes = this.codec.encode(checkpoint);
			try {
				Path executionDirectory = Files.createDirectories(this.directory.resolve(executionId));
				writeAtomically(executionDirectory, checkpointId, bytes);
				prune(executionDirectory, executionId);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not save checkpoint '" + checkpointId + "'", ex);
			}
		}).subscribeOn(Schedulers.boundedElastic());
	}

	private static void writeAtomically(Path executionDirectory, String checkpointId, byte[] bytes)
			throws IOException {
		Path temp = Files.createTempFile(executionDirectory, "." + checkpointId + ".", ".tmp");
		try {
			try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
				ByteBuffer buffer = ByteBuffer.wrap(bytes);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				// Without this a crash soon after the move can leave an empty file on some
				// file systems: the rename reaches the disk before the data.
				channel.force(false);
			}
			Path target = executionDirectory.resolve(checkpointId + SUFFIX);
			try {
				Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			Files.deleteIfExists(temp);
		}
	}

	private void prune(Path executionDirectory, String executionId) throws IOException {
		List<Numbered> files = numberedFiles(executionDirectory, executionId);
		for (int i = 0; i < files.size() - this.maxPerExecution; i++) {
			// A concurrent save of the same execution may have pruned it already.
			Files.deleteIfExists(files.get(i).path());
		}
	}

	/**
	 * {@inheritDoc}
	 * <p>Signals {@link IllegalArgumentException} if the id cannot be a file name, and
	 * {@link IllegalStateException} naming the file if it cannot be decoded. An id that
	 * is not {@code <executionId>-<number>} names no checkpoint of this store.
	 */
	@Override
	public Mono<Checkpoint> load(String checkpointId) {
		Objects.requireNonNull(checkpointId, "checkpointId");
		return Mono.fromCallable(() -> {
			requireFileName(checkpointId, "checkpointId");
			String executionId = executionOf(checkpointId);
			if (executionId == null) {
				return null;
			}
			Checkpoint checkpoint = read(this.directory.resolve(executionId).resolve(checkpointId + SUFFIX));
			if (checkpoint != null && !checkpoint.checkpointId().equals(checkpointId)) {
				throw new IllegalStateException("Checkpoint file " + this.directory.resolve(executionId)
					.resolve(checkpointId + SUFFIX) + " holds checkpoint '" + checkpoint.checkpointId() + "'");
			}
			return checkpoint;
		}).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * {@inheritDoc}
	 * <p>Signals {@link IllegalArgumentException} if the id cannot be a file name, and
	 * {@link IllegalStateException} naming the file if one cannot be decoded (rather than
	 * skipping it, which would make {@link #latest} resume from an older checkpoint).
	 */
	@Override
	public Flux<Checkpoint> list(String executionId) {
		Objects.requireNonNull(executionId, "executionId");
		return Mono.fromCallable(() -> {
			requireFileName(executionId, "executionId");
			List<Checkpoint> checkpoints = new ArrayList<>();
			for (Numbered file : numberedFiles(this.directory.resolve(executionId), executionId)) {
				Checkpoint checkpoint = read(file.path());
				if (checkpoint != null) {
					checkpoints.add(checkpoint);
				}
			}
			return checkpoints;
		}).subscribeOn(Schedulers.boundedElastic()).flatMapIterable((checkpoints) -> checkpoints);
	}

	/**
	 * {@inheritDoc}
	 * <p>Signals {@link IllegalArgumentException} if the id cannot be a file name.
	 */
	@Override
	public Mono<Void> delete(String executionId) {
		Objects.requireNonNull(executionId, "executionId");
		return Mono.<Void>fromRunnable(() -> {
			requireFileName(executionId, "executionId");
			Path executionDirectory = this.directory.resolve(executionId);
			try (Stream<Path> files = Files.list(executionDirectory)) {
				for (Path file : (Iterable<Path>) files::iterator) {
					Files.deleteIfExists(file);
				}
				Files.deleteIfExists(executionDirectory);
			}
			catch (NoSuchFileException ex) {
				// nothing saved for it
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not delete checkpoints of execution '" + executionId + "'", ex);
			}
		}).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * The checkpoint in a file, or null if the file does not exist (any more).
	 */
	private @Nullable Checkpoint read(Path file) {
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(file);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read checkpoint file " + file, ex);
		}
		try {
			return this.codec.decode(bytes);
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Checkpoint file " + file + " is corrupt or was not written by this "
					+ "store's codec: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The checkpoint files of an execution, oldest (lowest number) first; empty if its
	 * directory does not exist. Skips temporary files and any file not named as this
	 * store names checkpoints.
	 */
	private static List<Numbered> numberedFiles(Path executionDirectory, String executionId) throws IOException {
		List<Numbered> numbered = new ArrayList<>();
		try (Stream<Path> files = Files.list(executionDirectory)) {
			for (Path file : (Iterable<Path>) files::iterator) {
				String name = file.getFileName().toString();
				if (name.startsWith(".") || !name.endsWith(SUFFIX)) {
					continue;
				}
				String checkpointId = name.substring(0, name.length() - SUFFIX.length());
				if (executionId.equals(executionOf(checkpointId))) {
					numbered.add(new Numbered(file, numberOf(checkpointId)));
				}
			}
		}
		catch (NoSuchFileException ex) {
			return List.of();
		}
		numbered.sort(Comparator.comparingLong(Numbered::number));
		return numbered;
	}

	/**
	 * The execution id of a {@code <executionId>-<number>} checkpoint id, or null if the
	 * id is not of that form.
	 */
	static @Nullable String executionOf(String checkpointId) {
		Matcher matcher = NUMBERED.matcher(checkpointId);
		return matcher.matches() ? matcher.group(1) : null;
	}

	private static long numberOf(String checkpointId) {
		return Long.parseLong(checkpointId.substring(checkpointId.lastIndexOf('-') + 1));
	}

	/**
	 * Checks that an id can safely be a file name in the store's directory.
	 */
	static String requireFileName(String id, String name) {
		if (id.length() > MAX_ID_LENGTH) {
			throw new IllegalArgumentException(name + " must be at most " + MAX_ID_LENGTH + " characters but was "
					+ id.length() + " long");
		}
		if (!FILE_NAME.matcher(id).matches()) {
			throw new IllegalArgumentException(
					name + " may only hold letters, digits, '.', '_' and '-' (it names a file) but was '" + id + "'");
		}
		if (id.startsWith(".")) {
			throw new IllegalArgumentException(
					name + " must not start with '.' (it names a file; '.' and '..' are directories) but was '" + id
							+ "'");
		}
		return id;
	}

	private record Numbered(Path path, long number) {
	}

}
