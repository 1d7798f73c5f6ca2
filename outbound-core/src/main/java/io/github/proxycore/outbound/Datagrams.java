package io.github.proxycore.outbound;

import io.netty.buffer.ByteBuf;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;

/**
 * Whole datagrams on UDP sockets. Netty reads a datagram into a buffer of 2,048 bytes by default and silently cuts
 * what does not fit; DNS with EDNS, QUIC and games send more. Sockets that relay datagrams read with
 * {@link #RECEIVE_ALLOCATOR}, and hand on what they read with {@link #retainedCompact}.
 */
public final class Datagrams {
    /**
     * The largest UDP payload over IPv6 without jumbograms (65,535 minus the 8-byte UDP header); over IPv4 it is
     * 65,507.
     */
    public static final int MAX_PAYLOAD = 65_527;

    /** Reads each datagram into a buffer that holds the largest one. */
    public static final RecvByteBufAllocator RECEIVE_ALLOCATOR = new FixedRecvByteBufAllocator(65_536);

    private Datagrams() {}

    /**
     * A new reference to the readable bytes of {@code datagram}: a retained slice, or a copy when they fill less
     * than half of its buffer, so that a small datagram waiting in a queue pins its own size, not the 64 KiB it was
     * read into. The caller still owns {@code datagram}.
     *
     * @param datagram a datagram's buffer; its reader index is not moved
     * @return a buffer the caller owns and must release
     */
    public static ByteBuf retainedCompact(ByteBuf datagram) {
        int length = datagram.readableBytes();
        if (length >= datagram.capacity() / 2) {
            return datagram.retainedSlice();
        }
        return datagram.alloc().buffer(length).writeBytes(datagram, datagram.readerIndex(), length);
    }
}
