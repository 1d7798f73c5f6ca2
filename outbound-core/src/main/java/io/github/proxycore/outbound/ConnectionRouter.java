package io.github.proxycore.outbound;

import io.github.proxycore.outbound.sniff.SniffRequest;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;

/**
 * Decides which outbound a connection takes and dials it. Inbounds hand every accepted connection here; the
 * routing engine ({@link io.github.proxycore.outbound.route.Router}) implements it from {@code route} rules, and
 * {@link #to(Outbound)} sends everything to one outbound.
 */
public interface ConnectionRouter {

    /**
     * Routes and dials a TCP connection to {@code metadata.destination()}. The outbound sees the metadata with
     * what routing learned (the matched rule set). Same contract as {@link Outbound#dial}: auto-read off, failures
     * are {@link DialException}s.
     *
     * @param metadata the connection, with its destination
     * @return the outbound's channel, or the failure
     */
    Future<Channel> dial(Metadata metadata);

    /**
     * Routes and opens a UDP association; same contract as {@link Outbound#listenPacket}.
     *
     * @param metadata the association, with the destination of its first datagram
     * @return the outbound's datagram channel, or the failure
     */
    Future<Channel> listenPacket(Metadata metadata);

    /**
     * Whether the inbound should sniff this connection's first bytes for a domain before calling {@link #dial}
     * (a {@code sniff} rule action matched before any deciding rule), and how; {@code null} for no sniffing.
     *
     * @param metadata the connection as the inbound knows it
     * @return how to sniff, or {@code null}; this default never sniffs
     */
    default SniffRequest sniffRequest(Metadata metadata) {
        return null;
    }

    /**
     * {@code router}, with every connection that has not been sniffed yet sniffed as {@code request} says (sing-box's
     * legacy inbound {@code sniff} fields).
     *
     * @param router the router that routes and dials
     * @param request how to sniff
     * @return the sniffing router
     */
    static ConnectionRouter sniffingAll(ConnectionRouter router, SniffRequest request) {
        return new ConnectionRouter() {
            @Override
            public Future<Channel> dial(Metadata metadata) {
                return router.dial(metadata);
            }

            @Override
            public Future<Channel> listenPacket(Metadata metadata) {
                return router.listenPacket(metadata);
            }

            @Override
            public SniffRequest sniffRequest(Metadata metadata) {
                return metadata.sniffedDomain() != null ? null : request;
            }
        };
    }

    /**
     * Every connection to {@code outbound}.
     *
     * @param outbound the outbound
     * @return a router that never sniffs
     */
    static ConnectionRouter to(Outbound outbound) {
        return new ConnectionRouter() {
            @Override
            public Future<Channel> dial(Metadata metadata) {
                return outbound.dial(metadata);
            }

            @Override
            public Future<Channel> listenPacket(Metadata metadata) {
                return outbound.listenPacket(metadata);
            }
        };
    }
}
