package io.graphstreaming.testsupport;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails tests on Netty leak reports: a JUnit Jupiter extension that listens to Netty's
 * {@link ResourceLeakDetector}s (the one of every {@code ByteBuf}, and every detector
 * created later) and fails the test during which a leak was reported, or the test class
 * after whose tests one was found, with the leak's record (where the object was created
 * and last touched).
 *
 * <p>Netty reports a leak only when the garbage collector has collected an unreleased
 * object and a later allocation polls the detector. So after each test class this
 * extension runs the collector, waits for the reference handler, and allocates a probe
 * buffer, so that leaks of that class are reported before the next class starts. At
 * Netty's {@code paranoid} level (system property {@code io.netty.leakDetection.level},
 * set by the build for every test JVM; the extension sets it when nothing did) every
 * buffer is tracked.
 *
 * <p>Registered through {@code META-INF/services/org.junit.jupiter.api.extension.Extension}
 * in a module's test resources, with
 * {@code junit.jupiter.extensions.autodetection.enabled=true}.
 */
public class NettyLeakDetection implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

	private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

	private static final ResourceLeakDetector.LeakListener LISTENER = (resourceType, records) -> LEAKS
		.add("LEAK: " + resourceType + " was garbage-collected without being released." + records);

	private static final int GC_ROUNDS = 3;

	private static volatile boolean installed;

	@Override
	public void beforeAll(ExtensionContext context) {
		install();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		failOnLeaks("during " + context.getDisplayName());
	}

	@Override
	public void afterAll(ExtensionContext context) {
		collectLeaks();
		failOnLeaks("by the tests of " + context.getDisplayName());
	}

	/**
	 * Listens to the {@code ByteBuf} leak detector and to every detector created from now
	 * on; idempotent.
	 */
	static synchronized void install() {
		if (installed) {
			return;
		}
		if (System.getProperty("io.netty.leakDetection.level") == null) {
			ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
		}
		ResourceLeakDetectorFactory defaults = ResourceLeakDetectorFactory.instance();
		ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
			@Override
			@SuppressWarnings("deprecation")
			public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
					long maxActive) {
				return listenedTo(defaults.newResourceLeakDetector(resource, samplingInterval, maxActive));
			}

			@Override
			public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
				return listenedTo(defaults.newResourceLeakDetector(resource, samplingInterval));
			}
		});
		listenedTo(byteBufLeakDetector());
		installed = true;
	}

	/**
	 * Runs the garbage collector until it has processed its references, then lets the
	 * detectors poll them (a tracked allocation does), so that leaked objects that are
	 * unreachable now are reported now.
	 */
	static void collectLeaks() {
		for (int round = 0; round < GC_ROUNDS; round++) {
			ReferenceQueue<Object> queue = new ReferenceQueue<>();
			WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
			System.gc();
			try {
				queue.remove(TimeUnit.SECONDS.toMillis(1));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			sentinel.clear();
			// a direct buffer: unpooled heap buffers are not tracked, so they poll nothing
			ByteBuf probe = UnpooledByteBufAllocator.DEFAULT.directBuffer(1);
			probe.release();
		}
	}

	/**
	 * The leaks reported since the last call, removed.
	 * @return the leak records
	 */
	static List<String> drainLeaks() {
		List<String> leaks = new ArrayList<>();
		String leak;
		while ((leak = LEAKS.poll()) != null) {
			leaks.add(leak);
		}
		return leaks;
	}

	/**
	 * Throws if leaks were reported since the last check.
	 * @param when says when they were reported, for the message
	 * @throws AssertionError listing every leak record
	 */
	static void failOnLeaks(String when) {
		List<String> leaks = drainLeaks();
		if (!leaks.isEmpty()) {
			throw new AssertionError(leaks.size() + " Netty resource leak(s) reported " + when + ":\n"
					+ String.join("\n\n", leaks));
		}
	}

	private static <T> ResourceLeakDetector<T> listenedTo(ResourceLeakDetector<T> detector) {
		detector.setLeakListener(LISTENER);
		return detector;
	}

	@SuppressWarnings("unchecked")
	private static ResourceLeakDetector<ByteBuf> byteBufLeakDetector() {
		try {
			Field field = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
			field.setAccessible(true);
			return (ResourceLeakDetector<ByteBuf>) field.get(null);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot reach Netty's ByteBuf leak detector to listen to it", ex);
		}
	}

}
