package io.github.proxycore.mixed;

import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Relay;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5Message;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import java.net.InetSocketAddress;

/**
 * SOCKS5 (RFC 1928, RFC 1929): method negotiation (no authentication, or username/password when the inbound has
 * users), then CONNECT or UDP ASSOCIATE. Anything else gets the protocol's error reply and a close.
 */
final class Socks5Handler extends SimpleChannelInboundHandler<Socks5Message> {
    static final String DECODER = "socks5-decoder";

    private final MixedInbound inbound;
    /** The method-selection reply is written but not flushed yet (see {@link #channelReadComplete}). */
    private boolean replyUnflushed;

    Socks5Handler(MixedInbound inbound) {
        this.inbound = inbound;
    }

    /**
     * Flushes the method-selection reply at the end of the read batch, unless a request followed it in the same
     * batch (a client that pipelines greeting and request, as most do): then it goes out with the request's reply,
     * one write and one wake-up of the client instead of two.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (replyUnflushed) {
            replyUnflushed = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Socks5Message message) {
        if (message.decoderResult().isFailure()) {
            rejectMalformed(ctx, message);
        } else if (message instanceof Socks5InitialRequest initial) {
            negotiate(ctx, initial);
        } else if (message instanceof Socks5PasswordAuthRequest auth) {
            authenticate(ctx, auth);
        } else if (message instanceof Socks5CommandRequest command) {
            command(ctx, command);
        } else {
            ctx.close();
        }
    }

    private void negotiate(ChannelHandlerContext ctx, Socks5InitialRequest initial) {
        Socks5AuthMethod wanted =
                inbound.credentials().required() ? Socks5AuthMethod.PASSWORD : Socks5AuthMethod.NO_AUTH;
        if (!initial.authMethods().contains(wanted)) {
            ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED));
            Relay.closeOnFlush(ctx.channel());
            return;
        }
        ctx.pipeline()
                .replace(
                        DECODER,
                        DECODER,
                        wanted == Socks5AuthMethod.PASSWORD
                                ? new Socks5PasswordAuthRequestDecoder()
                                : new Socks5CommandRequestDecoder());
        ctx.write(new DefaultSocks5InitialResponse(wanted));
        replyUnflushed = true;
    }

    private void authenticate(ChannelHandlerContext ctx, Socks5PasswordAuthRequest auth) {
        if (!inbound.credentials().accepts(auth.username(), auth.password())) {
            inbound.authFailures().refused(ctx.channel(), "socks5", auth.username());
            ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE));
            Relay.closeOnFlush(ctx.channel());
            return;
        }
        ctx.pipeline().replace(DECODER, DECODER, new Socks5CommandRequestDecoder());
        ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
    }

    private void command(ChannelHandlerContext ctx, Socks5CommandRequest command) {
        replyUnflushed = false; // every answer to the request is flushed, and the method-selection reply with it
        Destination destination;
        try {
            destination = Destination.of(command.dstAddr(), command.dstPort());
        } catch (IllegalArgumentException e) { // a name no host can have (empty, control characters)
            fail(ctx, Socks5CommandStatus.FAILURE);
            return;
        }
        if (command.type() == Socks5CommandType.CONNECT) {
            Metadata metadata = inbound.metadata(ctx.channel(), Network.TCP, destination);
            OutboundConnector.connect(
                    ctx,
                    inbound.router(),
                    metadata,
                    "socks5",
                    null,
                    success((InetSocketAddress) ctx.channel().localAddress()),
                    Socks5Handler::failure);
        } else if (command.type() == Socks5CommandType.UDP_ASSOCIATE) {
            UdpAssociation.start(ctx, inbound);
        } else {
            fail(ctx, Socks5CommandStatus.COMMAND_UNSUPPORTED);
        }
    }

    private static void rejectMalformed(ChannelHandlerContext ctx, Socks5Message message) {
        if (message instanceof Socks5CommandRequest) {
            String reason = String.valueOf(message.decoderResult().cause());
            fail(
                    ctx,
                    reason.contains("address type")
                            ? Socks5CommandStatus.ADDRESS_UNSUPPORTED
                            : Socks5CommandStatus.FAILURE);
        } else {
            ctx.close(); // before negotiation ends there is no reply that says "malformed"
        }
    }

    static void fail(ChannelHandlerContext ctx, Socks5CommandStatus status) {
        ctx.writeAndFlush(new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4));
        Relay.closeOnFlush(ctx.channel());
    }

    /** A success reply naming {@code bound} as BND.ADDR/BND.PORT. */
    static DefaultSocks5CommandResponse success(InetSocketAddress bound) {
        Destination local = Destination.of(bound);
        return new DefaultSocks5CommandResponse(
                Socks5CommandStatus.SUCCESS,
                local.isIpv6() ? Socks5AddressType.IPv6 : Socks5AddressType.IPv4,
                local.host(),
                local.port());
    }

    private static Object failure(Throwable cause) {
        Socks5CommandStatus status;
        switch (DialFailure.of(cause)) {
            case BLOCKED:
                status = Socks5CommandStatus.FORBIDDEN;
                break;
            case REFUSED:
                status = Socks5CommandStatus.CONNECTION_REFUSED;
                break;
            case UNREACHABLE:
                status = Socks5CommandStatus.HOST_UNREACHABLE;
                break;
            case TIMED_OUT:
                status = Socks5CommandStatus.TTL_EXPIRED;
                break;
            default:
                status = Socks5CommandStatus.FAILURE;
        }
        return new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4);
    }
}
