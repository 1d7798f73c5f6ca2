package io.github.proxycore.testing;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Heap buffers, every one remembered so that none can stay unreleased unnoticed: for fuzz targets, where the leak
 * detector's sampling and its report after garbage collection come too late to name the input that leaked.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> allocated = new ArrayList<>();

    /** An allocator of unpooled heap buffers (direct requests get heap buffers too). */
    public TrackingAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf buf = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        allocated.add(buf);
        return buf;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** Throws an {@link AssertionError} naming the first buffer this allocator made that is not released. */
    public void checkAllReleased() {
        for (ByteBuf buf : allocated) {
            if (buf.refCnt() != 0) {
                throw new AssertionError("a buffer was not released: " + buf);
            }
        }
    }
}
