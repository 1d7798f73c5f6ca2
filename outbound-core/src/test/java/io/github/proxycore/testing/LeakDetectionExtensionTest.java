package io.github.proxycore.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The suite's leak check itself: a buffer that is never released is reported. */
class LeakDetectionExtensionTest {

    @Test
    void anUnreleasedBufferIsReported() throws Exception {
        LeakDetectionExtension.expectingLeak = true;
        List<String> leaks = List.of();
        try {
            leakOne();
            for (int attempt = 0; attempt < 20 && leaks.isEmpty(); attempt++) {
                LeakDetectionExtension.drain();
                leaks = takeLeaks();
            }
        } finally {
            LeakDetectionExtension.expectingLeak = false;
        }
        assertThat(leaks).isNotEmpty();
        assertThat(leaks.get(0)).startsWith("LEAK of ByteBuf").contains("leakOne");
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(32);
        leaked.writeInt(42); // recorded access: the report names this method
        leaked.touch("leakOne");
    }

    /** Consumes the recorded leaks so that this deliberate one does not fail the class. */
    private static List<String> takeLeaks() throws Exception {
        var take = LeakDetectionExtension.class.getDeclaredMethod("take");
        take.setAccessible(true);
        @SuppressWarnings("unchecked")
        List<String> leaks = (List<String>) take.invoke(null);
        return leaks;
    }
}
