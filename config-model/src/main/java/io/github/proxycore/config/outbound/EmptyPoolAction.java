package io.github.proxycore.config.outbound;

/** What a {@code loadbalance} outbound does when no member is usable. */
public enum EmptyPoolAction {
    /** Fail the connection (configuration name {@code error}; {@code reject} is accepted as an alias). */
    ERROR("error"),
    /** Try every member regardless of health. */
    FALLBACK_ALL("fallback_all"),
    /** Connect directly. */
    DIRECT("direct");

    private final String configName;

    EmptyPoolAction(String configName) {
        this.configName = configName;
    }

    /** {@return the name in configuration files, e.g. {@code "error"}} */
    public String configName() {
        return configName;
    }
}
