package io.github.proxycore.mixed;

import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Relay;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.socksx.v4.DefaultSocks4CommandResponse;
import io.netty.handler.codec.socksx.v4.Socks4CommandRequest;
import io.netty.handler.codec.socksx.v4.Socks4CommandStatus;
import io.netty.handler.codec.socksx.v4.Socks4CommandType;

/**
 * SOCKS4 and SOCKS4a CONNECT. SOCKS4 carries no password, so an inbound that has users refuses it; BIND is not
 * supported.
 */
final class Socks4Handler extends SimpleChannelInboundHandler<Socks4CommandRequest> {
    private final MixedInbound inbound;

    Socks4Handler(MixedInbound inbound) {
        this.inbound = inbound;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Socks4CommandRequest request) {
        if (request.decoderResult().isSuccess()
                && request.type() == Socks4CommandType.CONNECT
                && inbound.credentials().required()) {
            // SOCKS4 has no passwords: with users configured it is refused
            inbound.authFailures().refused(ctx.channel(), "socks4", request.userId());
        }
        if (request.decoderResult().isFailure()
                || request.type() != Socks4CommandType.CONNECT
                || inbound.credentials().required()) {
            reject(ctx);
            return;
        }
        Destination destination;
        try {
            destination = Destination.of(request.dstAddr(), request.dstPort());
        } catch (IllegalArgumentException e) {
            reject(ctx);
            return;
        }
        Metadata metadata = inbound.metadata(ctx.channel(), Network.TCP, destination);
        OutboundConnector.connect(
                ctx,
                inbound.router(),
                metadata,
                "socks4",
                null,
                new DefaultSocks4CommandResponse(Socks4CommandStatus.SUCCESS),
                cause -> new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED));
    }

    private static void reject(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED));
        Relay.closeOnFlush(ctx.channel());
    }
}
