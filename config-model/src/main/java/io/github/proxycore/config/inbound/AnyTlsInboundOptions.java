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
    /** The {@code type} field of this inbound: {@code anytls}. */
    public static final String TYPE = "anytls";
    /** The default {@code max_streams_per_session}: 1024. */
    public static final int DEFAULT_MAX_STREAMS_PER_SESSION = 1024;
    /** The default {@code stream_address_timeout}: 10 seconds. */
    public static final Duration DEFAULT_STREAM_ADDRESS_TIMEOUT = Duration.ofSeconds(10);
    /** The default {@code stream_dial_timeout}: 15 seconds. */
    public static final Duration DEFAULT_STREAM_DIAL_TIMEOUT = Duration.ofSeconds(15);
    /** The default {@code session_memory_budget}: 4 MiB, in bytes. */
    public static final int DEFAULT_SESSION_MEMORY_BUDGET = 4 * 1024 * 1024;
    /** The default {@code session_idle_timeout}: 5 minutes. */
    public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofMinutes(5);

    /**
     * Copies the lists, reading {@code null} as empty; ranges are checked by the validator.
     *
     * @param tag the inbound's tag
     * @param listen where to listen
     * @param users accepted users, or {@code null}
     * @param paddingScheme the padding scheme's lines, or {@code null} or empty for the default
     * @param tls the server's TLS settings
     * @param maxStreamsPerSession {@code max_streams_per_session}
     * @param streamAddressTimeout {@code stream_address_timeout}
     * @param streamDialTimeout {@code stream_dial_timeout}
     * @param sessionMemoryBudget {@code session_memory_budget}, in bytes
     * @param sessionIdleTimeout {@code session_idle_timeout}
     * @throws NullPointerException if {@code listen}, {@code tls} or a timeout is {@code null}
     */
    public AnyTlsInboundOptions {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(streamAddressTimeout, "streamAddressTimeout");
        Objects.requireNonNull(streamDialTimeout, "streamDialTimeout");
        Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
        users = users == null ? List.of() : List.copyOf(users);
        paddingScheme = paddingScheme == null ? List.of() : List.copyOf(paddingScheme);
    }

    /**
     * The inbound with every server bound at its default.
     *
     * @param tag the inbound's tag
     * @param listen where to listen
     * @param users accepted users
     * @param paddingScheme the padding scheme's lines, empty for the protocol's default
     * @param tls the server's certificate and TLS settings
     */
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
