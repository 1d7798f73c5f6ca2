package io.github.proxycore.config;

/** How a domain is resolved before connecting (sing-box's dial field {@code domain_strategy}). */
public enum DomainStrategy {
    /** Use the resolver's order, all families. */
    AS_IS(""),
    PREFER_IPV4("prefer_ipv4"),
    PREFER_IPV6("prefer_ipv6"),
    IPV4_ONLY("ipv4_only"),
    IPV6_ONLY("ipv6_only");

    private final String configName;

    DomainStrategy(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
