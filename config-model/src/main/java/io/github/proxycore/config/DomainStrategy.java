package io.github.proxycore.config;

/** How a domain is resolved before connecting (sing-box's dial field {@code domain_strategy}). */
public enum DomainStrategy {
    /** Use the resolver's order, all families. */
    AS_IS(""),
    /** {@code prefer_ipv4}: IPv4 addresses first, then IPv6. */
    PREFER_IPV4("prefer_ipv4"),
    /** {@code prefer_ipv6}: IPv6 addresses first, then IPv4. */
    PREFER_IPV6("prefer_ipv6"),
    /** {@code ipv4_only}: IPv4 addresses only. */
    IPV4_ONLY("ipv4_only"),
    /** {@code ipv6_only}: IPv6 addresses only. */
    IPV6_ONLY("ipv6_only");

    private final String configName;

    DomainStrategy(String configName) {
        this.configName = configName;
    }

    /** {@return the name in configuration files, e.g. {@code "prefer_ipv4"}; empty for {@link #AS_IS}} */
    public String configName() {
        return configName;
    }
}
