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
 * @param sniff sniff the first bytes of every connection for a domain (sing-box's legacy inbound field; the route
 *     rule action {@code sniff} is the newer way)
 * @param sniffOverrideDestination replace an IP destination with the sniffed domain
 * @param sniffTimeout how long to wait for the first bytes (default 300ms)
 */
public record ListenOptions(
        String listen,
        int listenPort,
        boolean reuseAddr,
        boolean disableTcpKeepAlive,
        Duration tcpKeepAlive,
        Duration tcpKeepAliveInterval,
        Duration udpTimeout,
        boolean sniff,
        boolean sniffOverrideDestination,
        Duration sniffTimeout) {

    /** The default {@code tcp_keep_alive}: 5 minutes. */
    public static final Duration DEFAULT_TCP_KEEP_ALIVE = Duration.ofMinutes(5);
    /** The default {@code udp_timeout}: 5 minutes. */
    public static final Duration DEFAULT_UDP_TIMEOUT = Duration.ofMinutes(5);
    /** The default {@code sniff_timeout}: 300 milliseconds. */
    public static final Duration DEFAULT_SNIFF_TIMEOUT = Duration.ofMillis(300);

    /**
     * Listen fields without sniffing.
     *
     * @param listen the local IP address to listen on
     * @param listenPort the port, 0 for any free port
     * @param reuseAddr {@code reuse_addr}
     * @param disableTcpKeepAlive turn TCP keep-alive off on accepted connections
     * @param tcpKeepAlive idle time before the first keep-alive probe
     * @param tcpKeepAliveInterval time between probes
     * @param udpTimeout how long a UDP association lives without traffic
     */
    public ListenOptions(
            String listen,
            int listenPort,
            boolean reuseAddr,
            boolean disableTcpKeepAlive,
            Duration tcpKeepAlive,
            Duration tcpKeepAliveInterval,
            Duration udpTimeout) {
        this(
                listen,
                listenPort,
                reuseAddr,
                disableTcpKeepAlive,
                tcpKeepAlive,
                tcpKeepAliveInterval,
                udpTimeout,
                false,
                false,
                DEFAULT_SNIFF_TIMEOUT);
    }

    /**
     * Listens on {@code listen}:{@code port} with every other field at its default.
     *
     * @param listen the local IP address, e.g. {@code 127.0.0.1} or {@code ::}
     * @param port the port, 0 for any free port
     * @return the options
     * @throws ConfigException if the address is not an IP literal or the port is out of range
     */
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
