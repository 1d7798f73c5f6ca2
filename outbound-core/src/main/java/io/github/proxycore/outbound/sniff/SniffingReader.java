package io.github.proxycore.outbound.sniff;

import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads a connection's first bytes for a domain before it is routed. Placed in front of the handler that keeps the
 * client's early bytes (auto-read off): every message passes on untouched and in order, so the bytes are replayed
 * to the outbound as they came; this handler only looks at a copy (bounded by the sniffers' own limits). It asks
 * for more reads while a sniffer needs more, and gives up at the request's timeout; then it removes itself and
 * reports the name found, or {@code null}. If the client goes away first, nothing is reported.
 */
public final class SniffingReader extends ChannelInboundHandlerAdapter {
    /** No sniffer looks further than this. */
    static final int MAX_BYTES = TlsClientHelloSniffer.MAX_HELLO_BYTES + 5 * 8;

    private final SniffRequest request;
    private final Consumer<String> done;
    private ByteBuf seen;
    private ScheduledFuture<?> timeout;
    private boolean finished;

    /**
     * A handler that sniffs as {@code request} says.
     *
     * @param request which sniffers to run and how long to wait
     * @param done called once on the channel's event loop with the name found, or {@code null}
     */
    public SniffingReader(SniffRequest request, Consumer<String> done) {
        this.request = request;
        this.done = done;
    }

    /**
     * {@code metadata} with what sniffing found: the sniffed domain, and the destination when asked to override.
     *
     * @param metadata the connection's metadata
     * @param domain the name found, or {@code null}
     * @param request the sniffing settings
     * @return the new metadata, or {@code metadata} itself when nothing was found
     */
    public static Metadata apply(Metadata metadata, String domain, SniffRequest request) {
        if (domain == null) {
            return metadata;
        }
        Metadata.Builder b = metadata.toBuilder().sniffedDomain(domain);
        if (request.overrideDestination() && !metadata.destination().isDomain()) {
            b.destination(Destination.of(domain, metadata.destination().port()));
        }
        return b.build();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        seen = ctx.alloc().buffer(512);
        timeout = ctx.executor()
                .schedule(() -> finish(ctx, null), request.timeout().toNanos(), TimeUnit.NANOSECONDS);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (finished || !(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        int take = Math.min(bytes.readableBytes(), MAX_BYTES - seen.readableBytes());
        seen.writeBytes(bytes, bytes.readerIndex(), take);
        ctx.fireChannelRead(msg); // the original goes on untouched: it is replayed to the outbound
        SniffResult result = Sniffers.sniffStream(seen, request.sniffers());
        if (result.needsMore() && seen.readableBytes() < MAX_BYTES) {
            ctx.read();
        } else {
            finish(ctx, result.domain());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finished = true; // the client left: nothing to route
        cleanUp();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cleanUp();
    }

    private void finish(ChannelHandlerContext ctx, String domain) {
        if (finished) {
            return;
        }
        finished = true;
        cleanUp();
        ctx.pipeline().remove(this);
        done.accept(domain);
    }

    private void cleanUp() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
        if (seen != null) {
            seen.release();
            seen = null;
        }
    }
}
