package io.github.proxycore.mixed;

import io.github.proxycore.config.GoDuration;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a client that has not finished its proxy request in time (a truncated or stalled handshake must not hold
 * a connection forever), and is the last word on errors during the handshake: they are logged and the connection
 * closed, never left to reach the end of the pipeline. Removed once the request is read.
 */
final class HandshakeGuard extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HandshakeGuard.class);

    private final Duration timeout;
    private ScheduledFuture<?> timer;

    HandshakeGuard(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor()
                .schedule(
                        () -> {
                            log.debug(
                                    "{}: no complete proxy request within {}, closing",
                                    ctx.channel().remoteAddress(),
                                    GoDuration.format(timeout));
                            ctx.close();
                        },
                        timeout.toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timer.cancel(false);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: proxy handshake failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
