package io.github.proxycore.mixed;

import io.github.proxycore.outbound.ConnectionRouter;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Relay;
import io.github.proxycore.outbound.sniff.SniffRequest;
import io.github.proxycore.outbound.sniff.SniffingReader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of every proxy request on the mixed inbound: once the request is read, dial through the router,
 * answer the client in its protocol, and relay.
 *
 * <p>Installed at the end of the client's pipeline with auto-read off. Bytes the client already sent behind its
 * request (pipelined data) arrive here and are held until the outbound is up, then written to it first, after
 * {@code toOutbound} (the rewritten head of a plain HTTP request). On success the protocol handlers are removed and
 * the two channels are joined by {@link Relay}; on failure the client gets {@code onFailure}'s reply and is closed.
 */
final class OutboundConnector extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(OutboundConnector.class);

    private final Metadata metadata;
    private final String protocol;
    private ByteBuf toOutbound; // owned until handed to the outbound
    private Object successReply; // owned until written to the client
    private Function<Throwable, Object> failureReply;
    private final ArrayDeque<Object> early = new ArrayDeque<>();
    private Future<Channel> dial;
    /** Inside {@link #dial}: a completion now is synchronous, within the protocol handler's read. */
    private boolean dialing;

    private OutboundConnector(
            Metadata metadata,
            String protocol,
            ByteBuf toOutbound,
            Object successReply,
            Function<Throwable, Object> failureReply) {
        this.metadata = metadata;
        this.protocol = protocol;
        this.toOutbound = toOutbound;
        this.successReply = successReply;
        this.failureReply = failureReply;
    }

    /**
     * Starts connecting the client on {@code ctx}'s channel.
     *
     * @param protocol for logs: socks4, socks5, http-connect, http
     * @param toOutbound bytes to send to the destination before anything the client sent (owned by this call), or
     *     {@code null}
     * @param successReply the message written to the client once connected, or {@code null}
     * @param failureReply the message written to the client before closing it, or {@code null} to just close
     */
    static void connect(
            ChannelHandlerContext ctx,
            ConnectionRouter router,
            Metadata metadata,
            String protocol,
            ByteBuf toOutbound,
            Object successReply,
            Function<Throwable, Object> failureReply) {
        Channel client = ctx.channel();
        client.config().setAutoRead(false);
        if (client.pipeline().get(HandshakeGuard.class) != null) {
            // the request is complete: the dial is bounded by its own timeouts, and errors are this handler's now
            client.pipeline().remove(HandshakeGuard.class);
        }
        OutboundConnector connector = new OutboundConnector(metadata, protocol, toOutbound, successReply, failureReply);
        client.pipeline().addLast("connector", connector);
        log.debug("{} {} {} -> {}", metadata.inboundTag(), protocol, metadata.source(), metadata.destination());
        // a client speaks first only once its request is answered, so sniffing answers before the dial
        SniffRequest sniff = successReply != null && toOutbound == null ? router.sniffRequest(metadata) : null;
        if (sniff == null) {
            connector.dial(client, router, metadata);
            return;
        }
        // a task of its own, as for the dial: the protocol handlers are removed outside their own read
        client.eventLoop().execute(() -> {
            if (!client.isActive()) {
                return;
            }
            client.writeAndFlush(connector.successReply);
            connector.successReply = null;
            connector.failureReply = null; // answered already: a failed dial just closes
            removeAllBut(client.pipeline(), connector);
            client.pipeline().addBefore("connector", "sniffer", new SniffingReader(sniff, domain -> {
                log.debug("{} {} {} sniffed {}", metadata.inboundTag(), protocol, metadata.source(), domain);
                connector.dial(client, router, SniffingReader.apply(metadata, domain, sniff));
            }));
        });
    }

    private void dial(Channel client, ConnectionRouter router, Metadata routed) {
        dialing = true;
        dial = router.dial(routed);
        // Never inline while the dial is being made: a dial that is already done would run the listener right here,
        // inside the protocol handler that is still reading the request, and pull the pipeline from under it. One
        // that completes later on the client's own loop (a direct connection, a stream on a session of that loop)
        // goes on at once, without a task.
        dial.addListener(f -> {
            if (!dialing && client.eventLoop().inEventLoop()) {
                dialed(client);
            } else {
                client.eventLoop().execute(() -> dialed(client));
            }
        });
        dialing = false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf) {
            early.add(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (dial != null) {
            dial.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} {} {}: {}", metadata.inboundTag(), protocol, metadata.source(), cause.toString());
        ctx.close();
    }

    private void dialed(Channel client) {
        if (!dial.isSuccess()) {
            if (!dial.isCancelled()) {
                log.info(
                        "{} {} {} -> {} failed: {}",
                        metadata.inboundTag(),
                        protocol,
                        metadata.source(),
                        metadata.destination(),
                        dial.cause().getMessage());
                Object reply = failureReply == null ? null : failureReply.apply(dial.cause());
                if (reply != null && client.isActive()) {
                    client.writeAndFlush(reply);
                }
            }
            releaseAll();
            Relay.closeOnFlush(client);
            return;
        }
        Channel outbound = dial.getNow();
        if (!client.isActive()) {
            releaseAll();
            outbound.close();
            return;
        }
        if (successReply != null) {
            client.writeAndFlush(successReply); // encoded now, before the encoders are removed below
            successReply = null;
        }
        ChannelPipeline pipeline = client.pipeline();
        removeAllBut(pipeline, this); // leftover bytes of decoders land in "early"
        if (toOutbound != null) {
            outbound.write(toOutbound);
            toOutbound = null;
        }
        while (!early.isEmpty()) {
            outbound.write(early.poll());
        }
        outbound.flush();
        pipeline.remove(this);
        Relay.bind(client, outbound);
    }

    /** Removes the protocol handlers: every handler of {@code pipeline} but {@code keep} (may be {@code null}). */
    static void removeAllBut(ChannelPipeline pipeline, ChannelHandler keep) {
        List<ChannelHandler> handlers = new ArrayList<>();
        for (Map.Entry<String, ChannelHandler> entry : pipeline) {
            if (entry.getValue() != keep) {
                handlers.add(entry.getValue());
            }
        }
        for (ChannelHandler handler : handlers) {
            pipeline.remove(handler);
        }
    }

    private void releaseAll() {
        ReferenceCountUtil.release(successReply);
        successReply = null;
        if (toOutbound != null) {
            toOutbound.release();
            toOutbound = null;
        }
        while (!early.isEmpty()) {
            ReferenceCountUtil.release(early.poll());
        }
    }
}
