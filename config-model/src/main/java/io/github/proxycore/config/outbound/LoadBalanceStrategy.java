package io.github.proxycore.config.outbound;

/** How a {@code loadbalance} outbound picks among its active members. */
public enum LoadBalanceStrategy {
    /** Uniformly at random. */
    RANDOM("random"),
    /** By consistent hashing of connection metadata, so the same key keeps the same member. */
    CONSISTENT_HASH("consistent_hash");

    private final String configName;

    LoadBalanceStrategy(String configName) {
        this.configName = configName;
    }

    /** {@return the name in configuration files, e.g. {@code "consistent_hash"}} */
    public String configName() {
        return configName;
    }
}
