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
 * <p>Callers pass the connection's {@link Metadata}, which holds its destination: {@link #dial(Metadata)},
 * {@link #listenPacket(Metadata)}, or {@link #dial(Destination)} for the application's own connections.
 * Implementations implement the two-argument forms, which reject a destination or network the metadata contradicts.
 *
 * <pre>{@code
 * outbound.dial(Destination.of("example.com", 80))
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

    /** {@return the outbound's tag, unique in its configuration} */
    String tag();

    /** {@return the configuration type: {@code direct}, {@code block}, {@code anytls}, {@code loadbalance}} */
    String type();

    /** {@return the networks this outbound can carry} */
    Set<Network> networks();

    /**
     * Opens a TCP stream to the connection's destination.
     *
     * @param metadata what is known about the connection (a {@link Network#TCP} one); outbounds that balance or
     *     route use it
     * @return a future of the connected channel (auto-read off), failed with a {@link DialException}
     * @throws IllegalArgumentException for UDP metadata
     */
    default Future<Channel> dial(Metadata metadata) {
        return dial(metadata.destination(), metadata);
    }

    /**
     * Opens a TCP stream to {@code destination} for the application itself ({@link Metadata#internal}).
     *
     * @param destination where to connect
     * @return a future of the connected channel (auto-read off), failed with a {@link DialException}
     */
    default Future<Channel> dial(Destination destination) {
        return dial(destination, Metadata.internal(Network.TCP, destination));
    }

    /**
     * Opens a TCP stream to {@code destination}: what implementations implement, and callers that hold both reach
     * through {@link #dial(Metadata)}.
     *
     * @param destination where to connect
     * @param metadata what is known about the connection; its network is TCP and its destination is
     *     {@code destination}
     * @return a future of the connected channel (auto-read off), failed with a {@link DialException}
     * @throws IllegalArgumentException if the metadata contradicts the destination ({@link Metadata#requireFor})
     */
    Future<Channel> dial(Destination destination, Metadata metadata);

    /**
     * Opens a UDP association for the connection's first recipient (see
     * {@link #listenPacket(Destination, Metadata)}).
     *
     * @param metadata what is known about the flow (a {@link Network#UDP} one), with its first recipient
     * @return a future of the channel (auto-read off), failed with a {@link DialException}
     * @throws IllegalArgumentException for TCP metadata
     */
    default Future<Channel> listenPacket(Metadata metadata) {
        return listenPacket(metadata.destination(), metadata);
    }

    /**
     * Opens a UDP association. The returned channel reads and writes {@link UdpPacket}s; {@code destination} is
     * the first recipient, which routing and balancing decide by, but packets may go to any address.
     *
     * <p>This default fails every association: outbounds that carry UDP override it.
     *
     * @param destination the first recipient
     * @param metadata what is known about the flow; its network is UDP and its destination is {@code destination}
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
