package io.github.proxycore.outbound;

import io.github.proxycore.config.outbound.BlockOutboundOptions;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** The {@code block} outbound: every connection fails at once with a {@link BlockedException}. */
public final class BlockOutbound implements Outbound {
    private final String tag;

    /**
     * A block outbound.
     *
     * @param tag its tag
     * @throws NullPointerException if {@code tag} is {@code null}
     */
    public BlockOutbound(String tag) {
        this.tag = Objects.requireNonNull(tag, "tag");
    }

    @Override
    public String tag() {
        return tag;
    }

    @Override
    public String type() {
        return BlockOutboundOptions.TYPE;
    }

    @Override
    public Set<Network> networks() {
        return EnumSet.of(Network.TCP, Network.UDP);
    }

    @Override
    public Future<Channel> dial(Destination destination, Metadata metadata) {
        metadata.requireFor(Network.TCP, destination);
        return blocked(destination);
    }

    @Override
    public Future<Channel> listenPacket(Destination destination, Metadata metadata) {
        metadata.requireFor(Network.UDP, destination);
        return blocked(destination);
    }

    private Future<Channel> blocked(Destination destination) {
        return ImmediateEventExecutor.INSTANCE.newFailedFuture(new BlockedException(tag, type(), destination));
    }

    @Override
    public String toString() {
        return "BlockOutbound[" + tag + "]";
    }
}
