package io.github.proxycore.anytls.internal.wire;

import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.UdpPacket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Reads UDP-over-TCP v2 datagrams from a stream (docs/protocol.md) as {@link UdpPacket}s: {@code addr + port + len +
 * payload} in not-connect mode, {@code len + payload} (from the fixed destination) in connect mode.
 */
public final class UotDecoder extends ByteToMessageDecoder {
    private final Destination connected;

    /** @param connected the destination of a connect-mode stream, or {@code null} for not-connect mode */
    public UotDecoder(Destination connected) {
        this.connected = connected;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        for (; ; ) {
            int start = in.readerIndex();
            Destination from = connected != null ? connected : UotAddress.decode(in);
            if (from == null || in.readableBytes() < 2) {
                in.readerIndex(start);
                return;
            }
            int length = in.readUnsignedShort();
            if (in.readableBytes() < length) {
                in.readerIndex(start);
                return;
            }
            out.add(new UdpPacket(in.readRetainedSlice(length), from));
        }
    }
}
