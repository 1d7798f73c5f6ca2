package io.github.proxycore.anytls.internal;

import io.github.proxycore.outbound.UdpPacket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Writes {@link UdpPacket}s to a stream as UDP-over-TCP v2 datagrams (§9). On the client, the request header
 * ({@code isConnect} + SOCKS destination) goes out with the first datagram, as the reference's lazy connection does.
 */
public final class UotEncoder extends ChannelOutboundHandlerAdapter {
    private final boolean connect;
    private ByteBuf request;

    /**
     * @param connect whether the stream is in connect mode (datagrams carry no address)
     * @param request the request header to send first (owned by the encoder), or {@code null} on the server
     */
    public UotEncoder(boolean connect, ByteBuf request) {
        this.connect = connect;
        this.request = request;
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
        // one buffer per datagram, so that each datagram (with the request before the first) is one PSH frame
        ByteBuf header = ctx.alloc().buffer((request == null ? 0 : request.readableBytes()) + headerLength + length);
        if (request != null) {
            header.writeBytes(request);
            request.release();
            request = null;
        }
        if (!connect) {
            UotAddress.encode(packet.address(), header);
        }
        header.writeShort(length);
        header.writeBytes(packet.content(), packet.content().readerIndex(), length);
        packet.release();
        ctx.write(header, promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (request != null) {
            request.release();
            request = null;
        }
    }
}
