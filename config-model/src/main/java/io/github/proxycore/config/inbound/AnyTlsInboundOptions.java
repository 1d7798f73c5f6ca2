package io.github.proxycore.config.inbound;

import io.github.proxycore.config.InboundTlsOptions;
import io.github.proxycore.config.ListenOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code anytls} inbound: an AnyTLS server.
 *
 * @param tag the inbound's tag
 * @param listen where to listen
 * @param users accepted users (at least one)
 * @param paddingScheme the server's padding scheme, one line per element; empty for the protocol's default
 * @param tls the server's certificate and TLS settings
 * @param maxStreamsPerSession open streams a session may hold; a SYN over it is refused, the session lives
 * @param streamAddressTimeout how long a new stream may take to send its destination address
 * @param streamDialTimeout how long dialling a stream's destination may take before the stream fails
 * @param sessionMemoryBudget bytes of received stream data a session may hold unread, across all its streams,
 *     before the server stops reading it
 * @param sessionIdleTimeout how long a session with no open stream, or stuck in the middle of a frame, may go
 *     without completing a frame before it is closed
 */
public record AnyTlsInboundOptions(
        String tag,
        ListenOptions listen,
        List<AnyTlsUser> users,
        List<String> paddingScheme,
        InboundTlsOptions tls,
        int maxStreamsPerSession,
        Duration streamAddressTimeout,
        Duration streamDialTimeout,
        int sessionMemoryBudget,
        Duration sessionIdleTimeout)
        implements InboundOptions {
    public static final String TYPE = "anytls";
    public static final int DEFAULT_MAX_STREAMS_PER_SESSION = 1024;
    public static final Duration DEFAULT_STREAM_ADDRESS_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STREAM_DIAL_TIMEOUT = Duration.ofSeconds(15);
    public static final int DEFAULT_SESSION_MEMORY_BUDGET = 4 * 1024 * 1024;
    public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofMinutes(5);

    public AnyTlsInboundOptions {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(streamAddressTimeout, "streamAddressTimeout");
        Objects.requireNonNull(streamDialTimeout, "streamDialTimeout");
        Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
        users = users == null ? List.of() : List.copyOf(users);
        paddingScheme = paddingScheme == null ? List.of() : List.copyOf(paddingScheme);
    }

    /** The inbound with every server bound at its default. */
    public AnyTlsInboundOptions(
            String tag,
            ListenOptions listen,
            List<AnyTlsUser> users,
            List<String> paddingScheme,
            InboundTlsOptions tls) {
        this(
                tag,
                listen,
                users,
                paddingScheme,
                tls,
                DEFAULT_MAX_STREAMS_PER_SESSION,
                DEFAULT_STREAM_ADDRESS_TIMEOUT,
                DEFAULT_STREAM_DIAL_TIMEOUT,
                DEFAULT_SESSION_MEMORY_BUDGET,
                DEFAULT_SESSION_IDLE_TIMEOUT);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
