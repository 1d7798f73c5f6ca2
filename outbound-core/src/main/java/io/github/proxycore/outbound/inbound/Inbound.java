package io.github.proxycore.outbound.inbound;

import java.net.InetSocketAddress;

/** A running listener that accepts connections and hands them to a {@link io.github.proxycore.outbound.ConnectionRouter}. */
public interface Inbound extends AutoCloseable {

    /** The inbound's tag; route rules match it with {@code inbound}. */
    String tag();

    /** The configuration type: {@code mixed}, {@code anytls}. */
    String type();

    /** Where it listens (the actual port when the configuration asked for 0). */
    InetSocketAddress localAddress();

    /** Stops listening and closes the connections it accepted. */
    @Override
    void close();
}
