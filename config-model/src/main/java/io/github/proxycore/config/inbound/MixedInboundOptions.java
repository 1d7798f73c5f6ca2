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
    /** The {@code type} field of this inbound: {@code mixed}. */
    public static final String TYPE = "mixed";
    /** The default {@code handshake_timeout}: 30 seconds. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);
    /** The default {@code max_handshakes}: 1024. */
    public static final int DEFAULT_MAX_HANDSHAKES = 1024;

    /**
     * Copies the users, reading {@code null} as none.
     *
     * @param tag the inbound's tag
     * @param listen where to listen
     * @param users accepted credentials, or {@code null} or empty for no authentication
     * @param handshakeTimeout {@code handshake_timeout}
     * @param maxHandshakes {@code max_handshakes}
     * @throws NullPointerException if {@code listen} or {@code handshakeTimeout} is {@code null}
     */
    public MixedInboundOptions {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        users = users == null ? List.of() : List.copyOf(users);
    }

    /**
     * The inbound with the handshake bounds at their defaults.
     *
     * @param tag the inbound's tag
     * @param listen where to listen
     * @param users accepted credentials; empty for no authentication
     */
    public MixedInboundOptions(String tag, ListenOptions listen, List<MixedUser> users) {
        this(tag, listen, users, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_MAX_HANDSHAKES);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
