package io.github.proxycore.config;

import java.time.Duration;

/**
 * sing-box's listen fields, shared by every inbound.
 *
 * @param listen the local address to listen on, an IP literal such as {@code 127.0.0.1} or {@code ::}
 * @param listenPort the port, 0 for any free port
 * @param reuseAddr set {@code SO_REUSEADDR}
 * @param disableTcpKeepAlive turn TCP keep-alive off on accepted connections
 * @param tcpKeepAlive idle time before the first keep-alive probe (default 5m)
 * @param tcpKeepAliveInterval time between probes (default 75s)
 * @param udpTimeout how long a UDP association lives without traffic (default 5m)
 */
public record ListenOptions(
        String listen,
        int listenPort,
        boolean reuseAddr,
        boolean disableTcpKeepAlive,
        Duration tcpKeepAlive,
        Duration tcpKeepAliveInterval,
        Duration udpTimeout) {

    public static final Duration DEFAULT_TCP_KEEP_ALIVE = Duration.ofMinutes(5);
    public static final Duration DEFAULT_UDP_TIMEOUT = Duration.ofMinutes(5);

    /** Listens on {@code listen}:{@code port} with every other field at its default. */
    public static ListenOptions of(String listen, int port) {
        ListenOptions options = new ListenOptions(
                listen,
                port,
                false,
                false,
                DEFAULT_TCP_KEEP_ALIVE,
                DialOptions.DEFAULT_TCP_KEEP_ALIVE_INTERVAL,
                DEFAULT_UDP_TIMEOUT);
        io.github.proxycore.config.internal.Validator.check(options);
        return options;
    }
}
