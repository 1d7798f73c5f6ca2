package io.github.proxycore.loadbalance.support;

import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A member standing in for a proxy in front of one server: every connection, whatever its destination, goes to
 * {@code server} on 127.0.0.1 through a real direct outbound. Lets members of one balancer reach different
 * servers for the same health-check URL.
 */
public final class RedirectOutbound implements Outbound {
    private final String tag;
    private final Outbound direct;
    private volatile Destination server;
    private final AtomicInteger dials = new AtomicInteger();

    public RedirectOutbound(String tag, Outbound direct, int serverPort) {
        this.tag = tag;
        this.direct = direct;
        this.server = Destination.of("127.0.0.1", serverPort);
    }

    /** Sends later connections to another port. */
    public void redirect(int serverPort) {
        this.server = Destination.of("127.0.0.1", serverPort);
    }

    public int dials() {
        return dials.get();
    }

    @Override
    public String tag() {
        return tag;
    }

    @Override
    public String type() {
        return "redirect";
    }

    @Override
    public Set<Network> networks() {
        return direct.networks();
    }

    @Override
    public Future<Channel> dial(Destination destination, Metadata metadata) {
        dials.incrementAndGet();
        return direct.dial(server, metadata.toBuilder().destination(server).build());
    }

    @Override
    public Future<Channel> listenPacket(Destination destination, Metadata metadata) {
        dials.incrementAndGet();
        return direct.listenPacket(server, metadata);
    }

    @Override
    public String toString() {
        return tag + "->" + server;
    }
}
