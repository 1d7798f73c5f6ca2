package io.github.proxycore.outbound;

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
     */
    Future<Channel> dial(Metadata metadata);

    /** Routes and opens a UDP association; same contract as {@link Outbound#listenPacket}. */
    Future<Channel> listenPacket(Metadata metadata);

    /** Every connection to {@code outbound}. */
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
