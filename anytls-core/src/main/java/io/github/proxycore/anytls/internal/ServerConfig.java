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
 */
public record ServerConfig(
        Passwords passwords,
        PaddingScheme padding,
        ConnectionRouter router,
        Supplier<ChannelHandler> fallback,
        String inboundTag,
        Duration authTimeout) {
    public ServerConfig {
        Objects.requireNonNull(passwords, "passwords");
        Objects.requireNonNull(padding, "padding");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(authTimeout, "authTimeout");
    }
}
