package io.github.proxycore.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked buffer (or other tracked resource) while it ran.
 *
 * <p>Registered for every test through {@code META-INF/services} (surefire enables JUnit's extension
 * auto-detection). Netty only logs leaks; this installs a {@link ResourceLeakDetectorFactory} that also records
 * them, before any detector exists, and after each class collects garbage and makes the detectors look, so that a
 * leak shows up as a failure of the class that caused it. The build runs with
 * {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer is tracked.
 */
public final class LeakDetectionExtension implements BeforeAllCallback, AfterAllCallback {
    private static final List<String> LEAKS = new ArrayList<>();
    /** Set while the extension's own test leaks on purpose, so the log shows only real leaks. */
    static volatile boolean expectingLeak;

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        drain(); // whatever an earlier class left is reported there, not here
        take();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        drain();
        List<String> leaks = take();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " resource leak(s) detected in " + context.getDisplayName() + ":\n"
                    + String.join("\n\n", leaks));
        }
    }

    /** Collects garbage and allocates tracked buffers so every detector polls its reference queue. */
    static void drain() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            System.runFinalization();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (int i = 0; i < 8; i++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                pooled.release();
                ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                unpooled.release();
            }
        }
    }

    private static List<String> take() {
        synchronized (LEAKS) {
            List<String> copy = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }

    private static void record(String leak) {
        synchronized (LEAKS) {
            LEAKS.add(leak);
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            return new RecordingDetector<>(resource, samplingInterval);
        }

        /** Abstract, so it must exist; Netty no longer uses {@code maxActive}. */
        @Override
        @Deprecated
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(
                Class<T> resource, int samplingInterval, long maxActive) {
            return newResourceLeakDetector(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record("LEAK of " + resourceType + ":" + records);
            if (!expectingLeak) {
                super.reportTracedLeak(resourceType, records);
            }
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record("LEAK of " + resourceType + " (no records; run with paranoid leak detection)");
            if (!expectingLeak) {
                super.reportUntracedLeak(resourceType);
            }
        }
    }
}
