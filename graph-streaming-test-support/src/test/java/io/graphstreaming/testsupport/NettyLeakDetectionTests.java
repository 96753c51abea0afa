package io.graphstreaming.testsupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link NettyLeakDetection}: a buffer dropped without release is reported and
 * fails the test class's check with its record; released buffers pass.
 */
class NettyLeakDetectionTests {

	@BeforeEach
	void install() {
		NettyLeakDetection.install();
		NettyLeakDetection.collectLeaks();
		NettyLeakDetection.drainLeaks();
	}

	@Test
	void runsAtTheParanoidLevel() {
		assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
	}

	@Test
	void aBufferDroppedWithoutReleaseFailsTheCheckWithItsRecord() {
		leakOneBuffer();

		NettyLeakDetection.collectLeaks();

		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> NettyLeakDetection.failOnLeaks("here"))
			.withMessageContaining("Netty resource leak(s) reported")
			.withMessageContaining("LEAK: ByteBuf was garbage-collected without being released")
			.withMessageContaining("leakOneBuffer");
		assertThat(NettyLeakDetection.drainLeaks()).isEmpty();
	}

	@Test
	void releasedBuffersPassTheCheck() {
		for (int i = 0; i < 100; i++) {
			ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(64);
			buffer.writeInt(i);
			buffer.release();
		}

		NettyLeakDetection.collectLeaks();

		assertThatCode(() -> NettyLeakDetection.failOnLeaks("here")).doesNotThrowAnyException();
	}

	private static void leakOneBuffer() {
		ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(64);
		buffer.writeInt(42);
	}

}
