package io.github.proxycore.config.outbound;

import java.time.Duration;
import java.util.List;

/**
 * The {@code urltest} outbound, as sing-box has it: every {@code interval} each member is tested with an HTTP(S)
 * request through itself, and connections go to the fastest; the member in use keeps its place while it is within
 * {@code tolerance} of the fastest.
 *
 * <pre>{@code
 * UrlTestOutboundOptions auto = UrlTestOutboundOptions.of("auto", List.of("proxy-a", "proxy-b"));
 * }</pre>
 *
 * @param tag the outbound's tag
 * @param outbounds tags of the members (required, non-empty)
 * @param url the test URL (default {@code https://www.gstatic.com/generate_204})
 * @param interval time between test rounds (default 3m)
 * @param tolerance how much faster another member must be to take over (default 50ms; sing-box's number of ms)
 * @param idleTimeout tests pause after this long without a connection (default 30m); at least {@code interval}
 * @param interruptExistConnections when the selection changes, also close inbound connections going through the
 *     member that was selected (the application's own connections are closed in any case)
 */
public record UrlTestOutboundOptions(
        String tag,
        List<String> outbounds,
        String url,
        Duration interval,
        Duration tolerance,
        Duration idleTimeout,
        boolean interruptExistConnections)
        implements OutboundOptions {
    /** The {@code type} field's value. */
    public static final String TYPE = "urltest";
    /** The test URL when none is given, as sing-box's. */
    public static final String DEFAULT_URL = LoadBalanceOutboundOptions.DEFAULT_URL;
    /** {@code interval} when absent or 0. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(3);
    /** {@code tolerance} when absent or 0. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMillis(50);
    /** {@code idle_timeout} when absent or 0. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    /** How long one test may take: sing-box's urltest has no setting for it. */
    public static final Duration TEST_TIMEOUT = LoadBalanceOutboundOptions.DEFAULT_TIMEOUT;

    /**
     * Copies the member list and puts the defaults in for absent (null) or zero values, as sing-box does.
     *
     * @param tag {@code tag}
     * @param outbounds {@code outbounds}
     * @param url {@code url}
     * @param interval {@code interval}
     * @param tolerance {@code tolerance} (milliseconds in JSON)
     * @param idleTimeout {@code idle_timeout}
     * @param interruptExistConnections {@code interrupt_exist_connections}
     */
    public UrlTestOutboundOptions {
        outbounds = outbounds == null ? List.of() : List.copyOf(outbounds);
        url = url == null || url.isEmpty() ? DEFAULT_URL : url;
        interval = interval == null || interval.isZero() ? DEFAULT_INTERVAL : interval;
        tolerance = tolerance == null || tolerance.isZero() ? DEFAULT_TOLERANCE : tolerance;
        idleTimeout = idleTimeout == null || idleTimeout.isZero() ? DEFAULT_IDLE_TIMEOUT : idleTimeout;
    }

    /**
     * Defaults for everything but the members.
     *
     * @param tag the outbound's tag
     * @param outbounds tags of the members
     * @return the options
     */
    public static UrlTestOutboundOptions of(String tag, List<String> outbounds) {
        return new UrlTestOutboundOptions(tag, outbounds, null, null, null, null, false);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> dependencies() {
        return outbounds;
    }
}
