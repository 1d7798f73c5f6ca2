package io.github.proxycore.config.inbound;

import io.github.proxycore.config.ListenOptions;
import java.util.List;
import java.util.Objects;

/**
 * The {@code mixed} inbound: SOCKS4/4a, SOCKS5 and HTTP proxy on one port.
 *
 * @param tag the inbound's tag
 * @param listen where to listen
 * @param users accepted credentials; empty means no authentication
 */
public record MixedInboundOptions(String tag, ListenOptions listen, List<MixedUser> users) implements InboundOptions {
    public static final String TYPE = "mixed";

    public MixedInboundOptions {
        Objects.requireNonNull(listen, "listen");
        users = users == null ? List.of() : List.copyOf(users);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
