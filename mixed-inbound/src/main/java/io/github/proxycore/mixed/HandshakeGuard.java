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
 * closed, never left to reach the end of the pipeline. Removed once the request is read; its removal, on success
 * or on close, ends the connection's handshake for the listener's count.
 */
final class HandshakeGuard extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HandshakeGuard.class);

    private final Duration timeout;
    private final Runnable done;
    private ScheduledFuture<?> timer;

    HandshakeGuard(Duration timeout, Runnable done) {
        this.timeout = timeout;
        this.done = done;
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
        done.run(); // Netty calls this once per handler, whether removed by hand or with the closed pipeline
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: proxy handshake failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
