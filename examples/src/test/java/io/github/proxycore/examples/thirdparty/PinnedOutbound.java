package io.github.proxycore.examples.thirdparty;

import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.OutboundFactory;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.util.Set;

/** The {@code pinned} outbound: every connection goes to one address, through the {@code via} outbound. */
public final class PinnedOutbound implements Outbound {
    private final String tag;
    private final Destination pinned;
    private final Outbound via;

    PinnedOutbound(String tag, Destination pinned, Outbound via) {
        this.tag = tag;
        this.pinned = pinned;
        this.via = via;
    }

    public Destination pinned() {
        return pinned;
    }

    @Override
    public String tag() {
        return tag;
    }

    @Override
    public String type() {
        return PinnedOutboundOptions.TYPE;
    }

    @Override
    public Set<Network> networks() {
        return Set.of(Network.TCP);
    }

    @Override
    public Future<Channel> dial(Destination destination, Metadata metadata) {
        metadata.requireFor(Network.TCP, destination);
        return via.dial(pinned);
    }

    /** Registered in {@code META-INF/services/io.github.proxycore.outbound.OutboundFactory}. */
    public static final class Factory implements OutboundFactory {
        @Override
        public String type() {
            return PinnedOutboundOptions.TYPE;
        }

        @Override
        public Outbound create(OutboundOptions options, OutboundContext context) {
            PinnedOutboundOptions pinned = (PinnedOutboundOptions) options;
            return new PinnedOutbound(
                    pinned.tag(), Destination.of(pinned.address(), pinned.port()), context.outbound(pinned.via()));
        }
    }
}
