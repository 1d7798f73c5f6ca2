package io.github.proxycore.testing;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.SocketAddress;

/**
 * An embedded channel with a listener's and a client's addresses, as an accepted socket has: for feeding a server
 * pipeline that logs or checks the peer's address.
 */
public final class AcceptedChannel extends EmbeddedChannel {
    private final SocketAddress local;
    private final SocketAddress remote;

    /**
     * A channel accepted on {@code local} from {@code remote}.
     *
     * @param local the listener's address
     * @param remote the client's address
     */
    public AcceptedChannel(SocketAddress local, SocketAddress remote) {
        this.local = local;
        this.remote = remote;
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }
}
