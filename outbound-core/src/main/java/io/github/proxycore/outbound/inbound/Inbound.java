package io.github.proxycore.outbound.inbound;

import java.net.InetSocketAddress;

/** A running listener that accepts connections and hands them to a {@link io.github.proxycore.outbound.ConnectionRouter}. */
public interface Inbound extends AutoCloseable {

    /** {@return the inbound's tag; route rules match it with {@code inbound}} */
    String tag();

    /** {@return the configuration type: {@code mixed}, {@code anytls}} */
    String type();

    /** {@return where it listens (the actual port when the configuration asked for 0)} */
    InetSocketAddress localAddress();

    /** Stops listening and closes the connections it accepted. */
    @Override
    void close();
}
