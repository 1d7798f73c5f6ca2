package io.github.proxycore.anytls.internal.wire;

import io.github.proxycore.outbound.UdpPacket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Writes {@link UdpPacket}s to a stream as UDP-over-TCP v2 datagrams (docs/protocol.md). The request that opens the
 * stream ({@link UotAddress#request}) is not this encoder's: the client sends it with the stream's address.
 */
public final class UotEncoder extends ChannelOutboundHandlerAdapter {
    private final boolean connect;

    /** @param connect whether the stream is in connect mode (datagrams carry no address) */
    public UotEncoder(boolean connect) {
        this.connect = connect;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof UdpPacket packet)) {
            ctx.write(msg, promise);
            return;
        }
        int length = packet.content().readableBytes();
        if (length > 65535) {
            packet.release();
            promise.tryFailure(new IllegalArgumentException("datagram longer than 65535 bytes"));
            return;
        }
        int headerLength = (connect ? 0 : UotAddress.encodedLength(packet.address())) + 2;
        // one buffer per datagram, so that each datagram is one PSH frame
        ByteBuf header = ctx.alloc().buffer(headerLength + length);
        if (!connect) {
            UotAddress.encode(packet.address(), header);
        }
        header.writeShort(length);
        header.writeBytes(packet.content(), packet.content().readerIndex(), length);
        packet.release();
        ctx.write(header, promise);
    }
}
