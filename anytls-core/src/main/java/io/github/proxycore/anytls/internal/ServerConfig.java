package io.github.proxycore.anytls.internal;

import io.github.proxycore.anytls.PaddingScheme;
import io.github.proxycore.outbound.ConnectionRouter;
import io.netty.channel.ChannelHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What every connection of one AnyTLS server shares.
 *
 * @param passwords the users
 * @param padding the server's padding scheme, pushed to clients whose {@code padding-md5} differs
 * @param router where streams are dialled
 * @param fallback makes the handler a connection that fails authentication is handed to, or {@code null} to close
 * @param inboundTag the tag put in the metadata of routed connections
 * @param authTimeout how long a connection may take to send its first record
 * @param maxStreams open streams per session; a SYN over it is refused
 * @param streamAddressTimeout how long a new stream may take to send its destination
 * @param streamDialTimeout how long a stream's dial may take
 * @param sessionMemoryBudget unread stream bytes a session may hold before its socket is no longer read
 * @param sessionIdleTimeout how long a session without streams, or stuck mid-frame, may go without a whole frame
 */
public record ServerConfig(
        Passwords passwords,
        PaddingScheme padding,
        ConnectionRouter router,
        Supplier<ChannelHandler> fallback,
        String inboundTag,
        Duration authTimeout,
        int maxStreams,
        Duration streamAddressTimeout,
        Duration streamDialTimeout,
        int sessionMemoryBudget,
        Duration sessionIdleTimeout) {
    public ServerConfig {
        Objects.requireNonNull(streamAddressTimeout, "streamAddressTimeout");
        Objects.requireNonNull(streamDialTimeout, "streamDialTimeout");
        Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
        Objects.requireNonNull(passwords, "passwords");
        Objects.requireNonNull(padding, "padding");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(authTimeout, "authTimeout");
    }
}
