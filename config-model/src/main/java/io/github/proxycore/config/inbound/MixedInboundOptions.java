package io.github.proxycore.config.inbound;

import io.github.proxycore.config.ListenOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code mixed} inbound: SOCKS4/4a, SOCKS5 and HTTP proxy on one port.
 *
 * @param tag the inbound's tag
 * @param listen where to listen
 * @param users accepted credentials; empty means no authentication
 * @param handshakeTimeout how long a client may take to finish its proxy request before it is closed
 * @param maxHandshakes connections of this listener that may be in their handshake at once; more are closed as
 *     soon as they are accepted
 */
public record MixedInboundOptions(
        String tag, ListenOptions listen, List<MixedUser> users, Duration handshakeTimeout, int maxHandshakes)
        implements InboundOptions {
    public static final String TYPE = "mixed";
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_HANDSHAKES = 1024;

    public MixedInboundOptions {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        users = users == null ? List.of() : List.copyOf(users);
    }

    /** The inbound with the handshake bounds at their defaults. */
    public MixedInboundOptions(String tag, ListenOptions listen, List<MixedUser> users) {
        this(tag, listen, users, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_MAX_HANDSHAKES);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
