package io.github.proxycore.config;

import java.time.Duration;
import java.util.List;

/**
 * sing-box's shared dial fields: how an outbound opens its TCP connections and UDP sockets.
 *
 * <p>Fields sing-box has but the JVM cannot honour ({@code bind_interface}, {@code routing_mark},
 * {@code tcp_multi_path}, {@code udp_fragment}, {@code netns}, a true {@code tcp_fast_open}) are rejected by the
 * loader with a reason rather than silently ignored.
 *
 * @param detour tag of an outbound to dial through instead of the network, or {@code null}
 * @param inet4BindAddress local IPv4 address to bind, or {@code null}
 * @param inet6BindAddress local IPv6 address to bind, or {@code null}
 * @param reuseAddr set {@code SO_REUSEADDR}
 * @param connectTimeout how long a TCP connect may take (default 5s)
 * @param domainStrategy how a domain is resolved (default: all addresses, resolver order)
 * @param fallbackDelay how long the preferred family gets before the other is tried too (default 300ms)
 * @param disableTcpKeepAlive turn TCP keep-alive off
 * @param tcpKeepAlive idle time before the first keep-alive probe, or {@code null} for the outbound's default
 * @param tcpKeepAliveInterval time between keep-alive probes (default 75s)
 */
public record DialOptions(
        String detour,
        String inet4BindAddress,
        String inet6BindAddress,
        boolean reuseAddr,
        Duration connectTimeout,
        DomainStrategy domainStrategy,
        Duration fallbackDelay,
        boolean disableTcpKeepAlive,
        Duration tcpKeepAlive,
        Duration tcpKeepAliveInterval) {

    /** The default {@code connect_timeout}: 5 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The default {@code fallback_delay}: 300 milliseconds. */
    public static final Duration DEFAULT_FALLBACK_DELAY = Duration.ofMillis(300);
    /** The default {@code tcp_keep_alive_interval}: 75 seconds. */
    public static final Duration DEFAULT_TCP_KEEP_ALIVE_INTERVAL = Duration.ofSeconds(75);

    /** Every field at its default. */
    public static final DialOptions DEFAULT = builder().build();

    /** {@return a builder with every field at its default} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the outbound these options dial through, as a dependency list: empty, or the detour's tag} */
    public List<String> detourDependency() {
        return detour == null ? List.of() : List.of(detour);
    }

    /** {@return a builder holding these options, to change some of them} */
    public Builder toBuilder() {
        return new Builder()
                .detour(detour)
                .inet4BindAddress(inet4BindAddress)
                .inet6BindAddress(inet6BindAddress)
                .reuseAddr(reuseAddr)
                .connectTimeout(connectTimeout)
                .domainStrategy(domainStrategy)
                .fallbackDelay(fallbackDelay)
                .disableTcpKeepAlive(disableTcpKeepAlive)
                .tcpKeepAlive(tcpKeepAlive)
                .tcpKeepAliveInterval(tcpKeepAliveInterval);
    }

    /** Builds {@link DialOptions}; unset fields take their defaults. */
    public static final class Builder {
        private String detour;
        private String inet4BindAddress;
        private String inet6BindAddress;
        private boolean reuseAddr;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private DomainStrategy domainStrategy = DomainStrategy.AS_IS;
        private Duration fallbackDelay = DEFAULT_FALLBACK_DELAY;
        private boolean disableTcpKeepAlive;
        private Duration tcpKeepAlive;
        private Duration tcpKeepAliveInterval = DEFAULT_TCP_KEEP_ALIVE_INTERVAL;

        private Builder() {}

        /**
         * Sets {@code detour}: the tag of an outbound to dial through instead of the network.
         *
         * @param detour the tag, or {@code null} (the default) to dial directly
         * @return this builder
         */
        public Builder detour(String detour) {
            this.detour = detour;
            return this;
        }

        /**
         * Sets {@code inet4_bind_address}: the local address of IPv4 connections.
         *
         * @param address an IPv4 literal, or {@code null} (the default) to let the system choose
         * @return this builder
         */
        public Builder inet4BindAddress(String address) {
            this.inet4BindAddress = address;
            return this;
        }

        /**
         * Sets {@code inet6_bind_address}: the local address of IPv6 connections.
         *
         * @param address an IPv6 literal, or {@code null} (the default) to let the system choose
         * @return this builder
         */
        public Builder inet6BindAddress(String address) {
            this.inet6BindAddress = address;
            return this;
        }

        /**
         * Sets {@code reuse_addr}: whether dialled sockets set {@code SO_REUSEADDR}; default {@code false}.
         *
         * @param reuseAddr whether to set it
         * @return this builder
         */
        public Builder reuseAddr(boolean reuseAddr) {
            this.reuseAddr = reuseAddr;
            return this;
        }

        /**
         * Sets {@code connect_timeout}: how long one TCP connect attempt may take; default {@link
         * #DEFAULT_CONNECT_TIMEOUT}.
         *
         * @param connectTimeout the timeout; must be positive
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Sets {@code domain_strategy}: which addresses of a domain are tried, in what order; default {@link
         * DomainStrategy#AS_IS}.
         *
         * @param domainStrategy the strategy
         * @return this builder
         */
        public Builder domainStrategy(DomainStrategy domainStrategy) {
            this.domainStrategy = domainStrategy;
            return this;
        }

        /**
         * Sets {@code fallback_delay}: how long an address attempt runs before the next is tried too (Happy Eyeballs);
         * default {@link #DEFAULT_FALLBACK_DELAY}.
         *
         * @param fallbackDelay the delay; zero tries every address at once
         * @return this builder
         */
        public Builder fallbackDelay(Duration fallbackDelay) {
            this.fallbackDelay = fallbackDelay;
            return this;
        }

        /**
         * Sets {@code disable_tcp_keep_alive}; default {@code false} (keep-alive on).
         *
         * @param disable {@code true} to turn TCP keep-alive off
         * @return this builder
         */
        public Builder disableTcpKeepAlive(boolean disable) {
            this.disableTcpKeepAlive = disable;
            return this;
        }

        /**
         * Sets {@code tcp_keep_alive}: idle time before the first keep-alive probe.
         *
         * @param idle the idle time, or {@code null} (the default) for the outbound's default: the system's for direct,
         *     15 s for anytls
         * @return this builder
         */
        public Builder tcpKeepAlive(Duration idle) {
            this.tcpKeepAlive = idle;
            return this;
        }

        /**
         * Sets {@code tcp_keep_alive_interval}: time between keep-alive probes; default {@link
         * #DEFAULT_TCP_KEEP_ALIVE_INTERVAL}.
         *
         * @param interval the interval
         * @return this builder
         */
        public Builder tcpKeepAliveInterval(Duration interval) {
            this.tcpKeepAliveInterval = interval;
            return this;
        }

        /**
         * Builds and validates the options.
         *
         * @return the options
         * @throws ConfigException if a value is out of range
         */
        public DialOptions build() {
            DialOptions options = new DialOptions(
                    detour,
                    inet4BindAddress,
                    inet6BindAddress,
                    reuseAddr,
                    connectTimeout,
                    domainStrategy,
                    fallbackDelay,
                    disableTcpKeepAlive,
                    tcpKeepAlive,
                    tcpKeepAliveInterval);
            io.github.proxycore.config.internal.Validator.check(options);
            return options;
        }
    }
}
