package io.github.proxycore.anytls.internal;

import io.github.proxycore.anytls.internal.wire.TlsRecordSplitter;
import io.github.proxycore.config.GoDuration;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates a server connection from the plaintext of its first TLS record alone, as anytls-go does
 * (docs/protocol.md, auth preamble): SHA-256 of a known password, the padding0 length, and that many padding bytes. On
 * success it replaces itself with a {@link ServerSession} and passes on the frames that followed the preamble in that
 * record. On failure it hands the connection to the fallback handler with the record replayed, or closes it.
 */
public final class AuthHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AuthHandler.class);
    private static final int HASH_LENGTH = 32;

    private final ServerConfig config;
    private ScheduledFuture<?> timeout;
    private boolean done;

    public AuthHandler(ServerConfig config) {
        this.config = config;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor()
                .schedule(
                        () -> {
                            if (!done) {
                                log.debug(
                                        "{}: no authentication within {}, closing",
                                        ctx.channel(),
                                        GoDuration.format(config.authTimeout()));
                                ctx.close();
                            }
                        },
                        config.authTimeout().toNanos(),
                        TimeUnit.NANOSECONDS);
        if (ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            log.debug(
                    "{}: TLS handshake failed: {}",
                    ctx.channel(),
                    handshake.cause().toString());
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done || !(msg instanceof ByteBuf first)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        done = true;
        timeout.cancel(false);
        String user = verify(first);
        if (user == null) {
            reject(ctx, first);
            return;
        }
        int padding = first.getUnsignedShort(first.readerIndex() + HASH_LENGTH);
        first.skipBytes(HASH_LENGTH + 2 + padding);
        log.debug("{}: user {} authenticated", ctx.channel(), user);
        ServerSession session = new ServerSession(config);
        ctx.pipeline().addAfter(ctx.name(), "anytls-session", session);
        handOver(ctx, first);
    }

    /** The user name, or {@code null} if the record does not hold a valid preamble. */
    private String verify(ByteBuf first) {
        if (first.readableBytes() < HASH_LENGTH + 2) {
            return null;
        }
        byte[] hash = new byte[HASH_LENGTH];
        first.getBytes(first.readerIndex(), hash);
        String user = config.passwords().authenticate(hash);
        int padding = first.getUnsignedShort(first.readerIndex() + HASH_LENGTH);
        if (first.readableBytes() < HASH_LENGTH + 2 + padding) {
            return null; // truncated padding: anytls-go's single read comes up short
        }
        return user;
    }

    private void reject(ChannelHandlerContext ctx, ByteBuf first) {
        ChannelHandler fallback =
                config.fallback() == null ? null : config.fallback().get();
        if (fallback == null) {
            log.debug("{}: authentication failed, closing", ctx.channel());
            first.release();
            ctx.close();
            return;
        }
        log.debug("{}: authentication failed, handing the connection to the fallback", ctx.channel());
        ctx.pipeline().addAfter(ctx.name(), "anytls-fallback", fallback);
        ctx.channel().config().setAutoRead(true);
        handOver(ctx, first);
    }

    /**
     * Removes this handler and passes {@code first} to the handler after it. The record splitter goes later, from
     * the event loop's queue: records it has already split may still be on their way through this same call, and
     * removing it now would pass its remaining bytes to the SslHandler ahead of them.
     */
    private void handOver(ChannelHandlerContext ctx, ByteBuf first) {
        ctx.pipeline().remove(this);
        if (first.isReadable()) {
            ctx.fireChannelRead(first); // a removed context still forwards to what followed it
        } else {
            first.release();
        }
        ctx.executor().execute(() -> removeSplitter(ctx));
    }

    private static void removeSplitter(ChannelHandlerContext ctx) {
        if (ctx.pipeline().get(TlsRecordSplitter.class) != null) {
            ctx.pipeline().remove(TlsRecordSplitter.class);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // TLS failures of scanners and wrong clients: routine for a server, not worth more than a debug line
        log.debug("{}: closing before authentication: {}", ctx.channel(), cause.toString());
        ctx.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }
}
