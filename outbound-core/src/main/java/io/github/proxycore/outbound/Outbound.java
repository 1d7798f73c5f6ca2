package io.github.proxycore.outbound;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.Set;

/**
 * Somewhere connections can be sent: straight to the destination, through an AnyTLS server, through one of several
 * members of a load balancer, or nowhere.
 *
 * <p>A dial completes asynchronously with a Netty {@link Channel} that carries the stream's bytes as
 * {@link io.netty.buffer.ByteBuf}s, or fails with a {@link DialException} naming this outbound, the destination and
 * the reason. <b>The channel is returned with auto-read off</b>, so that nothing the destination sends is lost
 * before the caller's handlers are in place: add them, then call {@link Channel#read()} or turn auto-read on.
 * Closing the channel ends the connection. {@link Relay} joins it to another channel with backpressure.
 *
 * <pre>{@code
 * outbound.dial(Destination.of("example.com", 80), Metadata.internal(Network.TCP, dest))
 *         .addListener((Future<Channel> f) -> {
 *             if (f.isSuccess()) {
 *                 Relay.bind(clientChannel, f.getNow());
 *             } else {
 *                 log.warn("dial failed", f.cause());
 *             }
 *         });
 * }</pre>
 *
 * <p>Implementations are thread-safe and never block the calling thread.
 */
public interface Outbound extends AutoCloseable {

    /** The outbound's tag, unique in its configuration. */
    String tag();

    /** The configuration type: {@code direct}, {@code block}, {@code anytls}, {@code loadbalance}. */
    String type();

    /** The networks this outbound can carry. */
    Set<Network> networks();

    /**
     * Opens a TCP stream to {@code destination}.
     *
     * @param metadata what is known about the connection; outbounds that balance or route use it
     * @return a future of the connected channel (auto-read off), failed with a {@link DialException}
     */
    Future<Channel> dial(Destination destination, Metadata metadata);

    /**
     * Opens a UDP association. The returned channel reads and writes {@link UdpPacket}s; {@code destination} is
     * the first recipient, which routing and balancing decide by, but packets may go to any address.
     *
     * @return a future of the channel (auto-read off), failed with a {@link DialException}
     */
    default Future<Channel> listenPacket(Destination destination, Metadata metadata) {
        return ImmediateEventExecutor.INSTANCE.newFailedFuture(
                new DialException(tag(), type(), destination, "UDP is not supported by this outbound", null));
    }

    /** Releases what the outbound holds (pooled sessions, timers). Channels already dialled stay open. */
    @Override
    default void close() {}
}
