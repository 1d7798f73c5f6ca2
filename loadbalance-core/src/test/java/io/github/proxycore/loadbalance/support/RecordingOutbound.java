package io.github.proxycore.loadbalance.support;

import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DestinationException;
import io.github.proxycore.outbound.DialException;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A member for selection tests: records every dial and answers with a fresh {@link EmbeddedChannel} (a real
 * channel, no socket), or, when told to, fails as the member (its own connection broke), fails as a proxy whose
 * server could not reach the destination (an AnyTLS SYNACK error: a {@link DestinationException} cause), or never
 * answers.
 */
public final class RecordingOutbound implements Outbound {
    private final String tag;
    private final Set<Network> networks;
    private final List<Destination> dials = new CopyOnWriteArrayList<>();
    private final List<Metadata> metadata = new CopyOnWriteArrayList<>();
    private final List<Channel> channels = new CopyOnWriteArrayList<>();
    private volatile boolean failing;
    private volatile boolean destinationError;
    private volatile boolean hanging;
    private final List<Promise<Channel>> pending = new CopyOnWriteArrayList<>();

    public RecordingOutbound(String tag, Network... networks) {
        this.tag = tag;
        this.networks = networks.length == 0 ? EnumSet.of(Network.TCP, Network.UDP) : EnumSet.copyOf(List.of(networks));
    }

    public RecordingOutbound failing(boolean failing) {
        this.failing = failing;
        return this;
    }

    /** Dials fail the way a proxy reports a destination that refused: {@code remote: dial tcp …}. */
    public RecordingOutbound destinationError(boolean destinationError) {
        this.destinationError = destinationError;
        return this;
    }

    /** Dials never complete (until cancelled); see {@link #pending()}. */
    public RecordingOutbound hanging(boolean hanging) {
        this.hanging = hanging;
        return this;
    }

    /** The dials that hang, in order. */
    public List<Promise<Channel>> pending() {
        return pending;
    }

    @Override
    public String tag() {
        return tag;
    }

    @Override
    public String type() {
        return "recording";
    }

    @Override
    public Set<Network> networks() {
        return networks;
    }

    @Override
    public Future<Channel> dial(Destination destination, Metadata md) {
        return answer(destination, md, Network.TCP);
    }

    @Override
    public Future<Channel> listenPacket(Destination destination, Metadata md) {
        return answer(destination, md, Network.UDP);
    }

    private Future<Channel> answer(Destination destination, Metadata md, Network network) {
        if (!networks.contains(network)) {
            throw new AssertionError(tag + " was asked for " + network);
        }
        dials.add(destination);
        metadata.add(md);
        if (failing) {
            return ImmediateEventExecutor.INSTANCE.newFailedFuture(
                    new DialException(tag, type(), destination, "scripted failure", null));
        }
        if (destinationError) {
            String error = "remote: dial tcp " + destination + ": connect: connection refused";
            return ImmediateEventExecutor.INSTANCE.newFailedFuture(new DialException(
                    tag, type(), destination, "server 127.0.0.1:8443: " + error, new DestinationException(error)));
        }
        if (hanging) {
            Promise<Channel> promise = ImmediateEventExecutor.INSTANCE.newPromise();
            pending.add(promise);
            return promise;
        }
        EmbeddedChannel channel = new EmbeddedChannel();
        channels.add(channel);
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(channel);
    }

    public int dials() {
        return dials.size();
    }

    public List<Destination> destinations() {
        return dials;
    }

    public List<Metadata> metadata() {
        return metadata;
    }

    public List<Channel> channels() {
        return channels;
    }

    public void reset() {
        dials.clear();
        metadata.clear();
        channels.clear();
        pending.clear();
    }

    @Override
    public String toString() {
        return tag;
    }
}
