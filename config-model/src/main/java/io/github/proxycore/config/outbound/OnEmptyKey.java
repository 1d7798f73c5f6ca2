package io.github.proxycore.config.outbound;

/** What a consistent-hash pick does when every configured key part is missing. */
public enum OnEmptyKey {
    /** Pick a random member. */
    RANDOM("random"),
    /** Hash the empty key, so all such connections share one member. */
    HASH_EMPTY("hash_empty");

    private final String configName;

    OnEmptyKey(String configName) {
        this.configName = configName;
    }

    /** {@return the name in configuration files, e.g. {@code "hash_empty"}} */
    public String configName() {
        return configName;
    }
}
